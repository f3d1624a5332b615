#include "widgets/live_chart_zoom.h"

#include <QChart>
#include <QChartView>
#include <QMouseEvent>
#include <QToolButton>
#include <QValueAxis>
#include <QWheelEvent>
#include <cmath>

namespace studio::widgets {

LiveChartZoom::LiveChartZoom(QChartView* view, QChart* chart, QWidget* overlay)
    : QObject(view), m_view(view), m_chart(chart), m_overlay(overlay) {
    view->viewport()->installEventFilter(this);
    m_reset = new QToolButton(overlay);
    m_reset->setObjectName("resetZoomButton");
    m_reset->setText(tr("Reset zoom"));
    m_reset->setToolTip(tr("Follow the data again (or double-click the chart)"));
    m_reset->hide();
    connect(m_reset, &QToolButton::clicked, this, &LiveChartZoom::resetRequested);
    m_log = new QToolButton(overlay);
    m_log->setObjectName("logScaleButton");
    m_log->setText(tr("Log"));
    m_log->setToolTip(tr("Logarithmic y axis: every decade of a diverging loss at once"));
    m_log->setCheckable(true);
    m_log->hide();
    connect(m_log, &QToolButton::toggled, this, &LiveChartZoom::logToggled);
    view->viewport()->setToolTip(tr("Wheel: zoom the steps · drag: pan · double-click: follow the data"));
}

void LiveChartZoom::offerLogButton(bool checked) {
    m_logOffered = true;
    setLogChecked(checked);
    m_log->show();
    placeButtons();
}

void LiveChartZoom::setLogChecked(bool checked) {
    const QSignalBlocker block(m_log);
    m_log->setChecked(checked);
}

bool LiveChartZoom::logOffered() const {
    return m_logOffered;
}

void LiveChartZoom::setZoomed(bool zoomed) {
    m_zoomed = zoomed;
    m_reset->setVisible(zoomed);
    placeButtons();
}

void LiveChartZoom::setButtonsHidden(bool hidden) {
    m_log->setVisible(!hidden && m_logOffered);
    m_reset->setVisible(!hidden && m_zoomed);
}

void LiveChartZoom::placeButtons() {
    int right = m_overlay->width() - 4;
    for (QToolButton* b : {m_log, m_reset}) {
        if (b->isHidden()) continue;
        b->adjustSize();
        right -= b->width();
        b->move(right, 4);
        b->raise();
        right -= 4;
    }
}

QPointF LiveChartZoom::zoomedAround(double lo, double hi, double anchor, double factor) {
    return {anchor - (anchor - lo) * factor, anchor + (hi - anchor) * factor};
}

bool LiveChartZoom::currentRange(double& lo, double& hi) const {
    const auto axes = m_chart->axes(Qt::Horizontal);
    auto* x = axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
    if (!x) return false;
    lo = x->min();
    hi = x->max();
    return hi > lo;
}

bool LiveChartZoom::eventFilter(QObject* watched, QEvent* event) {
    double lo = 0.0, hi = 0.0;
    switch (event->type()) {
    case QEvent::Wheel: {
        auto* wheel = static_cast<QWheelEvent*>(event);
        const int delta = wheel->angleDelta().y();
        if (delta == 0 || !currentRange(lo, hi)) return false;
        const QPointF pos = wheel->position();
        if (!m_chart->plotArea().contains(pos)) return false;  // the page scrolls instead
        const double anchor = m_chart->mapToValue(pos).x();
        const QPointF r = zoomedAround(lo, hi, anchor, std::pow(0.8, delta / 120.0));
        Q_EMIT rangeRequested(r.x(), r.y());
        return true;
    }
    case QEvent::MouseButtonPress: {
        auto* mouse = static_cast<QMouseEvent*>(event);
        if (mouse->button() != Qt::LeftButton || !currentRange(lo, hi) || !m_chart->plotArea().contains(mouse->position()))
            return false;
        m_dragging = true;
        m_dragStart = mouse->position();
        m_dragLo = lo;
        m_dragHi = hi;
        m_view->viewport()->setCursor(Qt::ClosedHandCursor);
        return true;
    }
    case QEvent::MouseMove: {
        if (!m_dragging) return false;
        auto* mouse = static_cast<QMouseEvent*>(event);
        const double width = m_chart->plotArea().width();
        if (width <= 0.0) return true;
        const double shift = (mouse->position().x() - m_dragStart.x()) / width * (m_dragHi - m_dragLo);
        Q_EMIT rangeRequested(m_dragLo - shift, m_dragHi - shift);
        return true;
    }
    case QEvent::MouseButtonRelease:
        if (!m_dragging) return false;
        m_dragging = false;
        m_view->viewport()->unsetCursor();
        return true;
    case QEvent::MouseButtonDblClick:
        Q_EMIT resetRequested();
        return true;
    default:
        break;
    }
    return QObject::eventFilter(watched, event);
}

}  // namespace studio::widgets
