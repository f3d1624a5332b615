#pragma once
// LiveChartClips: the ▲ marks at the top of an axis where a curve's spikes lie above it
// (spike_clipping.h), one scatter series per axis, named in the legend with the highest value.
// Internal to LiveChart (only live_chart.cpp includes this): Qt Charts types stay out of the
// public headers.

#include <QList>
#include <QMap>
#include <QObject>
#include <QPointF>
#include <QString>

class QAbstractAxis;
class QChart;
class QScatterSeries;

namespace studio::widgets {

class LiveChartClips : public QObject {
    Q_OBJECT
public:
    LiveChartClips(QChart* chart, QAbstractAxis* xAxis);

    /// Marks at `xs` just below the top of `yAxis` ([yMin, yMax]) for axis group `group`, the
    /// legend naming how many and the highest value; no xs: none shown. Returns whether any are.
    bool show(const QString& group, QAbstractAxis* yAxis, double yMin, double yMax, QList<double> xs, double highest);
    /// The group's axis was replaced (linear ↔ log).
    void moveToAxis(const QString& group, QAbstractAxis* oldAxis, QAbstractAxis* newAxis);

private:
    QChart* m_chart;
    QAbstractAxis* m_xAxis;
    QMap<QString, QScatterSeries*> m_series;
};

}  // namespace studio::widgets
