#include "widgets/variant_scatter_chart.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>
#include <cmath>

#include "widgets/nice_axis.h"

namespace studio::widgets {

namespace {
constexpr double kLeft = 56, kRight = 18, kTop = 26, kBottom = 42;
constexpr double kMinRadius = 5, kMaxRadius = 18;
}  // namespace

VariantScatterChart::VariantScatterChart(QWidget* parent) : QWidget(parent) {
    setMouseTracking(false);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void VariantScatterChart::setPoints(const QList<VariantPoint>& points) {
    m_points = points;
    refit();
    update();
}

void VariantScatterChart::setSelected(int id) {
    m_selected = id;
    update();
}

void VariantScatterChart::refit() {
    double maxLatency = 0.0, lo = 1.0, hi = 0.0;
    for (const VariantPoint& p : m_points) {
        maxLatency = std::max(maxLatency, p.latencyUs);
        lo = std::min(lo, p.accuracy);
        hi = std::max(hi, p.accuracy);
    }
    if (m_points.isEmpty()) {
        maxLatency = 1000.0;
        lo = 0.0;
        hi = 1.0;
    }
    const NiceAxis x = niceAxis(0.0, maxLatency * 1.12, 5);
    // Half a point of room around the accuracies, so close variants do not sit on the frame.
    const NiceAxis y = niceAxis(std::max(0.0, lo * 100.0 - 0.5), std::min(100.0, hi * 100.0 + 0.5), 5);
    m_x = {x.min, x.max};
    m_y = {y.min, y.max};
}

QRectF VariantScatterChart::plotRect() const {
    return QRectF(kLeft, kTop, std::max(10.0, width() - kLeft - kRight), std::max(10.0, height() - kTop - kBottom));
}

double VariantScatterChart::pointRadius(int id) const {
    qint64 largest = 1;
    for (const VariantPoint& p : m_points) largest = std::max(largest, p.fileBytes);
    for (const VariantPoint& p : m_points)
        if (p.id == id)  // area ∝ size: the radius grows with the square root
            return kMinRadius + (kMaxRadius - kMinRadius) * std::sqrt(double(std::max<qint64>(0, p.fileBytes)) / double(largest));
    return 0.0;
}

std::optional<QPointF> VariantScatterChart::pointPosition(int id) const {
    const QRectF r = plotRect();
    for (const VariantPoint& p : m_points) {
        if (p.id != id) continue;
        const double ux = (p.latencyUs - m_x.lo) / (m_x.hi - m_x.lo);
        const double uy = (p.accuracy * 100.0 - m_y.lo) / (m_y.hi - m_y.lo);
        return QPointF(r.left() + ux * r.width(), r.bottom() - uy * r.height());
    }
    return std::nullopt;
}

std::optional<int> VariantScatterChart::pointAt(const QPointF& pos) const {
    std::optional<int> best;
    double bestDistance = 1e300;
    for (const VariantPoint& p : m_points) {
        const auto at = pointPosition(p.id);
        const double d = std::hypot(at->x() - pos.x(), at->y() - pos.y());
        if (d <= pointRadius(p.id) + 3.0 && d < bestDistance) {
            best = p.id;
            bestDistance = d;
        }
    }
    return best;
}

QString VariantScatterChart::xTitle() const { return tr("Latency at batch 1, 1 thread (µs)"); }
QString VariantScatterChart::yTitle() const { return tr("Test accuracy (%)"); }

void VariantScatterChart::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.base());
    const QRectF plot = plotRect();
    const QFontMetricsF fm(font());
    QColor grid = pal.color(QPalette::Text);
    grid.setAlphaF(0.15f);

