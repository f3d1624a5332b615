#include "widgets/unit_field_grid.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>
#include <cmath>

namespace studio::widgets {

namespace {

constexpr int kThumb = 30, kGap = 3, kLabelHeight = 18, kRowGap = 6;

QColor mix(const QColor& a, const QColor& b, double t) {
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

}  // namespace

UnitFieldGrid::UnitFieldGrid(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
}

void UnitFieldGrid::setLayers(const QList<UnitFieldLayer>& layers) {
    m_source.clear();
    for (const UnitFieldLayer& l : layers)
        if (l.isValid()) m_source.push_back(l);
    rebuild();
    if (m_hovered && (m_hovered->first >= m_layers.size() || m_hovered->second >= m_layers[m_hovered->first].images.size()))
        m_hovered.reset();
    updateGeometry();
    update();
}

void UnitFieldGrid::rebuild() {
    m_layers.clear();
    const QColor background = palette().color(QPalette::Base);
    const QColor positive(0xE8590C), negative(0x1C7ED6);
    // 256 steps per side of the diverging scale: a table lookup per cell, not colour arithmetic.
    constexpr int kSteps = 256;
    QList<QRgb> ramp(2 * kSteps + 1);
    for (int k = -kSteps; k <= kSteps; ++k)
        ramp[k + kSteps] = mix(background, k >= 0 ? positive : negative, std::abs(k) / double(kSteps) * 0.85).rgb();
    for (const UnitFieldLayer& l : m_source) {
        Layer layer;
        layer.label = l.label;
        const std::size_t cells = static_cast<std::size_t>(l.rows) * l.columns;
        for (int u = 0; u < l.units; ++u) {
            const float* v = l.values.data() + static_cast<std::size_t>(u) * cells;
            const auto [lo, hi] = std::minmax_element(v, v + cells);
            const double scale = std::max({std::abs(double(*lo)), std::abs(double(*hi)), 1e-12});
            QImage image(l.columns, l.rows, QImage::Format_RGB32);
            for (int row = 0; row < l.rows; ++row) {
                auto* line = reinterpret_cast<QRgb*>(image.scanLine(row));
                for (int col = 0; col < l.columns; ++col) {
                    const double t = std::clamp(double(v[row * l.columns + col]) / scale, -1.0, 1.0);
                    line[col] = ramp[static_cast<int>(std::lround(t * kSteps)) + kSteps];
                }
            }
            layer.images.push_back(image);
            layer.ranges.push_back({*lo, *hi});
        }
        m_layers.push_back(layer);
    }
}

int UnitFieldGrid::thumbnailCount() const {
    int n = 0;
    for (const Layer& l : m_layers) n += static_cast<int>(l.images.size());
    return n;
}

QImage UnitFieldGrid::thumbnail(int layer, int unit) const {
    if (layer < 0 || layer >= m_layers.size() || unit < 0 || unit >= m_layers[layer].images.size()) return {};
    return m_layers[layer].images[unit];
}

int UnitFieldGrid::columnsFor(int width) const { return std::max(1, (width + kGap) / (kThumb + kGap)); }

int UnitFieldGrid::heightForWidth(int width) const {
    const int columns = columnsFor(width);
    int h = 0;
    for (const Layer& l : m_layers) {
        const int rows = (static_cast<int>(l.images.size()) + columns - 1) / columns;
        h += kLabelHeight + rows * (kThumb + kGap) + kRowGap;
    }
    return std::max(h, 40);
}

QSize UnitFieldGrid::sizeHint() const { return {520, heightForWidth(520)}; }

QRect UnitFieldGrid::thumbnailRect(int layer, int unit) const {
    if (layer < 0 || layer >= m_layers.size() || unit < 0 || unit >= m_layers[layer].images.size()) return {};
    const int columns = columnsFor(width());
    int y = 0;
    for (int k = 0; k < layer; ++k) {
        const int rows = (static_cast<int>(m_layers[k].images.size()) + columns - 1) / columns;
        y += kLabelHeight + rows * (kThumb + kGap) + kRowGap;
    }
    y += kLabelHeight + (unit / columns) * (kThumb + kGap);
    return QRect((unit % columns) * (kThumb + kGap), y, kThumb, kThumb);
}

std::optional<std::pair<int, int>> UnitFieldGrid::unitAt(const QPoint& pos) const {
    for (int layer = 0; layer < m_layers.size(); ++layer)
        for (int unit = 0; unit < m_layers[layer].images.size(); ++unit)
            if (thumbnailRect(layer, unit).contains(pos)) return std::pair{layer, unit};
    return std::nullopt;
}

void UnitFieldGrid::setHoveredUnit(std::optional<std::pair<int, int>> unit) {
    if (unit == m_hovered) return;
    m_hovered = unit;
    update();
    Q_EMIT unitHovered(unit ? unit->first : -1, unit ? unit->second : -1);
}

void UnitFieldGrid::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    if (m_layers.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No hidden dense layers to show."));
        return;
    }
    const QColor frame = palette().color(QPalette::Mid);
    for (int layer = 0; layer < m_layers.size(); ++layer) {
        const Layer& l = m_layers[layer];
        const QRect first = thumbnailRect(layer, 0);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(0, first.top() - kLabelHeight, width(), kLabelHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         tr("%1 — %2 units").arg(l.label).arg(l.images.size()));
        painter.setRenderHint(QPainter::SmoothPixmapTransform, true);
        for (int unit = 0; unit < l.images.size(); ++unit) {
            const QRect r = thumbnailRect(layer, unit);
            painter.drawImage(r, l.images[unit]);
            painter.setPen(frame);
            painter.drawRect(r.adjusted(0, 0, -1, -1));
        }
    }
    if (!m_hovered) return;
    painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(thumbnailRect(m_hovered->first, m_hovered->second).adjusted(-1, -1, 0, 0));
}

QString UnitFieldGrid::unitCaption(int layer, int unit) const {
    if (thumbnail(layer, unit).isNull()) return {};
    const auto [lo, hi] = m_layers[layer].ranges[unit];
    return tr("%1, unit %2: %3 … %4").arg(m_layers[layer].label).arg(unit + 1).arg(lo, 0, 'g', 3).arg(hi, 0, 'g', 3);
}

void UnitFieldGrid::mouseMoveEvent(QMouseEvent* event) {
    setHoveredUnit(unitAt(event->position().toPoint()));
    QWidget::mouseMoveEvent(event);
}

void UnitFieldGrid::leaveEvent(QEvent* event) {
    setHoveredUnit(std::nullopt);
    QWidget::leaveEvent(event);
}

void UnitFieldGrid::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) rebuild();
    QWidget::changeEvent(event);
}

}  // namespace studio::widgets
