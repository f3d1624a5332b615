#pragma once
// LiveChartMarkers: LiveChart's vertical markers ("learning rate changed at step N"). Internal to
// LiveChart (only live_chart.cpp includes this): Qt Charts types stay out of the public headers.

#include <QColor>
#include <QList>
#include <QObject>
#include <QString>

class QChart;
class QGraphicsLineItem;
class QGraphicsRectItem;
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
    /// One shaded band over x in [from, to] behind the curves (e.g. where overfitting began),
    /// labelled at its bottom; from ≥ to removes it. Clipped to the x axis' range.
    void setRegion(double from, double to, const QString& label, const QColor& color);
    QList<double> region() const;  ///< {from, to}, or empty
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
    double m_regionFrom = 0.0, m_regionTo = 0.0;
    QGraphicsRectItem* m_region = nullptr;
    QGraphicsSimpleTextItem* m_regionLabel = nullptr;
};

}  // namespace studio::widgets
