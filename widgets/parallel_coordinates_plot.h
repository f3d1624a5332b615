#pragma once
// ParallelCoordinatesPlot: the trials of a sweep as lines across one vertical axis per option and
// a last axis for the metric (TensorBoard's HParams view). Lines are coloured by the metric (or
// by their run's colour). Dragging along an axis brushes a range; lines outside any brush fade to
// grey, and the ids inside all brushes are reported. Double-click an axis to clear its brush.
// Log axes tick whole decades, categorical axes name their categories.

#include "widgets/axis_scale.h"
#include "widgets/run_rows.h"

#include <QList>
#include <QVector>
#include <QWidget>
#include <optional>

namespace studio::widgets {

/// One run across the axes: values[i] for axis i (categorical: the category's index; NaN: missing).
struct ParallelLine {
    qint64 id = 0;
    QColor color;
    QVector<double> values;
};

class ParallelCoordinatesPlot : public QWidget {
    Q_OBJECT
public:
    explicit ParallelCoordinatesPlot(QWidget* parent = nullptr);

    /// The last axis is the metric (e.g. validation accuracy). Clears the brushes.
    void setAxes(const QList<ParallelAxis>& axes);
    /// Axes refit to the values; brushes (kept as value ranges) stay.
    void setLines(const QList<ParallelLine>& lines);
    /// true (default): lines coloured low → high along the metric (viridis); false: their own colour.
    void setColorByMetric(bool byMetric);
    bool colorByMetric() const { return m_colorByMetric; }

    /// Ids of lines inside every brush (all lines when nothing is brushed), in line order.
    QList<qint64> brushedIds() const;
    /// Brush axis `axis` to values [low, high] (categorical: indices); emits brushedRunsChanged.
    void setBrush(int axis, double low, double high);
    void clearBrush(int axis);
    bool hasBrush(int axis) const;

    // Geometry at the current size, for tests and tooltips.
    int axisCount() const { return int(m_scales.size()); }
    double axisX(int axis) const;
    /// The pixel y of `value` on `axis`; NaN for a missing value.
    double axisY(int axis, double value) const;
    /// 0 (bottom) … 1 (top): where `value` sits along `axis`.
    double axisUnit(int axis, double value) const;
    QRectF plotRect() const;
    /// The line nearest to `pos` within a few pixels.
    std::optional<qint64> lineAt(const QPointF& pos) const;
    QColor lineColor(qint64 id) const;
    std::optional<qint64> hoveredId() const { return m_hovered; }

    QSize sizeHint() const override { return {640, 320}; }
    QSize minimumSizeHint() const override { return {320, 200}; }

Q_SIGNALS:
    void brushedRunsChanged(const QList<qint64>& ids);
    void runClicked(qint64 id);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    struct Brush {
        double low, high;  // axis values (log: the values themselves; categorical: indices)
    };
    QList<QPointF> polyline(const ParallelLine& line) const;  // NaN points where values are missing
    bool insideBrushes(const ParallelLine& line) const;
    int axisNear(const QPointF& pos) const;
    double unitAt(double y) const;
    void brushFromDrag(int axis, double unitA, double unitB);
    void notifyBrushed();
    QString toolTipText(const ParallelLine& line) const;
    void paintAxis(QPainter& painter, int axis) const;

    QList<ParallelAxis> m_axes;
    QList<AxisScale> m_scales;
    QList<ParallelLine> m_lines;
    QList<std::optional<Brush>> m_brushes;
    QList<qint64> m_lastBrushed;
    bool m_colorByMetric = true;
    int m_dragAxis = -1;
    double m_dragStartUnit = 0.0;
    QPointF m_pressPos;
    bool m_dragging = false;
    std::optional<qint64> m_hovered;
};

}  // namespace studio::widgets
