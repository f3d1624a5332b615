#pragma once
// ScatterPlot: one dot per run, an option across (chosen in the "x" box) against a metric up
// (the "y" box) — "does a larger batch help?" at a glance. A log option gets a log axis,
// a categorical one a slot per category with the dots spread inside it. Hover names the run;
// a click asks to show it.

#include "widgets/axis_scale.h"
#include "widgets/run_rows.h"

#include <QList>
#include <QWidget>
#include <optional>

class QComboBox;

namespace studio::widgets {

/// One run: values[key] for every option and metric key it has (numbers, or text for categories).
struct ScatterPoint {
    qint64 id = 0;
    QColor color;
    QVariantMap values;
};

class ScatterPlot : public QWidget {
    Q_OBJECT
public:
    explicit ScatterPlot(QWidget* parent = nullptr);

    /// The options offered for x and the metrics offered for y; keeps the current keys if offered.
    void setDimensions(const QList<ParallelAxis>& xChoices, const QList<ParallelAxis>& yChoices);
    void setPoints(const QList<ScatterPoint>& points);
    void setXKey(const QString& key);
    void setYKey(const QString& key);
    QString xKey() const;
    QString yKey() const;

    QComboBox* xBox() const { return m_xBox; }
    QComboBox* yBox() const { return m_yBox; }
    /// The area the dots are drawn in, at the current size.
    QRectF plotRect() const;
    /// Where values map to: plotRect() inset by a dot, so a dot on the axis range's edge is whole.
    QRectF valueRect() const;
    /// 0 (left) … 1 (right) for an x value of the current x axis; categorical: the slot centre.
    double xUnit(double value) const { return m_x.unit(value); }
    /// Where a run's dot is drawn; nullopt when it lacks a value on either axis.
    std::optional<QPointF> pointPosition(qint64 id) const;
    /// The dot under `pos` (within a few pixels), the nearest when several are.
    std::optional<qint64> pointAt(const QPointF& pos) const;
    std::optional<qint64> hoveredId() const { return m_hovered; }

    QSize sizeHint() const override { return {480, 320}; }
    QSize minimumSizeHint() const override { return {260, 200}; }

Q_SIGNALS:
    void runClicked(qint64 id);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void refit();
    double xValue(const ScatterPoint& p) const;
    double yValue(const ScatterPoint& p) const;
    double spread(qint64 id) const;  // the dot's offset inside a category slot
    void paintAxes(QPainter& painter, const QRectF& plot) const;

    QList<ParallelAxis> m_xChoices, m_yChoices;
    QList<ScatterPoint> m_points;
    AxisScale m_x, m_y;
    QComboBox* m_xBox = nullptr;
    QComboBox* m_yBox = nullptr;
    QWidget* m_controls = nullptr;
    std::optional<qint64> m_hovered;
};

}  // namespace studio::widgets
