#include "widgets/live_chart_markers.h"

#include <algorithm>

#include <QBrush>
#include <QChart>
#include <QGraphicsLineItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPen>
#include <QValueAxis>

namespace studio::widgets {

LiveChartMarkers::LiveChartMarkers(QChart* chart, QValueAxis* xAxis) : QObject(chart), m_chart(chart), m_xAxis(xAxis) {
    connect(m_chart, &QChart::plotAreaChanged, this, &LiveChartMarkers::reposition);
    connect(m_xAxis, &QValueAxis::rangeChanged, this, &LiveChartMarkers::reposition);
}

LiveChartMarkers::~LiveChartMarkers() = default;  // the chart deletes its child items

void LiveChartMarkers::add(double x, const QString& label, const QColor& color) {
    Marker m;
    m.x = x;
    m.color = color;
    m.line = new QGraphicsLineItem(m_chart);
    QPen pen(color, 1.2, Qt::DashDotLine);
    pen.setCosmetic(true);
    m.line->setPen(pen);
    m.line->setZValue(10);                                  // above the series
    m.label = new QGraphicsSimpleTextItem(label, m_chart);  // simple text: never rich text
    m.label->setBrush(m_text.isValid() ? m_text : color);
    m.label->setZValue(11);
    m_markers.append(m);
    reposition();
}

void LiveChartMarkers::setRegion(double from, double to, const QString& label, const QColor& color) {
    delete m_region;
    delete m_regionLabel;
    m_region = nullptr;
    m_regionLabel = nullptr;
    if (!(from < to)) return;
    m_regionFrom = from;
    m_regionTo = to;
    m_region = new QGraphicsRectItem(m_chart);
    QColor fill = color;
    fill.setAlpha(40);
    m_region->setBrush(fill);
    m_region->setPen(Qt::NoPen);
    m_region->setZValue(-1);  // behind the series
    m_regionLabel = new QGraphicsSimpleTextItem(label, m_chart);  // simple text: never rich text
    m_regionLabel->setBrush(m_text.isValid() ? m_text : color);
    m_regionLabel->setZValue(11);
    reposition();
}

QList<double> LiveChartMarkers::region() const {
    return m_region ? QList<double>{m_regionFrom, m_regionTo} : QList<double>{};
}

void LiveChartMarkers::clear() {
    for (const Marker& m : m_markers) {
        delete m.line;
        delete m.label;
    }
    m_markers.clear();
    setRegion(0.0, 0.0, {}, {});
}

QList<double> LiveChartMarkers::positions() const {
    QList<double> xs;
    for (const Marker& m : m_markers) xs.append(m.x);
    return xs;
}

void LiveChartMarkers::setColors(const QColor& text, const QColor& /*background*/) {
    m_text = text;
    for (const Marker& m : m_markers) m.label->setBrush(text);
    if (m_regionLabel) m_regionLabel->setBrush(text);
}

void LiveChartMarkers::reposition() {
    const QRectF area = m_chart->plotArea();
    const double lo = m_xAxis->min(), hi = m_xAxis->max();
    if (m_region) {
        const double from = std::max(m_regionFrom, lo), to = std::min(m_regionTo, hi);
        const bool inside = hi > lo && from < to && area.width() > 0;
        m_region->setVisible(inside);
        m_regionLabel->setVisible(inside);
        if (inside) {
            const qreal x0 = area.left() + (from - lo) / (hi - lo) * area.width();
            const qreal x1 = area.left() + (to - lo) / (hi - lo) * area.width();
            m_region->setRect(x0, area.top(), x1 - x0, area.height());
            const QRectF text = m_regionLabel->boundingRect();
            m_regionLabel->setPos(std::max(x0 + 3, std::min(x1 - text.width() - 3, x0 + 3)),
                                  area.bottom() - text.height() - 2);
        }
    }
    qreal previousLabelRight = -1e9;
    for (const Marker& m : m_markers) {
        const bool inside = hi > lo && m.x >= lo && m.x <= hi && area.width() > 0;
        m.line->setVisible(inside);
        m.label->setVisible(inside);
        if (!inside) continue;
        const qreal px = area.left() + (m.x - lo) / (hi - lo) * area.width();
        m.line->setLine(px, area.top(), px, area.bottom());
        // Right of the line, or left of it near the right edge; a label that would overlap the
        // previous one drops a line lower.
        const QRectF text = m.label->boundingRect();
        qreal lx = px + 3;
        if (lx + text.width() > area.right()) lx = px - 3 - text.width();
        qreal ly = area.top() + 2;
        if (lx < previousLabelRight) ly += text.height();
        m.label->setPos(lx, ly);
        previousLabelRight = lx + text.width() + 4;
    }
}

}  // namespace studio::widgets