    // Ticks and grid lines, from the same nice axes refit() chose.
    const NiceAxis x = niceAxis(m_x.lo, m_x.hi, 5);
    const NiceAxis y = niceAxis(m_y.lo, m_y.hi, 5);
    for (int i = 0; i < x.tickCount; ++i) {
        const double v = x.min + (x.max - x.min) * i / std::max(1, x.tickCount - 1);
        const double px = plot.left() + (v - m_x.lo) / (m_x.hi - m_x.lo) * plot.width();
        painter.setPen(grid);
        painter.drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
        painter.setPen(pal.color(QPalette::Text));
        const QString label = x.label(v);
        // The first label starts at its tick, clear of the y axis's lowest label in the corner.
        const QRectF box = i == 0 ? QRectF(px, plot.bottom() + 3, 80, fm.height())
                                  : QRectF(px - 40, plot.bottom() + 3, 80, fm.height());
        painter.drawText(box, (i == 0 ? Qt::AlignLeft : Qt::AlignHCenter) | Qt::AlignTop, label);
    }
    for (int i = 0; i < y.tickCount; ++i) {
        const double v = y.min + (y.max - y.min) * i / std::max(1, y.tickCount - 1);
        const double py = plot.bottom() - (v - m_y.lo) / (m_y.hi - m_y.lo) * plot.height();
        painter.setPen(grid);
        painter.drawLine(QPointF(plot.left(), py), QPointF(plot.right(), py));
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRectF(0, py - fm.height() / 2, kLeft - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                         y.label(v));
    }
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRect(plot);

    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRectF(plot.left(), height() - fm.height() - 3, plot.width(), fm.height()), Qt::AlignHCenter,
                     xTitle());
    painter.drawText(QRectF(4, 4, width() - 8, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     yTitle() + tr("  ·  dot area ∝ file size"));

    if (m_points.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, tr("Variants appear here once measured."));
        return;
    }
    painter.setClipRect(rect());
    // Larger dots first, so a small one is never hidden under a big one.
    QList<VariantPoint> order = m_points;
    std::stable_sort(order.begin(), order.end(),
                     [](const VariantPoint& a, const VariantPoint& b) { return a.fileBytes > b.fileBytes; });
    for (const VariantPoint& p : order) {
        const QPointF at = *pointPosition(p.id);
        const double r = pointRadius(p.id);
        QColor fill = p.color.isValid() ? p.color : pal.color(QPalette::Highlight);
        fill.setAlphaF(0.6f);
        painter.setPen(QPen(p.color.isValid() ? p.color.darker(130) : pal.color(QPalette::Text), 1.2));
        painter.setBrush(fill);
        painter.drawEllipse(at, r, r);
        if (p.id == m_selected) {
            painter.setBrush(Qt::NoBrush);
            painter.setPen(QPen(pal.color(QPalette::Text), 2.0));
            painter.drawEllipse(at, r + 4, r + 4);
        }
    }
    // Names after the dots, each where it covers no other dot and no other name: right of its
    // dot, else left, else above or below.
    QList<QRectF> taken;
    for (const VariantPoint& p : m_points) {
        const double r = pointRadius(p.id);
        const QPointF at = *pointPosition(p.id);
        const double w = fm.horizontalAdvance(p.name) + 2, h = fm.height();
        const QRectF candidates[] = {
            QRectF(at.x() + r + 4, at.y() - h / 2, w, h),     QRectF(at.x() - r - 4 - w, at.y() - h / 2, w, h),
            QRectF(at.x() - w / 2, at.y() - r - 2 - h, w, h), QRectF(at.x() - w / 2, at.y() + r + 2, w, h),
            QRectF(at.x() + r, at.y() - r - h, w, h),         QRectF(at.x() + r, at.y() + r, w, h)};
        auto fits = [&](const QRectF& box) {
            if (!QRectF(rect()).contains(box)) return false;
            for (const QRectF& t : taken)
                if (t.intersects(box)) return false;
            for (const VariantPoint& o : m_points) {
                if (o.id == p.id) continue;
                const double ro = pointRadius(o.id);
                const QPointF c = *pointPosition(o.id);
                if (QRectF(c.x() - ro, c.y() - ro, 2 * ro, 2 * ro).intersects(box)) return false;
            }
            return true;
        };
        QRectF label = candidates[0];
        for (const QRectF& c : candidates)
            if (fits(c)) {
                label = c;
                break;
            }
        if (!fits(label) && label.right() > width() - 2) label = candidates[1];
        taken.append(label);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(label, Qt::AlignLeft | Qt::AlignVCenter, p.name);
    }
}

void VariantScatterChart::mouseReleaseEvent(QMouseEvent* event) {
    if (const auto id = pointAt(event->position())) {
        m_selected = *id;
        update();
        Q_EMIT variantClicked(*id);
    }
}

}  // namespace studio::widgets
