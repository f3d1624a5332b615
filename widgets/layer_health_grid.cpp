#include "widgets/layer_health_grid.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>
#include <optional>

namespace studio::widgets {

namespace {

constexpr int kNameWidth = 64;
constexpr int kHeaderHeight = 20;
constexpr int kRowHeight = 58;

std::optional<double> valueOf(const LayerHealthValues& v, LayerHealthGrid::Measure m) {
    switch (m) {
        case LayerHealthGrid::Activation: return v.mean;
        case LayerHealthGrid::Dead: return v.dead >= 0 ? std::optional<double>(v.dead) : std::nullopt;
        case LayerHealthGrid::Gradient:
            return v.gradientNorm > 0 ? std::optional<double>(std::log10(v.gradientNorm)) : std::nullopt;
        case LayerHealthGrid::Update:
            return v.updateRatio > 0 ? std::optional<double>(std::log10(v.updateRatio)) : std::nullopt;
        default: return std::nullopt;
    }
}

QString shortNumber(double v) {
    return QString::number(v, 'g', 2);
}

}  // namespace

LayerHealthGrid::LayerHealthGrid(QWidget* parent) : QWidget(parent) {
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

QString LayerHealthGrid::measureTitle(Measure m) {
    switch (m) {
        case Activation: return tr("Activation mean ± std");
        case Dead: return tr("Dead ReLU units");
        case Gradient: return tr("Gradient norm (log)");
        case Update: return tr("Update / weight (log)");
        default: return {};
    }
}

void LayerHealthGrid::setLayers(const QStringList& names) {
    m_layers = names;
    m_samples.clear();
    updateGeometry();
    update();
}

void LayerHealthGrid::appendSamples(const QList<LayerHealthSample>& samples) {
    m_samples.append(samples);
    update();
}

void LayerHealthGrid::clear() {
    m_layers.clear();
    m_samples.clear();
    updateGeometry();
    update();
}

QSize LayerHealthGrid::sizeHint() const {
    return {720, kHeaderHeight + kRowHeight * static_cast<int>(std::max<qsizetype>(1, m_layers.size())) + 4};
}

void LayerHealthGrid::paintEvent(QPaintEvent*) {
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette& pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));
    p.setPen(pal.color(QPalette::Text));
    if (m_layers.isEmpty()) {
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Layer health appears here while a model trains: every few steps each layer's "
                      "activations, dead units, gradient and update size on a fixed probe batch."));
        return;
    }
    const double cellWidth = (width() - kNameWidth - 4.0) / MeasureCount;
    const double rowHeight =
        std::max(36.0, (height() - kHeaderHeight - 4.0) / static_cast<double>(m_layers.size()));
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    p.setFont(small);
    for (int m = 0; m < MeasureCount; ++m)
        p.drawText(QRectF(kNameWidth + m * cellWidth, 0, cellWidth, kHeaderHeight), Qt::AlignCenter,
                   measureTitle(Measure(m)));
    for (int l = 0; l < m_layers.size(); ++l) {
        const double top = kHeaderHeight + l * rowHeight;
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRectF(2, top, kNameWidth - 4, rowHeight), Qt::AlignVCenter | Qt::AlignLeft, m_layers[l]);
        for (int m = 0; m < MeasureCount; ++m)
            paintCell(p, QRectF(kNameWidth + m * cellWidth + 3, top + 3, cellWidth - 6, rowHeight - 6), l, Measure(m));
    }
}

