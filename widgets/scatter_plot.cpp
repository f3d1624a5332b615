#include "widgets/scatter_plot.h"

#include "widgets/run_values.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QSet>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

constexpr int kPad = 8;
constexpr double kRadius = 5.0;
constexpr double kPickDistance = 8.0;

// A categorical axis without a given order takes its categories from the values, sorted.
ParallelAxis withCategories(ParallelAxis axis, const QList<ScatterPoint>& points) {
    if (!axis.categorical || !axis.categories.isEmpty()) return axis;
    QSet<QString> seen;
    for (const ScatterPoint& p : points)
        if (p.values.contains(axis.key)) seen.insert(optionValueText(p.values.value(axis.key)));
    axis.categories = QStringList(seen.begin(), seen.end());
    axis.categories.sort();
    return axis;
}

QString titleOf(const ParallelAxis& axis) {
    return axis.label.isEmpty() ? axis.key : axis.label;
}

}  // namespace

ScatterPlot::ScatterPlot(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_xBox = new QComboBox(this);
    m_yBox = new QComboBox(this);
    for (QComboBox* box : {m_xBox, m_yBox}) {
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        connect(box, &QComboBox::currentIndexChanged, this, &ScatterPlot::refit);
    }
    m_controls = new QWidget(this);
    auto* row = new QHBoxLayout(m_controls);
    row->setContentsMargins(kPad, kPad / 2, kPad, 0);
    row->addWidget(new QLabel(tr("x:"), m_controls));
    row->addWidget(m_xBox);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("y:"), m_controls));
    row->addWidget(m_yBox);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_controls);
    layout->addStretch(1);  // the rest is painted
}

void ScatterPlot::setDimensions(const QList<ParallelAxis>& xChoices, const QList<ParallelAxis>& yChoices) {
    const QString x = xKey(), y = yKey();
    m_xChoices = xChoices;
    m_yChoices = yChoices;
    for (auto [box, choices, keep] : {std::tuple{m_xBox, &m_xChoices, x}, std::tuple{m_yBox, &m_yChoices, y}}) {
        const QSignalBlocker block(box);
        box->clear();
        for (const ParallelAxis& axis : *choices) box->addItem(titleOf(axis), axis.key);
        const int kept = box->findData(keep);
        box->setCurrentIndex(kept >= 0 ? kept : 0);
    }
    refit();
}

void ScatterPlot::setPoints(const QList<ScatterPoint>& points) {
    m_points = points;
    refit();
}

void ScatterPlot::setXKey(const QString& key) {
    const int i = m_xBox->findData(key);
    if (i >= 0) m_xBox->setCurrentIndex(i);
}

void ScatterPlot::setYKey(const QString& key) {
    const int i = m_yBox->findData(key);
    if (i >= 0) m_yBox->setCurrentIndex(i);
}

QString ScatterPlot::xKey() const {
    return m_xBox->currentData().toString();
}

QString ScatterPlot::yKey() const {
    return m_yBox->currentData().toString();
}

void ScatterPlot::refit() {
    const int xi = m_xBox->currentIndex(), yi = m_yBox->currentIndex();
    m_x = AxisScale(xi >= 0 && xi < m_xChoices.size() ? withCategories(m_xChoices[xi], m_points) : ParallelAxis{});
    m_y = AxisScale(yi >= 0 && yi < m_yChoices.size() ? withCategories(m_yChoices[yi], m_points) : ParallelAxis{});
    QList<double> xs, ys;
    for (const ScatterPoint& p : m_points) {
        xs.append(xValue(p));
        ys.append(yValue(p));
    }
    m_x.fit(xs);
    m_y.fit(ys);
    m_hovered.reset();
    update();
}

double ScatterPlot::xValue(const ScatterPoint& p) const {
    return AxisScale::numberOf(m_x.axis(), p.values.value(m_x.axis().key));
}

double ScatterPlot::yValue(const ScatterPoint& p) const {
    return AxisScale::numberOf(m_y.axis(), p.values.value(m_y.axis().key));
}

double ScatterPlot::spread(qint64 id) const {
    // Deterministic (a hash of the id), so dots do not jump between repaints: within ±30% of a slot.
    const quint64 h = quint64(id) * 0x9E3779B97F4A7C15ULL;
    return (double((h >> 40) % 1000) / 999.0 - 0.5) * 0.6;
}

QRectF ScatterPlot::plotRect() const {
    const QFontMetricsF fm(font());
    double labels = fm.horizontalAdvance(QStringLiteral("0.00"));
    for (const AxisTick& tick : m_y.ticks()) labels = std::max(labels, fm.horizontalAdvance(tick.label));
    labels = std::min(labels, width() * 0.25);
    const double left = kPad + fm.height() + 4 + labels + 6;  // turned y title, tick labels
    // The size hint, not the geometry: the layout gives the controls their hint, and tests
    // measure before the layout has run.
    const double top = m_controls->sizeHint().height() + kPad + fm.height() / 2;
    const double bottom = kPad + 2 * fm.height() + 6;  // tick labels, x title
    const double right = kPad + fm.horizontalAdvance(QStringLiteral("0.0000")) / 2;
    return QRectF(left, top, std::max(1.0, width() - left - right), std::max(1.0, height() - top - bottom));
}

QRectF ScatterPlot::valueRect() const {
    const double inset = kRadius + 3;
    return plotRect().adjusted(inset, inset, -inset, -inset);
}

