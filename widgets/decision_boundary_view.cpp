#include "widgets/decision_boundary_view.h"

#include <QEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "widgets/probability_bars.h"

namespace studio::widgets {

namespace {

// The engine's palette (engine/teach/boundary_image.cpp), the fallback when no colours are given.
const QList<QColor> kDefaultColours = {QColor(0xE8590C), QColor(0x1C7ED6), QColor(0x2F9E44), QColor(0xAE3EC9),
                                       QColor(0xF08C00), QColor(0x0C8599), QColor(0xE64980), QColor(0x5C7CFA)};

constexpr int kLeft = 40, kTop = 8, kRight = 10, kAxisBelow = 20, kLegendHeight = 22, kCaptionHeight = 20;

// The same rule as engine/teach boundaryShade: confidence above chance → 0.12…0.80; discrete 0.55.
float shade(float pMax, int classes, bool discrete) {
    if (discrete) return 0.55f;
    const float chance = classes > 0 ? 1.0f / static_cast<float>(classes) : 0.0f;
    const float c = chance < 1.0f ? std::clamp((pMax - chance) / (1.0f - chance), 0.0f, 1.0f) : 1.0f;
    return 0.12f + 0.68f * c;
}

QColor mix(const QColor& background, const QColor& colour, float a) {
    return QColor::fromRgbF(background.redF() + (colour.redF() - background.redF()) * a,
                            background.greenF() + (colour.greenF() - background.greenF()) * a,
                            background.blueF() + (colour.blueF() - background.blueF()) * a);
}

// 1, 2 or 5 × 10^k: about `count` ticks over [lo, hi].
double tickStep(double lo, double hi, int count) {
    const double raw = (hi - lo) / std::max(1, count);
    if (!(raw > 0)) return 1.0;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10.0 * p;
}

}  // namespace

DecisionBoundaryView::DecisionBoundaryView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setCursor(Qt::CrossCursor);
    setToolTip(tr("Click the plane to classify a point"));
}

void DecisionBoundaryView::setClasses(const QStringList& names, const QList<QColor>& colours) {
    m_names = names;
    m_colours = colours;
    rebuildFieldImage();
    update();
}

void DecisionBoundaryView::setField(const BoundaryField& field) {
    m_field = field.isValid() ? field : BoundaryField{};
    rebuildFieldImage();
    update();
}

void DecisionBoundaryView::setPoints(const QList<PlaneSample>& points) {
    m_points = points;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const PlaneSample& p : points) {
        x0 = std::min(x0, p.position.x());
        x1 = std::max(x1, p.position.x());
        y0 = std::min(y0, p.position.y());
        y1 = std::max(y1, p.position.y());
    }
    if (x0 <= x1 && y0 <= y1) {
        const double half = std::max({x1 - x0, y1 - y0, 1e-6}) * 0.6;
        const QPointF c((x0 + x1) / 2, (y0 + y1) / 2);
        m_pointsRect = QRectF(c.x() - half, c.y() - half, 2 * half, 2 * half);
    } else {
        m_pointsRect = {};
    }
    update();
}

void DecisionBoundaryView::setShowHeldOut(bool show) {
    m_showHeldOut = show;
    update();
}

void DecisionBoundaryView::setDiscrete(bool discrete) {
    m_discrete = discrete;
    rebuildFieldImage();
    update();
}

void DecisionBoundaryView::setProbe(QPointF point, const QList<double>& probabilities) {
    m_probePoint = point;
    m_probe = probabilities;
    update();
}

void DecisionBoundaryView::clearProbe() {
    m_probePoint.reset();
    m_probe.clear();
    update();
}

void DecisionBoundaryView::setCaption(const QString& text) {
    m_caption = text;
    update();
}

void DecisionBoundaryView::setEmptyText(const QString& text) {
    m_emptyText = text;
    update();
}

QColor DecisionBoundaryView::classColour(int cls) const {
    if (cls >= 0 && cls < m_colours.size() && m_colours[cls].isValid()) return m_colours[cls];
    return kDefaultColours[std::abs(cls) % kDefaultColours.size()];
}

QColor DecisionBoundaryView::cellColour(int row, int column) const {
    if (!m_field.isValid() || row < 0 || column < 0 || row >= m_field.rows || column >= m_field.columns) return {};
    const float* p = m_field.probabilities.data() +
                     (static_cast<std::size_t>(row) * m_field.columns + column) * m_field.classes;
    const int cls = static_cast<int>(std::max_element(p, p + m_field.classes) - p);
    return mix(palette().color(QPalette::Base), classColour(cls), shade(p[cls], m_field.classes, m_discrete));
}

