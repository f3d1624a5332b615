#pragma once
// ConfusionMatrixView: which classes a model mixes up, as a heatmap of counts [true][predicted].
// Rows are true classes, columns predicted ones. A cell's shade is its share of the row (so the
// diagonal reads as recall): the diagonal in one hue, errors in another, and errors on a
// square-root scale so that a 2% confusion is still visible. Every cell shows its count. Column
// labels turn 45° or 90° (and shrink, then elide) rather than clip; tooltips give full names.
// Clicking a cell, or Enter on the keyboard cell, asks to see its samples.

#include <QList>
#include <QPoint>
#include <QRect>
#include <QStringList>
#include <QWidget>
#include <optional>

namespace studio::widgets {

class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    /// counts[t][p]: samples of true class t predicted as p, for t, p < classNames.size().
    /// Missing entries count as 0, entries beyond the class count are ignored, negatives become 0.
    /// Clears the hover and the selected cell.
    void setMatrix(const QStringList& classNames, const QList<QList<int>>& counts);
    /// No classes: the widget shows an empty-state message.
    void clear() { setMatrix({}, {}); }

    QStringList classNames() const { return m_names; }
    /// Square, classCount() × classCount(), after the clean-up described at setMatrix().
    QList<QList<int>> counts() const { return m_counts; }
    int classCount() const { return static_cast<int>(m_names.size()); }
    int count(int trueClass, int predictedClass) const;
    /// count / samples of the true class; 0 for a class without samples.
    double rowFraction(int trueClass, int predictedClass) const;

    /// The cell under `pos` (widget coordinates) as QPoint(x = predicted, y = true).
    std::optional<QPoint> cellAt(const QPoint& pos) const;
    /// Where a cell is drawn at the current size; empty for an index out of range.
    QRect cellRect(int trueClass, int predictedClass) const;
    QColor cellColor(int trueClass, int predictedClass) const;
    /// The count's colour: whichever of near-black and white contrasts more with cellColor().
    QColor textColor(int trueClass, int predictedClass) const;
    /// The text drawn in a cell: "1,234", or "1.2 k" when the cell is too small for digits.
    QString cellText(int trueClass, int predictedClass) const;

    /// The cell drawn as selected (x = predicted, y = true), e.g. the one whose samples are shown.
    std::optional<QPoint> selectedCell() const { return m_selected; }
    void setSelectedCell(std::optional<QPoint> cell);
    std::optional<QPoint> hoveredCell() const { return m_hovered; }

    /// Renders the widget at its current size into a PNG file; false when it cannot be written.
    bool exportPng(const QString& path);

    QSize sizeHint() const override { return {460, 460}; }
    QSize minimumSizeHint() const override { return {220, 220}; }

Q_SIGNALS:
    /// The user clicked a cell (or pressed Enter on one): show the samples of that cell.
    void cellActivated(int trueClass, int predictedClass);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Layout;
    Layout layout() const;
    std::optional<QPoint> cellAt(const Layout& layout, const QPoint& pos) const;
    std::optional<int> columnLabelAt(const Layout& layout, const QPoint& pos) const;
    std::optional<int> rowLabelAt(const Layout& layout, const QPoint& pos) const;
    QString cellToolTip(int trueClass, int predictedClass) const;
    void paintLegend(QPainter& painter, const Layout& layout) const;
    void paintLabels(QPainter& painter, const Layout& layout) const;
    void setHovered(std::optional<QPoint> cell);

    QStringList m_names;
    QList<QList<int>> m_counts;
    QList<int> m_rowTotals;
    std::optional<QPoint> m_hovered;
    std::optional<QPoint> m_selected;
    std::optional<QPoint> m_pressed;
    QPoint m_keyboardCell;  // moved with the arrow keys, drawn when the widget has focus
};

}  // namespace studio::widgets
