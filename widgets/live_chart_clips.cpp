#include "widgets/live_chart_clips.h"

#include "widgets/series_decimation.h"

#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QScatterSeries>
#include <algorithm>

namespace studio::widgets {

LiveChartClips::LiveChartClips(QChart* chart, QAbstractAxis* xAxis) : QObject(chart), m_chart(chart), m_xAxis(xAxis) {}

bool LiveChartClips::show(const QString& group, QAbstractAxis* yAxis, double yMin, double yMax, QList<double> xs,
                          double highest) {
    QScatterSeries* series = m_series.value(group, nullptr);
    if (xs.isEmpty() && !series) return false;
    if (!series) {
        series = new QScatterSeries;
        series->setMarkerShape(QScatterSeries::MarkerShapeTriangle);
        series->setMarkerSize(10.0);
        series->setColor(QColor(214, 39, 40));
        series->setBorderColor(QColor(214, 39, 40));
        m_chart->addSeries(series);
        series->attachAxis(m_xAxis);
        series->attachAxis(yAxis);
        m_series.insert(group, series);
    }
    std::sort(xs.begin(), xs.end());
    QList<QPointF> marks;
    const double y = yMax - 0.035 * (yMax - yMin);  // inside the plot, so the mark is whole
    for (double x : xs) marks.append({x, y});
    series->replace(decimateMinMax(marks, 200));
    series->setName(xs.isEmpty() ? QString()
                                 : tr("▲ %n above the axis (highest %1)", nullptr, int(xs.size()))
                                       .arg(QString::number(highest, 'g', 3)));
    for (QLegendMarker* marker : m_chart->legend()->markers(series)) marker->setVisible(!xs.isEmpty());
    return !xs.isEmpty();
}

void LiveChartClips::moveToAxis(const QString& group, QAbstractAxis* oldAxis, QAbstractAxis* newAxis) {
    QScatterSeries* series = m_series.value(group, nullptr);
    if (!series) return;
    if (oldAxis) series->detachAxis(oldAxis);
    if (newAxis) series->attachAxis(newAxis);
}

}  // namespace studio::widgets
