#include "widgets/scientific_spin_box.h"

#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace studio::widgets {

ScientificSpinBox::ScientificSpinBox(QWidget* parent) : QDoubleSpinBox(parent) {
    // A '.' decimal point everywhere: "1e-3" typed in a German locale must still mean 0.001.
    setLocale(QLocale::c());
    // QDoubleSpinBox rounds the value to decimals(); 15 keeps 3e-7 intact. Display is ours.
    setDecimals(15);
    setKeyboardTracking(false);
    setAccelerated(true);
}

void ScientificSpinBox::setDisplayDecimals(int decimals) {
    m_displayDecimals = std::clamp(decimals, 0, 12);
    lineEdit()->setText(textFromValue(value()));
}

double ScientificSpinBox::nextOneTwoFive(double value, bool up) {
    if (!(value > 0.0)) return value;
    const double decade = std::pow(10.0, std::floor(std::log10(value)));
    static constexpr double mantissas[] = {0.5, 1.0, 2.0, 5.0, 10.0, 20.0};
    const double tolerance = 1e-9;
    if (up) {
        for (double m : mantissas)
            if (m * decade > value * (1.0 + tolerance)) return m * decade;
    } else {
        for (int i = static_cast<int>(std::size(mantissas)) - 1; i >= 0; --i)
            if (mantissas[i] * decade < value * (1.0 - tolerance)) return mantissas[i] * decade;
    }
    return value;
}

void ScientificSpinBox::stepBy(int steps) {
    if (!m_logScale || value() <= 0.0) {
        QDoubleSpinBox::stepBy(steps);
        return;
    }
    double v = value();
    for (int i = 0; i < std::abs(steps); ++i) v = nextOneTwoFive(v, steps > 0);
    setValue(std::clamp(v, minimum(), maximum()));
    selectAll();
}

QAbstractSpinBox::StepEnabled ScientificSpinBox::stepEnabled() const {
    StepEnabled enabled = StepNone;
    if (value() < maximum()) enabled |= StepUpEnabled;
    if (value() > minimum()) enabled |= StepDownEnabled;
    return enabled;
}

QString ScientificSpinBox::textFromValue(double value) const {
    const double magnitude = std::abs(value);
    // Learning rates and weight decays read best as 0.001 or 3e-05, never as 0.0000.
    if (m_logScale || (magnitude != 0.0 && magnitude < std::pow(10.0, -m_displayDecimals)))
        return QString::number(value, 'g', 6);
    QString text = QString::number(value, 'f', m_displayDecimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0'))) text.chop(1);
        if (text.endsWith(QLatin1Char('.'))) text.chop(1);
    }
    return text;
}

double ScientificSpinBox::valueFromText(const QString& text) const {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    return ok ? v : value();
}

QValidator::State ScientificSpinBox::validate(QString& text, int& pos) const {
    Q_UNUSED(pos);
    const QString t = text.trimmed();
    static const QRegularExpression partial(QStringLiteral("^[+-]?(\\d*\\.?\\d*)([eE][+-]?\\d*)?$"));
    if (!partial.match(t).hasMatch()) return QValidator::Invalid;
    bool ok = false;
    const double v = t.toDouble(&ok);
    if (!ok) return QValidator::Intermediate;  // "1e", "-", "." on the way to a number
    return (v >= minimum() && v <= maximum()) ? QValidator::Acceptable : QValidator::Intermediate;
}

void ScientificSpinBox::fixup(QString& text) const {
    bool ok = false;
    const double v = text.trimmed().toDouble(&ok);
    if (ok) text = textFromValue(std::clamp(v, minimum(), maximum()));
}

}  // namespace studio::widgets
