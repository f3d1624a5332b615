#include "widgets/lr_curve_plot.h"

#include "widgets/nice_axis.h"
#include "widgets/spike_clipping.h"

#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

namespace studio::widgets {

LrCurvePlot::LrCurvePlot(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent);
}

void LrCurvePlot::setCurve(const QList<QPointF>& raw, const QList<QPointF>& smoothed) {
    m_raw = raw;
    m_smoothed = smoothed;
    fit();
}

void LrCurvePlot::appendPoint(const QPointF& raw) {
    m_raw.append(raw);
    fit();
}

void LrCurvePlot::setSuggestion(std::optional<double> lr, double rangeLow, double rangeHigh) {
    m_suggested = lr;
    m_rangeLow = rangeLow;
    m_rangeHigh = rangeHigh;
    update();
}

void LrCurvePlot::clear() {
    m_raw.clear();
    m_smoothed.clear();
    m_suggested.reset();
    fit();
}

QPointF LrCurvePlot::xDecades() const {
    return {m_x0, m_x1};
}

QPointF LrCurvePlot::yRange() const {
    return {m_y0, m_y1};
}

void LrCurvePlot::fit() {
    double lo = 1e-7, hi = 10.0;
    if (!m_raw.isEmpty()) {
        lo = m_raw.first().x();
        hi = std::max(m_raw.last().x(), lo * 10.0);
    }
    m_x0 = std::floor(std::log10(lo));
    m_x1 = std::ceil(std::log10(hi));
    QList<double> losses;
    for (const QPointF& p : m_raw) losses.append(p.y());
    const ClippedRange r = spikeClippedRange(losses);  // a blow-up at the end stays off the axis
    const NiceAxis y = r.empty ? niceAxis(0.0, 1.0, 4) : niceAxis(std::min(0.0, r.lo), r.hi, 4);
    m_y0 = y.min;
    m_y1 = y.max;
    m_yTicks = y.tickCount;
    m_yFormat = y.labelFormat;
    update();
}

void LrCurvePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    const QFontMetrics fm(font());
    const QRectF plot(fm.horizontalAdvance("00.00") + 14, 8, width() - fm.horizontalAdvance("00.00") - 26,
                      height() - 2 * fm.height() - 18);
    if (plot.width() < 20 || plot.height() < 20) return;
    auto px = [&](double lr) { return plot.left() + (std::log10(lr) - m_x0) / (m_x1 - m_x0) * plot.width(); };
    auto py = [&](double loss) { return plot.bottom() - (loss - m_y0) / (m_y1 - m_y0) * plot.height(); };
    QColor text = pal.color(QPalette::WindowText), grid = text;
    grid.setAlphaF(0.12f);

    // The good range, then grid and labels.
    if (m_suggested && m_rangeHigh > m_rangeLow) {
        QColor band(46, 160, 67);
        band.setAlphaF(0.13f);
        p.fillRect(QRectF(QPointF(px(m_rangeLow), plot.top()), QPointF(px(m_rangeHigh), plot.bottom())), band);
    }
    p.setPen(grid);
    for (int k = static_cast<int>(m_x0); k <= static_cast<int>(m_x1); ++k) {
        const double x = px(std::pow(10.0, k));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    }
    const double yStep = (m_y1 - m_y0) / std::max(1, m_yTicks - 1);
    for (int i = 0; i < m_yTicks; ++i) {
        const double y = py(m_y0 + i * yStep);
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    p.setPen(text);
    // Decades as 1e-7 … 1e-3, 0.01, 0.1, 1, 10; every second (third …) one when the labels of a
    // projector's large font would touch.
    auto decade = [](int k) {
        return k <= -3 ? QStringLiteral("1e%1").arg(k) : QString::number(std::pow(10.0, k), 'g', 6);
    };
    const int first = static_cast<int>(m_x0), last = static_cast<int>(m_x1);
    int widest = 0;
    for (int k = first; k <= last; ++k) widest = std::max(widest, fm.horizontalAdvance(decade(k)));
    const double spacing = last > first ? (px(std::pow(10.0, last)) - px(std::pow(10.0, first))) / (last - first) : 1e9;
    const int every = std::max(1, static_cast<int>(std::ceil((widest + fm.horizontalAdvance(QLatin1Char(' '))) / spacing)));
    m_xLabels.clear();
    for (int k = first; k <= last; ++k) {
        if ((k - first) % every != 0) continue;
        const double x = px(std::pow(10.0, k));
        const QString label = decade(k);
        const double w = fm.horizontalAdvance(label);
        const QRectF at(x - w / 2.0, plot.bottom() + 3, w, fm.height());
        p.drawText(at, Qt::AlignHCenter | Qt::AlignTop, label);
        m_xLabels.append({label, at});
    }
    for (int i = 0; i < m_yTicks; ++i) {
        const double v = m_y0 + i * yStep;
        p.drawText(QRectF(0, py(v) - fm.height() / 2.0, plot.left() - 5, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                   QString::asprintf(m_yFormat.toLatin1().constData(), v));
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + fm.height() + 4, plot.width(), fm.height()), Qt::AlignHCenter,
               tr("Learning rate (log scale)"));

    p.setClipRect(plot.adjusted(-1, -1, 1, 1));
    auto drawCurve = [&](const QList<QPointF>& points, const QPen& pen) {
        QPainterPath path;
        bool started = false;
        for (const QPointF& pt : points) {
            if (!(pt.x() > 0.0) || !std::isfinite(pt.y())) continue;
            const QPointF at(px(pt.x()), py(pt.y()));
            started ? path.lineTo(at) : path.moveTo(at);
            started = true;
        }
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    };
    QColor faint(100, 149, 237);
    faint.setAlphaF(0.4f);
    drawCurve(m_raw, QPen(faint, 1.2));
    drawCurve(m_smoothed, QPen(QColor(31, 84, 180), 2.4));

    if (m_suggested) {
        const double x = px(*m_suggested);
        p.setPen(QPen(QColor(214, 39, 40), 2.0, Qt::DashLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        p.setClipping(false);
        const QString label = tr("suggested %1").arg(QString::number(*m_suggested, 'g', 3));
        const double w = fm.horizontalAdvance(label) + 8;
        const double left = std::min(x + 4, plot.right() - w);
        p.fillRect(QRectF(left, plot.top() + 2, w, fm.height() + 2), pal.color(QPalette::Base));
        p.setPen(QColor(214, 39, 40));
        p.drawText(QRectF(left, plot.top() + 2, w, fm.height() + 2), Qt::AlignCenter, label);
    }
    p.setClipping(false);
    p.setPen(QPen(grid.darker(), 1.0));
    QColor frame = text;
    frame.setAlphaF(0.45f);
    p.setPen(frame);
    p.drawRect(plot);
}

}  // namespace studio::widgets
