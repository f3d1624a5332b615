#pragma once
// LiveChartMarkers: LiveChart's vertical markers ("learning rate changed at step N"). Internal to
// LiveChart (only live_chart.cpp includes this): Qt Charts types stay out of the public headers.

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>

class QChart;
class QGraphicsLineItem;
class QGraphicsSimpleTextItem;
class QValueAxis;

namespace studio::widgets {

class LiveChartMarkers : public QObject {
    Q_OBJECT
public:
    /// Follows the chart's plot area and the x axis' range; items are owned by the chart.
    LiveChartMarkers(QChart* chart, QValueAxis* xAxis);
    ~LiveChartMarkers() override;

    void add(double x, const QString& label, const QColor& color);
    void clear();
    QList<double> positions() const;
    /// Labels sit on a plate of the chart's background so they stay readable over curves.
    void setColors(const QColor& text, const QColor& background);

private:
    struct Marker {
        double x = 0.0;
        QColor color;
        QGraphicsLineItem* line = nullptr;
        QGraphicsSimpleTextItem* label = nullptr;
    };
    void reposition();

    QChart* m_chart;
    QValueAxis* m_xAxis;
    QList<Marker> m_markers;
    QColor m_text;
};

}  // namespace studio::widgets
