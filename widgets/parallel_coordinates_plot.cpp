#include "widgets/parallel_coordinates_plot.h"

#include "widgets/run_values.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

constexpr int kPad = 8;
constexpr double kAxisGrab = 10.0;  // pixels either side of an axis that start a brush
constexpr double kPickDistance = 8.0;

double segmentDistance(const QPointF& p, const QPointF& a, const QPointF& b) {
    const QPointF ab = b - a;
    const double len2 = QPointF::dotProduct(ab, ab);
    const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
    const QPointF d = p - (a + t * ab);
    return std::hypot(d.x(), d.y());
}

bool finite(const QPointF& p) {
    return std::isfinite(p.x()) && std::isfinite(p.y());
}

}  // namespace

ParallelCoordinatesPlot::ParallelCoordinatesPlot(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ParallelCoordinatesPlot::setAxes(const QList<ParallelAxis>& axes) {
    m_axes = axes;
    m_brushes = QList<std::optional<Brush>>(axes.size());
    setLines(m_lines);
}

void ParallelCoordinatesPlot::setLines(const QList<ParallelLine>& lines) {
    m_lines = lines;
    m_scales.clear();
    for (qsizetype a = 0; a < m_axes.size(); ++a) {
        AxisScale scale(m_axes[a]);
        QList<double> values;
        for (const ParallelLine& line : m_lines)
            if (a < line.values.size()) values.append(line.values[a]);
        scale.fit(values);
        m_scales.append(scale);
    }
    if (m_hovered && !std::any_of(m_lines.begin(), m_lines.end(), [&](const auto& l) { return l.id == *m_hovered; }))
        m_hovered.reset();
    notifyBrushed();
    update();
}

void ParallelCoordinatesPlot::setColorByMetric(bool byMetric) {
    m_colorByMetric = byMetric;
    update();
}

QList<qint64> ParallelCoordinatesPlot::brushedIds() const {
    QList<qint64> ids;
    for (const ParallelLine& line : m_lines)
        if (insideBrushes(line)) ids.append(line.id);
    return ids;
}

void ParallelCoordinatesPlot::setBrush(int axis, double low, double high) {
    if (axis < 0 || axis >= m_brushes.size()) return;
    m_brushes[axis] = Brush{std::min(low, high), std::max(low, high)};
    notifyBrushed();
    update();
}

void ParallelCoordinatesPlot::clearBrush(int axis) {
    if (axis < 0 || axis >= m_brushes.size() || !m_brushes[axis]) return;
    m_brushes[axis].reset();
    notifyBrushed();
    update();
}

bool ParallelCoordinatesPlot::hasBrush(int axis) const {
    return axis >= 0 && axis < m_brushes.size() && m_brushes[axis].has_value();
}

QRectF ParallelCoordinatesPlot::plotRect() const {
    const QFontMetricsF fm(font());
    // The first axis' tick labels sit left of it: reserve their width (capped, they elide).
    double labels = fm.horizontalAdvance(QStringLiteral("0.00"));
    if (!m_scales.isEmpty())
        for (const AxisTick& tick : m_scales.first().ticks())
            labels = std::max(labels, fm.horizontalAdvance(tick.label));
    labels = std::min(labels, std::max(40.0, width() * 0.15));
    const double left = kPad + labels + 6;
    const double top = kPad + fm.height() + 6 + fm.height() / 2;
    const double bottom = kPad + fm.height() / 2;
    const double right = kPad + 4;
    return QRectF(left, top, std::max(1.0, width() - left - right), std::max(1.0, height() - top - bottom));
}

double ParallelCoordinatesPlot::axisX(int axis) const {
    const QRectF plot = plotRect();
    const int n = axisCount();
    if (n <= 1) return plot.center().x();
    return plot.left() + plot.width() * axis / (n - 1);
}

double ParallelCoordinatesPlot::axisUnit(int axis, double value) const {
    return axis >= 0 && axis < m_scales.size() ? m_scales[axis].unit(value) : qQNaN();
}

double ParallelCoordinatesPlot::axisY(int axis, double value) const {
    const QRectF plot = plotRect();
    const double unit = axisUnit(axis, value);
    return std::isnan(unit) ? unit : plot.bottom() - unit * plot.height();
}

double ParallelCoordinatesPlot::unitAt(double y) const {
    const QRectF plot = plotRect();
    return std::clamp((plot.bottom() - y) / plot.height(), 0.0, 1.0);
}

QList<QPointF> ParallelCoordinatesPlot::polyline(const ParallelLine& line) const {
    QList<QPointF> points;
    for (int a = 0; a < axisCount(); ++a)
        points.append({axisX(a), a < line.values.size() ? axisY(a, line.values[a]) : qQNaN()});
    return points;
}

bool ParallelCoordinatesPlot::insideBrushes(const ParallelLine& line) const {
    for (int a = 0; a < m_brushes.size(); ++a) {
        if (!m_brushes[a]) continue;
        const double v = a < line.values.size() ? line.values[a] : qQNaN();
        const double value = m_axes[a].categorical ? std::round(v) : v;
        if (!(value >= m_brushes[a]->low && value <= m_brushes[a]->high)) return false;  // NaN is outside
    }
    return true;
}

std::optional<qint64> ParallelCoordinatesPlot::lineAt(const QPointF& pos) const {
    std::optional<qint64> best;
    double bestDistance = kPickDistance;
    for (const ParallelLine& line : m_lines) {
        const QList<QPointF> points = polyline(line);
        for (qsizetype i = 1; i < points.size(); ++i) {
            if (!finite(points[i - 1]) || !finite(points[i])) continue;
            const double d = segmentDistance(pos, points[i - 1], points[i]);
            if (d < bestDistance) {
                bestDistance = d;
                best = line.id;
            }
        }
    }
    return best;
}

QColor ParallelCoordinatesPlot::lineColor(qint64 id) const {
    for (const ParallelLine& line : m_lines) {
        if (line.id != id) continue;
        if (!m_colorByMetric || m_axes.isEmpty()) return line.color;
        const int metric = axisCount() - 1;
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        return metricColor(axisUnit(metric, metric < line.values.size() ? line.values[metric] : qQNaN()), dark);
    }
    return {};
}

int ParallelCoordinatesPlot::axisNear(const QPointF& pos) const {
    const QRectF plot = plotRect().adjusted(0, -6, 0, 6);
    if (pos.y() < plot.top() || pos.y() > plot.bottom()) return -1;
    for (int a = 0; a < axisCount(); ++a)
        if (std::abs(pos.x() - axisX(a)) <= kAxisGrab) return a;
    return -1;
}

void ParallelCoordinatesPlot::brushFromDrag(int axis, double unitA, double unitB) {
    const double lo = std::min(unitA, unitB), hi = std::max(unitA, unitB);
    const AxisScale& scale = m_scales[axis];
    // Categorical: every category whose slot the drag touches.
    setBrush(axis, scale.value(lo), scale.value(hi));
}

void ParallelCoordinatesPlot::notifyBrushed() {
    const QList<qint64> ids = brushedIds();
    if (ids == m_lastBrushed) return;
    m_lastBrushed = ids;
    Q_EMIT brushedRunsChanged(ids);
}

QString ParallelCoordinatesPlot::toolTipText(const ParallelLine& line) const {
    QStringList rows{tr("Run %1").arg(line.id)};
    for (int a = 0; a < axisCount(); ++a)
        rows << QStringLiteral("%1: %2").arg(m_axes[a].label.isEmpty() ? m_axes[a].key : m_axes[a].label,
                                             m_scales[a].valueText(a < line.values.size() ? line.values[a] : qQNaN()));
    return rows.join(QLatin1Char('\n'));
}

void ParallelCoordinatesPlot::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mousePressEvent(event);
    m_pressPos = event->position();
    m_dragging = false;
    m_dragAxis = axisNear(m_pressPos);
    m_dragStartUnit = unitAt(m_pressPos.y());
}

