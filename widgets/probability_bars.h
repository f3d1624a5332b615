#pragma once
// ProbabilityBars: the model's top-k answer as horizontal bars — class name, a bar on a 0–100 %
// scale and the percentage. The most likely class is highlighted. Drawn from the palette, so
// it reads the same in light and dark themes.

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

namespace studio::widgets {

/// One class of a prediction, as the app converts it from the engine.
struct ClassProbability {
    QString name;              ///< shown as is ("seven", "ankle boot")
    double probability = 0.0;  ///< in [0, 1]; values outside (or NaN) are clamped for drawing
    int classIndex = -1;       ///< the model's output index; passed back in intents
};

class ProbabilityBars : public QWidget {
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget* parent = nullptr);

    /// Shows `top` sorted by probability, highest first (ties keep their given order).
    /// An empty list shows nothing. The bars share one absolute scale: a full bar is 100 %.
    void setProbabilities(const QList<ClassProbability>& top);
    void clear() { setProbabilities({}); }
    /// The rows as shown (sorted).
    QList<ClassProbability> probabilities() const { return m_rows; }
    int rowCount() const { return int(m_rows.size()); }

    /// 0.973 → "97.3%", 1 → "100%", 0.0004 → "<0.1%", 0 → "0%" (also used by other views).
    static QString percentText(double probability);

    // What is drawn, for tests.
    QStringList nameTexts() const;     ///< full names, row order
    QStringList percentTexts() const;  ///< "97.3%", row order
    int barLength(int row) const;      ///< pixels at the current width; 0 for a bad row
    int barSpace() const;              ///< pixels a 100 % bar would take
    int highlightedRow() const { return m_rows.isEmpty() ? -1 : 0; }
    QColor barColor(int row) const;
    QColor textColor() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Geometry {
        int nameWidth;
        int percentWidth;
        int rowHeight;
        int barX;
        int barSpace;
    };
    Geometry geometry() const;
    int rowAt(const QPoint& pos) const;
    QString toolTipText(int row) const;  // plain text: "seven (class 7): 97.300%"

    QList<ClassProbability> m_rows;
};

}  // namespace studio::widgets