void DecisionBoundaryView::rebuildFieldImage() {
    if (!m_field.isValid()) {
        m_fieldImage = {};
        return;
    }
    m_fieldImage = QImage(m_field.columns, m_field.rows, QImage::Format_RGB32);
    for (int row = 0; row < m_field.rows; ++row) {
        auto* line = reinterpret_cast<QRgb*>(m_fieldImage.scanLine(row));
        for (int col = 0; col < m_field.columns; ++col) line[col] = cellColour(row, col).rgb();
    }
}

QRectF DecisionBoundaryView::planeRect() const {
    if (m_field.isValid())
        return QRectF(m_field.xMin, m_field.yMin, m_field.xMax - m_field.xMin, m_field.yMax - m_field.yMin);
    if (m_pointsRect.isValid()) return m_pointsRect;
    return QRectF(-1, -1, 2, 2);
}

QRectF DecisionBoundaryView::plotRect() const {
    const double w = width() - kLeft - kRight;
    const double h = height() - kTop - kAxisBelow - kLegendHeight - kCaptionHeight;
    const double side = std::max(10.0, std::min(w, h));
    return QRectF(kLeft + (w - side) / 2, kTop, side, side);
}

QPointF DecisionBoundaryView::toWidget(QPointF p) const {
    const QRectF plot = plotRect(), plane = planeRect();
    return {plot.left() + (p.x() - plane.left()) / plane.width() * plot.width(),
            plot.top() + (plane.bottom() - p.y()) / plane.height() * plot.height()};
}

QPointF DecisionBoundaryView::toPlane(QPointF w) const {
    const QRectF plot = plotRect(), plane = planeRect();
    return {plane.left() + (w.x() - plot.left()) / plot.width() * plane.width(),
            plane.bottom() - (w.y() - plot.top()) / plot.height() * plane.height()};
}

void DecisionBoundaryView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    if (!m_field.isValid() && m_points.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(12, 12, -12, -12), Qt::AlignCenter | Qt::TextWordWrap,
                         m_emptyText.isEmpty() ? tr("Train a model on 2-D data to see its decision boundary.")
                                               : m_emptyText);
        return;
    }
    const QRectF plot = plotRect();
    painter.fillRect(plot, palette().color(QPalette::Base));
    if (!m_fieldImage.isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform, !m_discrete);
        // Cell centres sit at the image's pixel centres, so the scaled image spans the plane exactly.
        painter.drawImage(plot, m_fieldImage);
    }
    painter.setRenderHint(QPainter::Antialiasing, true);
    painter.save();
    painter.setClipRect(plot);
    paintPoints(painter);
    paintProbe(painter);
    painter.restore();
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(plot);
    paintAxes(painter);
    const QRectF legend(0, plot.bottom() + kAxisBelow, width(), kLegendHeight);
    paintLegend(painter, legend);
    if (!m_caption.isEmpty()) {
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRectF(kLeft, legend.bottom(), width() - kLeft - kRight, kCaptionHeight),
                         Qt::AlignLeft | Qt::AlignVCenter,
                         painter.fontMetrics().elidedText(m_caption, Qt::ElideRight, width() - kLeft - kRight));
    }
}

void DecisionBoundaryView::paintPoints(QPainter& painter) const {
    const double r = std::clamp(plotRect().width() / 140.0, 2.5, 5.0);
    const QColor outline = palette().color(QPalette::Text);
    for (const bool heldOut : {false, true}) {  // held-out on top, so they stay visible
        if (heldOut && !m_showHeldOut) continue;
        for (const PlaneSample& p : m_points) {
            if (p.heldOut != heldOut) continue;
            const QPointF c = toWidget(p.position);
            painter.setPen(QPen(outline, 1.0));
            painter.setBrush(classColour(p.label));
            if (heldOut)
                painter.drawRect(QRectF(c.x() - r, c.y() - r, 2 * r, 2 * r));
            else
                painter.drawEllipse(c, r, r);
        }
    }
}