void LayerHealthGrid::paintCell(QPainter& p, const QRectF& cell, int layer, Measure m) const {
    const QPalette& pal = palette();
    const bool dark = pal.color(QPalette::Base).lightness() < 128;
    p.setPen(QPen(pal.color(QPalette::Mid), 1));
    p.setBrush(Qt::NoBrush);
    p.drawRect(cell);

    // The cell's points and their y range.
    QList<QPointF> points, upper, lower;
    double xMax = 0.0;
    for (const LayerHealthSample& s : m_samples) {
        xMax = std::max(xMax, s.x);
        if (layer >= s.layers.size()) continue;
        const auto v = valueOf(s.layers[layer], m);
        if (!v || !std::isfinite(*v)) continue;
        points.append({s.x, *v});
        if (m == Activation) {
            upper.append({s.x, *v + s.layers[layer].std});
            lower.append({s.x, *v - s.layers[layer].std});
        }
    }
    if (points.isEmpty()) {
        QColor faint = pal.color(QPalette::Text);  // not PlaceholderText: some dark palettes leave it dark
        faint.setAlpha(140);
        p.setPen(faint);
        p.drawText(cell, Qt::AlignCenter, m == Dead && !m_samples.isEmpty() ? tr("no ReLU") : tr("—"));
        return;
    }
    double lo = points.front().y(), hi = lo;
    for (const auto& pt : points) lo = std::min(lo, pt.y()), hi = std::max(hi, pt.y());
    for (const auto& pt : upper) hi = std::max(hi, pt.y());
    for (const auto& pt : lower) lo = std::min(lo, pt.y());
    if (m == Dead) lo = 0.0, hi = 1.0;
    if (m == Update) {  // the healthy band always in view
        lo = std::min(lo, std::log10(kHealthyUpdateLow) - 0.5);
        hi = std::max(hi, std::log10(kHealthyUpdateHigh) + 0.5);
    }
    if (hi - lo < 1e-12) lo -= 0.5, hi += 0.5;
    const double pad = (hi - lo) * 0.08;
    lo -= pad;
    hi += pad;
    const double x0 = 0.0, x1 = std::max(xMax, 1e-9);
    auto map = [&](QPointF v) {
        return QPointF(cell.left() + (v.x() - x0) / (x1 - x0) * cell.width(),
                       cell.bottom() - (v.y() - lo) / (hi - lo) * cell.height());
    };

    p.save();
    p.setClipRect(cell);
    if (m == Update) {
        const double yTop = map({0, std::log10(kHealthyUpdateHigh)}).y();
        const double yBottom = map({0, std::log10(kHealthyUpdateLow)}).y();
        p.fillRect(QRectF(cell.left(), yTop, cell.width(), yBottom - yTop), QColor(46, 160, 67, dark ? 60 : 40));
        QPen dashed(QColor(46, 160, 67), 1, Qt::DashLine);
        p.setPen(dashed);
        const double y = map({0, std::log10(kHealthyUpdate)}).y();
        p.drawLine(QPointF(cell.left(), y), QPointF(cell.right(), y));
    }
    if (m == Dead) {
        QPen limit(QColor(214, 39, 40, 140), 1, Qt::DotLine);
        p.setPen(limit);
        const double y = map({0, 0.75}).y();
        p.drawLine(QPointF(cell.left(), y), QPointF(cell.right(), y));
    }
    if (m == Activation && upper.size() > 1) {
        QPainterPath band;
        band.moveTo(map(upper.front()));
        for (const auto& pt : upper) band.lineTo(map(pt));
        for (auto it = lower.rbegin(); it != lower.rend(); ++it) band.lineTo(map(*it));
        band.closeSubpath();
        p.fillPath(band, QColor(100, 149, 237, dark ? 80 : 60));
    }
    const QColor line = m == Dead ? QColor(214, 39, 40) : m == Gradient ? QColor(148, 103, 189) : QColor(31, 119, 180);
    p.setPen(QPen(dark && m == Activation ? line.lighter(140) : line, 1.5));
    if (points.size() == 1) {
        p.setBrush(line);
        p.drawEllipse(map(points.front()), 2.5, 2.5);
    } else {
        QPainterPath path;
        path.moveTo(map(points.front()));
        for (const auto& pt : points) path.lineTo(map(pt));
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
    }
    p.restore();

    // The latest value, in the measure's own units.
    const LayerHealthValues& last = m_samples.back().layers.value(layer);
    QString text;
    switch (m) {
        case Activation: text = shortNumber(last.mean) + " ± " + shortNumber(last.std); break;
        case Dead: text = last.dead >= 0 ? QString::number(qRound(last.dead * 100)) + "%" : QString(); break;
        case Gradient: text = shortNumber(last.gradientNorm); break;
        case Update: text = shortNumber(last.updateRatio); break;
        default: break;
    }
    p.setPen(pal.color(QPalette::Text));
    p.drawText(cell.adjusted(3, 1, -3, -1), Qt::AlignTop | Qt::AlignRight, text);
}

}  // namespace studio::widgets
