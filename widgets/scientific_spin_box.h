#pragma once
// ScientificSpinBox: a number field that accepts what people type for hyperparameters —
// "0.001", "1e-3", "3E-4" — and keeps the exact value instead of rounding it to a few decimals.
// On a log scale the arrows walk 1, 2, 5, 10, 20, 50 … (×10 per three clicks); otherwise they add
// singleStep().

#include <QDoubleSpinBox>

namespace studio::widgets {

class ScientificSpinBox : public QDoubleSpinBox {
    Q_OBJECT
public:
    explicit ScientificSpinBox(QWidget* parent = nullptr);

    /// Decimals shown for linear values (the stored value is never rounded to them).
    void setDisplayDecimals(int decimals);
    int displayDecimals() const { return m_displayDecimals; }
    void setLogScale(bool logScale) { m_logScale = logScale; }
    bool logScale() const { return m_logScale; }

    void stepBy(int steps) override;
    QString textFromValue(double value) const override;
    double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& text, int& pos) const override;
    /// A typed number outside the range is clamped to it rather than thrown away.
    void fixup(QString& text) const override;

    /// The next value of the 1-2-5 sequence above (up) or below (down) `value`.
    static double nextOneTwoFive(double value, bool up);

protected:
    StepEnabled stepEnabled() const override;

private:
    int m_displayDecimals = 4;
    bool m_logScale = false;
};

}  // namespace studio::widgets