void DecisionBoundaryView::paintProbe(QPainter& painter) const {
    if (!m_probePoint) return;
    const QPointF c = toWidget(*m_probePoint);
    int best = -1;
    for (int k = 0; k < m_probe.size(); ++k)
        if (best < 0 || m_probe[k] > m_probe[best]) best = k;
    const QColor ink = palette().color(QPalette::Text);
    painter.setPen(QPen(ink, 2.0));
    painter.setBrush(best >= 0 ? classColour(best) : palette().color(QPalette::Base));
    painter.drawEllipse(c, 7, 7);
    painter.drawLine(c + QPointF(-12, 0), c + QPointF(-8, 0));
    painter.drawLine(c + QPointF(8, 0), c + QPointF(12, 0));
    painter.drawLine(c + QPointF(0, -12), c + QPointF(0, -8));
    painter.drawLine(c + QPointF(0, 8), c + QPointF(0, 12));
    if (best < 0) return;
    const QString name = best < m_names.size() ? m_names[best] : QString::number(best);
    const QString text = name + "  " + ProbabilityBars::percentText(m_probe[best]);
    const QFontMetrics fm = painter.fontMetrics();
    QRectF box(0, 0, fm.horizontalAdvance(text) + 12, fm.height() + 6);
    box.moveTopLeft(c + QPointF(12, 8));
    const QRectF plot = plotRect();
    if (box.right() > plot.right()) box.moveRight(c.x() - 12);
    if (box.bottom() > plot.bottom()) box.moveBottom(c.y() - 8);
    painter.setPen(QPen(ink, 1.0));
    painter.setBrush(palette().color(QPalette::ToolTipBase));
    painter.drawRoundedRect(box, 4, 4);
    painter.setPen(palette().color(QPalette::ToolTipText));
    painter.drawText(box, Qt::AlignCenter, text);
}

void DecisionBoundaryView::paintAxes(QPainter& painter) const {
    const QRectF plot = plotRect(), plane = planeRect();
    painter.setPen(palette().color(QPalette::WindowText));
    const QFontMetrics fm = painter.fontMetrics();
    const double step = tickStep(plane.left(), plane.right(), 4);
    auto label = [](double v) { return QString::number(std::abs(v) < 1e-9 ? 0.0 : v, 'g', 3); };
    for (double v = std::ceil(plane.left() / step) * step; v <= plane.right() + 1e-9; v += step) {
        const double x = toWidget({v, plane.top()}).x();
        painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4));
        painter.drawText(QRectF(x - 30, plot.bottom() + 4, 60, fm.height()), Qt::AlignHCenter | Qt::AlignTop, label(v));
    }
    const double stepY = tickStep(plane.top(), plane.bottom(), 4);
    for (double v = std::ceil(plane.top() / stepY) * stepY; v <= plane.bottom() + 1e-9; v += stepY) {
        const double y = toWidget({plane.left(), v}).y();
        painter.drawLine(QPointF(plot.left() - 4, y), QPointF(plot.left(), y));
        painter.drawText(QRectF(0, y - fm.height() / 2.0, plot.left() - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                         label(v));
    }
}

void DecisionBoundaryView::paintLegend(QPainter& painter, const QRectF& area) const {
    const QFontMetrics fm = painter.fontMetrics();
    double x = kLeft;
    const double cy = area.center().y();
    const QColor text = palette().color(QPalette::WindowText);
    auto entry = [&](const QString& label, auto&& marker) {
        marker(QPointF(x + 5, cy));
        painter.setPen(text);
        const QString shown = fm.elidedText(label, Qt::ElideRight, 120);
        painter.drawText(QPointF(x + 14, cy + fm.ascent() / 2.0 - 1), shown);
        x += 14 + fm.horizontalAdvance(shown) + 14;
    };
    for (int k = 0; k < m_names.size(); ++k)
        entry(m_names[k], [&](QPointF c) {
            painter.setPen(Qt::NoPen);
            painter.setBrush(classColour(k));
            painter.drawRect(QRectF(c.x() - 5, c.y() - 5, 10, 10));
        });
    painter.setPen(QPen(text, 1.0));
    entry(tr("training"), [&](QPointF c) {
        painter.setPen(QPen(text, 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(c, 4, 4);
    });
    if (m_showHeldOut)
        entry(tr("held out"), [&](QPointF c) {
            painter.setPen(QPen(text, 1.0));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(QRectF(c.x() - 4, c.y() - 4, 8, 8));
        });
}

void DecisionBoundaryView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton && plotRect().contains(event->position()) &&
        (m_field.isValid() || !m_points.isEmpty())) {
        Q_EMIT pointClicked(toPlane(event->position()));
        return;
    }
    QWidget::mousePressEvent(event);
}

void DecisionBoundaryView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::PaletteChange) rebuildFieldImage();  // the background is the theme's
    QWidget::changeEvent(event);
}

bool DecisionBoundaryView::exportPng(const QString& path) {
    return grab().toImage().save(path, "PNG");
}

}  // namespace studio::widgets
