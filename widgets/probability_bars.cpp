#include "widgets/probability_bars.h"

#include "widgets/run_values.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

constexpr int kGap = 6;

double clamped(double p) {
    return std::isfinite(p) ? std::clamp(p, 0.0, 1.0) : 0.0;
}

// `amount` of `a` over `b`: a neutral that keeps its distance from both the text and the page.
QColor blend(const QColor& a, const QColor& b, double amount) {
    auto mix = [amount](int x, int y) { return int(std::lround(x * amount + y * (1.0 - amount))); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QFont boldOf(QFont font) {
    font.setBold(true);
    return font;
}

}  // namespace

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ProbabilityBars::setProbabilities(const QList<ClassProbability>& top) {
    m_rows = top;
    std::stable_sort(m_rows.begin(), m_rows.end(), [](const ClassProbability& a, const ClassProbability& b) {
        return clamped(a.probability) > clamped(b.probability);
    });
    QStringList spoken;
    for (const ClassProbability& row : m_rows) spoken << row.name + QLatin1Char(' ') + percentText(row.probability);
    setAccessibleDescription(spoken.join(QStringLiteral(", ")));
    updateGeometry();
    update();
}

QString ProbabilityBars::percentText(double probability) {
    const double p = clamped(probability);
    if (p > 0.0 && p < 0.0005) return tr("<0.1%");
    QString number = QString::number(p * 100.0, 'f', 1);
    if (number.endsWith(QLatin1String(".0"))) number.chop(2);
    return tr("%1%").arg(number);
}

QStringList ProbabilityBars::nameTexts() const {
    QStringList names;
    for (const ClassProbability& row : m_rows) names << row.name;
    return names;
}

QStringList ProbabilityBars::percentTexts() const {
    QStringList texts;
    for (const ClassProbability& row : m_rows) texts << percentText(row.probability);
    return texts;
}

ProbabilityBars::Geometry ProbabilityBars::geometry() const {
    // Measured in bold so the highlighted row never needs more room than the others.
    const QFontMetrics fm(boldOf(font()));
    int nameWidth = 0;
    for (const ClassProbability& row : m_rows) nameWidth = std::max(nameWidth, fm.horizontalAdvance(row.name));
    nameWidth = std::min(nameWidth + 2, std::max(48, width() * 42 / 100));
    const int percentWidth = fm.horizontalAdvance(QStringLiteral("100.0%")) + 2;
    const int barX = nameWidth + kGap;
    const int barSpace = std::max(8, width() - barX - kGap - percentWidth);
    return {nameWidth, percentWidth, fm.height() + 7, barX, barSpace};
}

int ProbabilityBars::barSpace() const {
    return geometry().barSpace;
}

int ProbabilityBars::barLength(int row) const {
    if (row < 0 || row >= m_rows.size()) return 0;
    return int(std::lround(clamped(m_rows[row].probability) * geometry().barSpace));
}

QColor ProbabilityBars::textColor() const {
    return palette().color(QPalette::WindowText);
}

QColor ProbabilityBars::barColor(int row) const {
    if (row == highlightedRow()) return palette().color(QPalette::Highlight);
    return blend(textColor(), palette().color(QPalette::Base), 0.45);
}

QSize ProbabilityBars::sizeHint() const {
    const QFontMetrics fm(boldOf(font()));
    return {220, std::max(1, rowCount()) * (fm.height() + 7)};
}

QSize ProbabilityBars::minimumSizeHint() const {
    const QFontMetrics fm(boldOf(font()));
    return {120, rowCount() * (fm.height() + 7)};
}

int ProbabilityBars::rowAt(const QPoint& pos) const {
    const int row = pos.y() / geometry().rowHeight;
    return row >= 0 && row < rowCount() ? row : -1;
}

bool ProbabilityBars::event(QEvent* event) {
    // Names may be elided; the tooltip always has the whole name and a finer percentage.
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int row = rowAt(help->pos());
        if (row < 0) {
            QToolTip::hideText();
            event->ignore();
            return true;
        }
        QToolTip::showText(help->globalPos(), plainToolTip(toolTipText(row)), this);
        return true;
    }
    return QWidget::event(event);
}

void ProbabilityBars::paintEvent(QPaintEvent*) {
    if (m_rows.isEmpty()) return;
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const Geometry g = geometry();
    const QColor text = textColor();
    const QColor track = blend(text, palette().color(QPalette::Base), 0.10);
    for (int i = 0; i < rowCount(); ++i) {
        const bool top = i == highlightedRow();
        const QFont rowFont = top ? boldOf(font()) : font();
        const QFontMetrics fm(rowFont);
        painter.setFont(rowFont);
        const int y = i * g.rowHeight;
        painter.setPen(text);
        painter.drawText(QRect(0, y, g.nameWidth, g.rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         fm.elidedText(m_rows[i].name, Qt::ElideRight, g.nameWidth));
        const QRectF barRect(g.barX, y + 4, g.barSpace, g.rowHeight - 8);
        painter.setPen(Qt::NoPen);
        painter.setBrush(track);
        painter.drawRoundedRect(barRect, 3, 3);
        const int length = barLength(i);
        if (length > 0) {
            painter.setBrush(barColor(i));
            painter.drawRoundedRect(QRectF(barRect.x(), barRect.y(), std::max(length, 2), barRect.height()), 3, 3);
        }
        painter.setPen(text);
        painter.drawText(QRect(width() - g.percentWidth, y, g.percentWidth, g.rowHeight),
                         Qt::AlignRight | Qt::AlignVCenter, percentText(m_rows[i].probability));
    }
}

QString ProbabilityBars::toolTipText(int row) const {
    const ClassProbability& p = m_rows[row];
    return tr("%1 (class %2): %3%")
        .arg(p.name, QString::number(p.classIndex), QString::number(clamped(p.probability) * 100.0, 'f', 3));
}

}  // namespace studio::widgets