void ParallelCoordinatesPlot::mouseMoveEvent(QMouseEvent* event) {
    const QPointF pos = event->position();
    if (event->buttons() & Qt::LeftButton) {
        if (m_dragAxis >= 0 && (m_dragging || std::abs(pos.y() - m_pressPos.y()) > 3)) {
            m_dragging = true;
            brushFromDrag(m_dragAxis, m_dragStartUnit, unitAt(pos.y()));
        }
        return;
    }
    const std::optional<qint64> hovered = lineAt(pos);
    if (hovered != m_hovered) {
        m_hovered = hovered;
        update();
    }
    const auto line = std::find_if(m_lines.begin(), m_lines.end(), [&](const auto& l) { return hovered == l.id; });
    if (line != m_lines.end())
        QToolTip::showText(event->globalPosition().toPoint(), plainToolTip(toolTipText(*line)), this);
    else
        QToolTip::hideText();
}

void ParallelCoordinatesPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mouseReleaseEvent(event);
    if (!m_dragging)
        if (const std::optional<qint64> id = lineAt(event->position())) Q_EMIT runClicked(*id);
    m_dragging = false;
    m_dragAxis = -1;
}

void ParallelCoordinatesPlot::mouseDoubleClickEvent(QMouseEvent* event) {
    const int axis = axisNear(event->position());
    if (axis >= 0) clearBrush(axis);
}

void ParallelCoordinatesPlot::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    if (m_hovered) {
        m_hovered.reset();
        update();
    }
}

void ParallelCoordinatesPlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    if (m_axes.isEmpty() || m_lines.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, tr("No trials to plot yet"));
        return;
    }
    const bool brushing = std::any_of(m_brushes.begin(), m_brushes.end(), [](const auto& b) { return b.has_value(); });
    QColor faint = pal.color(QPalette::Text);
    faint.setAlphaF(0.12f);
    auto drawLine = [&](const ParallelLine& line, const QPen& pen) {
        const QList<QPointF> points = polyline(line);
        QPainterPath path;
        bool open = false;
        for (const QPointF& p : points) {
            if (!finite(p)) {
                open = false;
                continue;
            }
            open ? path.lineTo(p) : path.moveTo(p);
            open = true;
        }
        painter.strokePath(path, pen);
    };
    // Faded lines first so the brushed ones are drawn over them.
    for (const ParallelLine& line : m_lines)
        if (brushing && !insideBrushes(line)) drawLine(line, QPen(faint, 1.2));
    for (const ParallelLine& line : m_lines)
        if (!brushing || insideBrushes(line)) drawLine(line, QPen(lineColor(line.id), 1.8));
    if (m_hovered)
        for (const ParallelLine& line : m_lines)
            if (line.id == *m_hovered) {
                drawLine(line, QPen(pal.color(QPalette::Base), 6.0));  // a halo to lift it off the others
                drawLine(line, QPen(lineColor(line.id), 3.2));
            }
    for (int a = 0; a < axisCount(); ++a) paintAxis(painter, a);
}

void ParallelCoordinatesPlot::paintAxis(QPainter& painter, int axis) const {
    const QPalette pal = palette();
    const QRectF plot = plotRect();
    const QFontMetricsF fm(font());
    const double x = axisX(axis);
    const QColor text = pal.color(QPalette::Text);
    QColor line = text;
    line.setAlphaF(0.55f);
    painter.setPen(QPen(line, 1.2));
    painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));

    if (m_brushes[axis]) {
        const Brush& b = *m_brushes[axis];
        const AxisScale& scale = m_scales[axis];
        const int n = int(m_axes[axis].categories.size());
        // A categorical brush covers whole category slots.
        const double lo = m_axes[axis].categorical ? b.low / n : scale.unit(b.low);
        const double hi = m_axes[axis].categorical ? (b.high + 1) / n : scale.unit(b.high);
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlphaF(0.30f);
        const QRectF band(x - 7, plot.bottom() - std::clamp(hi, 0.0, 1.0) * plot.height(), 14,
                          (std::clamp(hi, 0.0, 1.0) - std::clamp(lo, 0.0, 1.0)) * plot.height());
        painter.setBrush(fill);
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1.0));
        painter.drawRect(band);
        painter.setBrush(Qt::NoBrush);
    }

    // Tick labels left of the axis, on a plate of the background so lines never cross the text.
    const double spacing = axisCount() > 1 ? plot.width() / (axisCount() - 1) : plot.width();
    const double room = axis == 0 ? plot.left() - kPad - 6 : std::max(24.0, spacing * 0.5 - 8);
    QColor plate = pal.color(QPalette::Base);
    plate.setAlphaF(0.8f);
    for (const AxisTick& tick : m_scales[axis].ticks()) {
        const double y = plot.bottom() - tick.unit * plot.height();
        painter.setPen(QPen(line, 1.0));
        painter.drawLine(QPointF(x - 4, y), QPointF(x, y));
        const QString label = fm.elidedText(tick.label, Qt::ElideRight, room);
        const double w = fm.horizontalAdvance(label);
        const QRectF box(x - 6 - w, y - fm.height() / 2, w, fm.height());
        painter.fillRect(box.adjusted(-1, 0, 1, 0), plate);
        painter.setPen(text);
        painter.drawText(box, Qt::AlignRight | Qt::AlignVCenter, label);
    }

    // The title above the axis, kept inside the widget at the first and last axes.
    QFont titleFont = font();
    titleFont.setBold(axis == axisCount() - 1);  // the metric
    painter.setFont(titleFont);
    const QFontMetricsF tfm(titleFont);
    const QString name = m_axes[axis].label.isEmpty() ? m_axes[axis].key : m_axes[axis].label;
    const QString title = tfm.elidedText(name, Qt::ElideRight, std::max(30.0, spacing - 8));
    const double w = tfm.horizontalAdvance(title);
    const double left = std::clamp(x - w / 2, 2.0, width() - w - 2.0);
    painter.setPen(text);
    painter.drawText(QRectF(left, kPad, w + 1, tfm.height()), Qt::AlignCenter, title);
    painter.setFont(font());
}

}  // namespace studio::widgets
