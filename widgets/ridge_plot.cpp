#include "widgets/ridge_plot.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace studio::widgets {

namespace {
constexpr double kOverlap = 1.8;  // a ridge may rise this many row heights
}  // namespace

RidgePlot::RidgePlot(QWidget* parent) : QWidget(parent) {}

void RidgePlot::setTitle(const QString& title) {
    m_title = title;
    update();
}

void RidgePlot::setHistograms(const QList<RidgeHistogram>& histograms) {
    m_histograms = histograms;
    update();
}

QPair<double, double> RidgePlot::valueRange() const {
    if (m_histograms.isEmpty()) return {0.0, 1.0};
    double lo = m_histograms.front().min, hi = m_histograms.front().max;
    for (const auto& h : m_histograms) lo = std::min(lo, h.min), hi = std::max(hi, h.max);
    if (hi <= lo) hi = lo + 1.0;
    return {lo, hi};
}

void RidgePlot::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    const bool dark = pal.color(QPalette::Base).lightness() < 128;
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    // Margins from the fonts, so the labels fit at any size (View ▸ Presentation: "Epoch 1" lost
    // its "E" with fixed pixel margins).
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    const QFontMetricsF smallMetrics(small);
    const double kTitleHeight = QFontMetricsF(font()).height() + 4;
    const double kAxisHeight = smallMetrics.height() + 4;
    const double kLabelWidth = smallMetrics.horizontalAdvance(tr("epoch %1").arg(88)) + 12;
    p.drawText(QRectF(0, 0, width(), kTitleHeight), Qt::AlignCenter, m_title);
    if (m_histograms.isEmpty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("A histogram of the layer's activations appears after each epoch."));
        return;
    }
    const QRectF plot(kLabelWidth, kTitleHeight + 4, width() - kLabelWidth - 10,
                      height() - kTitleHeight - kAxisHeight - 8);
    const auto [lo, hi] = valueRange();
    const int n = static_cast<int>(m_histograms.size());
    const double row = plot.height() / (n + kOverlap - 1.0);
    p.setFont(small);

    // Oldest at the top, newest at the bottom and in front (drawn last).
    for (int i = 0; i < n; ++i) {
        const RidgeHistogram& h = m_histograms[i];
        const double base = plot.top() + (i + kOverlap) * row;
        float peak = 0.0f;
        for (float f : h.bins) peak = std::max(peak, f);
        const int bins = static_cast<int>(h.bins.size());
        QPainterPath path;
        path.moveTo(plot.left() + (h.min - lo) / (hi - lo) * plot.width(), base);
        for (int b = 0; b < bins; ++b) {
            const double centre = h.min + (b + 0.5) * (h.max - h.min) / bins;
            const double x = plot.left() + (centre - lo) / (hi - lo) * plot.width();
            // √ of the share: a ReLU's spike of zeros would otherwise flatten the rest to nothing.
            const double y = base - (peak > 0 ? std::sqrt(h.bins[b] / peak) : 0.0) * row * kOverlap;
            path.lineTo(x, y);
        }
        path.lineTo(plot.left() + (h.max - lo) / (hi - lo) * plot.width(), base);
        path.closeSubpath();
        const double t = n > 1 ? double(i) / (n - 1) : 1.0;
        QColor fill = QColor::fromHsvF(0.58 - 0.5 * t, 0.55, dark ? 0.85 : 0.9);
        fill.setAlphaF(0.85);
        p.setPen(QPen(pal.color(QPalette::Base), 1.2));
        p.setBrush(fill);
        p.drawPath(path);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(0, base - row, kLabelWidth - 6, row), Qt::AlignRight | Qt::AlignBottom,
                   tr("epoch %1").arg(h.epoch));
    }
    // The value axis: its ends and zero when it is inside.
    p.setPen(pal.color(QPalette::Mid));
    const double axisY = plot.bottom() + 2;
    p.drawLine(QPointF(plot.left(), axisY), QPointF(plot.right(), axisY));
    p.setPen(pal.color(QPalette::Text));
    const QRectF labels(plot.left(), axisY + 1, plot.width(), kAxisHeight);
    p.drawText(labels, Qt::AlignLeft | Qt::AlignTop, QString::number(lo, 'g', 3));
    p.drawText(labels, Qt::AlignRight | Qt::AlignTop, QString::number(hi, 'g', 3));
    if (lo < 0 && hi > 0) {
        const double x = plot.left() + (0 - lo) / (hi - lo) * plot.width();
        p.setPen(QPen(pal.color(QPalette::Mid), 1, Qt::DotLine));
        p.drawLine(QPointF(x, plot.top()), QPointF(x, axisY));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(x - 20, axisY + 1, 40, kAxisHeight), Qt::AlignHCenter | Qt::AlignTop, "0");
    }
}

}  // namespace studio::widgets