std::optional<QPointF> ScatterPlot::pointPosition(qint64 id) const {
    const QRectF plot = valueRect();
    for (const ScatterPoint& p : m_points) {
        if (p.id != id) continue;
        double ux = m_x.unit(xValue(p)), uy = m_y.unit(yValue(p));
        if (std::isnan(ux) || std::isnan(uy)) return std::nullopt;
        if (m_x.axis().categorical) ux += spread(id) / std::max<qsizetype>(1, m_x.axis().categories.size());
        if (m_y.axis().categorical) uy += spread(id + 7) / std::max<qsizetype>(1, m_y.axis().categories.size());
        return QPointF(plot.left() + ux * plot.width(), plot.bottom() - uy * plot.height());
    }
    return std::nullopt;
}

std::optional<qint64> ScatterPlot::pointAt(const QPointF& pos) const {
    std::optional<qint64> best;
    double bestDistance = kPickDistance;
    for (const ScatterPoint& p : m_points) {
        const std::optional<QPointF> at = pointPosition(p.id);
        if (!at) continue;
        const double d = std::hypot(at->x() - pos.x(), at->y() - pos.y());
        if (d < bestDistance) {
            bestDistance = d;
            best = p.id;
        }
    }
    return best;
}

void ScatterPlot::mouseMoveEvent(QMouseEvent* event) {
    const std::optional<qint64> hovered = pointAt(event->position());
    if (hovered != m_hovered) {
        m_hovered = hovered;
        update();
    }
    if (!hovered) return QToolTip::hideText();
    for (const ScatterPoint& p : m_points)
        if (p.id == *hovered)
            QToolTip::showText(event->globalPosition().toPoint(),
                               plainToolTip(tr("Run %1\n%2: %3\n%4: %5")
                                                .arg(p.id)
                                                .arg(titleOf(m_x.axis()), m_x.valueText(xValue(p)), titleOf(m_y.axis()),
                                                     m_y.valueText(yValue(p)))),
                               this);
}

void ScatterPlot::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QWidget::mouseReleaseEvent(event);
    if (const std::optional<qint64> id = pointAt(event->position())) Q_EMIT runClicked(*id);
}

void ScatterPlot::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    m_hovered.reset();
    update();
}

void ScatterPlot::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    m_hovered.reset();
}

void ScatterPlot::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QRectF plot = plotRect();
    if (m_points.isEmpty() || m_xChoices.isEmpty() || m_yChoices.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, tr("No runs to plot yet"));
        return;
    }
    paintAxes(painter, plot);
    const QColor outline = palette().color(QPalette::Base);
    for (const ScatterPoint& p : m_points) {
        const std::optional<QPointF> at = pointPosition(p.id);
        if (!at) continue;
        const bool hovered = m_hovered == p.id;
        painter.setPen(QPen(hovered ? palette().color(QPalette::Text) : outline, hovered ? 2.0 : 1.2));
        painter.setBrush(p.color);
        const double r = hovered ? kRadius + 2 : kRadius;
        painter.drawEllipse(*at, r, r);
    }
}

void ScatterPlot::paintAxes(QPainter& painter, const QRectF& plot) const {
    const QPalette pal = palette();
    const QFontMetricsF fm(font());
    const QColor text = pal.color(QPalette::Text);
    QColor grid = text;
    grid.setAlphaF(0.12f);
    QColor frame = text;
    frame.setAlphaF(0.5f);
    const QRectF values = valueRect();
    for (const AxisTick& tick : m_x.ticks()) {
        const double x = values.left() + tick.unit * values.width();
        painter.setPen(grid);
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        const double room = plot.width() / std::max<qsizetype>(1, m_x.ticks().size()) - 4;
        const QString label = fm.elidedText(tick.label, Qt::ElideRight, std::max(20.0, room));
        const double w = fm.horizontalAdvance(label);
        painter.setPen(text);
        painter.drawText(QRectF(x - w / 2, plot.bottom() + 4, w + 1, fm.height()), Qt::AlignCenter, label);
    }
    const double labelRoom = plot.left() - kPad - fm.height() - 10;
    for (const AxisTick& tick : m_y.ticks()) {
        const double y = values.bottom() - tick.unit * values.height();
        painter.setPen(grid);
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(text);
        painter.drawText(QRectF(kPad + fm.height() + 4, y - fm.height() / 2, labelRoom, fm.height()),
                         Qt::AlignRight | Qt::AlignVCenter, fm.elidedText(tick.label, Qt::ElideRight, labelRoom));
    }
    painter.setPen(QPen(frame, 1.0));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.drawLine(plot.bottomLeft(), plot.topLeft());

    painter.setPen(text);
    const QString xTitle = fm.elidedText(titleOf(m_x.axis()), Qt::ElideRight, plot.width());
    painter.drawText(QRectF(plot.left(), plot.bottom() + 6 + fm.height(), plot.width(), fm.height()), Qt::AlignCenter,
                     xTitle);
    painter.save();
    painter.translate(kPad, plot.center().y());
    painter.rotate(-90);
    const QString yTitle = fm.elidedText(titleOf(m_y.axis()), Qt::ElideRight, plot.height());
    painter.drawText(QRectF(-plot.height() / 2, 0, plot.height(), fm.height()), Qt::AlignCenter, yTitle);
    painter.restore();
}

}  // namespace studio::widgets
