#include "widgets/live_chart.h"

#include "widgets/live_chart_clips.h"
#include "widgets/live_chart_legend.h"
#include "widgets/live_chart_markers.h"
#include "widgets/live_chart_zoom.h"
#include "widgets/nice_axis.h"
#include "widgets/series_decimation.h"
#include "widgets/spike_clipping.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QPixmap>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QFontMetricsF>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace studio::widgets {
namespace {

struct Curve {
    QString id;
    QString title;
    QString group;
    QColor color;
    QList<QPointF> points;    // everything received
    QList<QPointF> smoothed;  // EMA of points, full resolution; empty when smoothing is off
    double smoothing = 0.0;
    bool dashed = false;
    QList<QPointF> shown;    // what the raw line series draws
    QList<QPointF> clipped;  // points above the axis (spikes)
    bool heldSmoothing = false;  // `smoothed` was computed with the spikes held at the clip fence
    QLineSeries* raw = nullptr;
    QLineSeries* smooth = nullptr;
};

struct AxisGroup {
    QString name;
    QString title;
    bool logarithmic = false;
    QAbstractAxis* axis = nullptr;
    Qt::Alignment alignment = Qt::AlignLeft;
    AxisRange range;
    std::optional<AxisRange> bounds;  // the axis never extends past these (accuracy: 0 to 1)
};

constexpr double kInfinity = std::numeric_limits<double>::infinity();

}  // namespace

struct LiveChart::Private {
    QChartView* view = nullptr;
    QChart* chart = nullptr;
    QValueAxis* xAxis = nullptr;
    AxisRange xRange;
    int yTicks = 5;  // ticks a linear y axis aims for (yTickBudget)
    std::vector<Curve> curves;
    std::vector<AxisGroup> groups;
    LiveChartMarkers* markers = nullptr;
    LiveChartClips* clips = nullptr;
    bool legendAllowed = true;
    bool dark = false;
    std::optional<AxisRange> userX;  // zoomed or panned: x shows this instead of following the data
    LiveChartZoom* zoom = nullptr;  // gestures and the buttons over the chart
    QString logGroup;                // the group the Log button switches
    LiveChartLegend* legend = nullptr;  // under the plot; Qt Charts' own stays hidden

    // Shows the entries Qt Charts' legend would show (show false hides the legend): each curve
    // once (the smoothed line, not its faint raw one), then the ▲ marks of clipped spikes, whose
    // series is named only while it has any.
    void syncLegend(bool show) {
        chart->legend()->setVisible(false);
        QList<LiveChartLegend::Entry> entries;
        if (show) {
            for (const Curve& c : curves) entries.append({c.title, c.color});
            for (QAbstractSeries* series : chart->series())
                if (auto* marks = qobject_cast<QScatterSeries*>(series); marks && !marks->name().isEmpty())
                    entries.append({marks->name(), marks->color()});
        }
        legend->setEntries(entries);
    }

    bool inView(const QPointF& p) const { return !userX || (p.x() >= userX->min && p.x() <= userX->max); }

    Curve* curve(const QString& id) {
        for (Curve& c : curves)
            if (c.id == id) return &c;
        return nullptr;
    }
    const Curve* curve(const QString& id) const { return const_cast<Private*>(this)->curve(id); }
    AxisGroup* group(const QString& name) {
        for (AxisGroup& g : groups)
            if (g.name == name) return &g;
        return nullptr;
    }

    AxisGroup& ensureGroup(const QString& name) {
        if (AxisGroup* existing = group(name)) return *existing;
        AxisGroup g;
        g.name = name;
        g.title = name;
        g.alignment = groups.size() % 2 == 0 ? Qt::AlignLeft : Qt::AlignRight;
        groups.push_back(g);
        AxisGroup& added = groups.back();
        installAxis(added);
        return added;
    }

    void installAxis(AxisGroup& g) {
        if (g.logarithmic) {
            auto* axis = new QLogValueAxis;
            axis->setBase(10.0);
            axis->setLabelFormat(QStringLiteral("%g"));
            axis->setMinorTickCount(-1);
            g.axis = axis;
        } else {
            g.axis = new QValueAxis;
        }
        g.axis->setTitleText(g.title);
        chart->addAxis(g.axis, g.alignment);
    }
};

LiveChart::LiveChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>()) {
    d->chart = new QChart;
    d->chart->setBackgroundRoundness(0);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->setShowToolTips(true);
    d->xAxis = new QValueAxis;
    d->xAxis->setTitleText(tr("Step"));
    d->chart->addAxis(d->xAxis, Qt::AlignBottom);
    d->markers = new LiveChartMarkers(d->chart, d->xAxis);
    d->clips = new LiveChartClips(d->chart, d->xAxis);

    d->view = new QChartView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(d->view);
    d->legend = new LiveChartLegend(this);
    layout->addWidget(d->legend);

    d->zoom = new LiveChartZoom(d->view, d->chart, this);
    connect(d->zoom, &LiveChartZoom::rangeRequested, this, &LiveChart::setXView);
    connect(d->zoom, &LiveChartZoom::resetRequested, this, &LiveChart::resetView);
    connect(d->zoom, &LiveChartZoom::logToggled, this, [this](bool on) {
        setAxisGroupLogarithmic(d->logGroup, on);
        Q_EMIT logScaleToggled(d->logGroup, on);
    });

    // A short plot gets fewer y ticks: Qt Charts shortens labels that do not fit between their
    // neighbours to "…" (the Accuracy chart at 1024×700 showed nothing else).
    connect(d->chart, &QChart::plotAreaChanged, this, [this] {
        if (yTickBudget() != d->yTicks) updateAxes();
    });
    applyPalette();
    updateAxes();
}

LiveChart::~LiveChart() = default;

int LiveChart::yTickBudget() const {
    const double height = d->chart->plotArea().height();
    if (height <= 0.0) return 5;
    const double pitch = 1.8 * QFontMetricsF(font()).height();  // a label and some air
    return std::clamp(int(height / pitch) + 1, 2, 5);
}

int LiveChart::yTickCount(const QString& axisGroup) const {
    for (const AxisGroup& g : d->groups)
        if (g.name == axisGroup && !g.logarithmic) return static_cast<QValueAxis*>(g.axis)->tickCount();
    return 0;
}

void LiveChart::setTitle(const QString& title) {
    d->chart->setTitle(title);
}

void LiveChart::setXAxisTitle(const QString& title) {
    d->xAxis->setTitleText(title);
}

void LiveChart::setAxisGroupTitle(const QString& axisGroup, const QString& title) {
    AxisGroup& g = d->ensureGroup(axisGroup);
    g.title = title;
    g.axis->setTitleText(title);
}

void LiveChart::setAxisGroupBounds(const QString& axisGroup, double min, double max) {
    d->ensureGroup(axisGroup).bounds = AxisRange{min, max};
    updateAxes();
}

void LiveChart::setAxisGroupLogarithmic(const QString& axisGroup, bool logarithmic) {
    AxisGroup& g = d->ensureGroup(axisGroup);
    if (g.logarithmic == logarithmic) return;
    // Qt Charts cannot switch an axis' type: swap the axis and re-attach the group's curves.
    for (Curve& c : d->curves) {
        if (c.group != axisGroup) continue;
        c.raw->detachAxis(g.axis);
        if (c.smooth) c.smooth->detachAxis(g.axis);
    }
    d->clips->moveToAxis(g.name, g.axis, nullptr);
    d->chart->removeAxis(g.axis);
    delete g.axis;
    g.logarithmic = logarithmic;
    d->installAxis(g);
    d->clips->moveToAxis(g.name, nullptr, g.axis);
    if (d->zoom->logOffered() && d->logGroup == axisGroup) d->zoom->setLogChecked(logarithmic);
    applyPalette();
    for (Curve& c : d->curves) {
        if (c.group != axisGroup) continue;
        c.raw->attachAxis(g.axis);
        if (c.smooth) c.smooth->attachAxis(g.axis);
        refreshSeries(c.id);
    }
    updateAxes();
}

bool LiveChart::isAxisGroupLogarithmic(const QString& axisGroup) const {
    for (const AxisGroup& g : d->groups)
        if (g.name == axisGroup) return g.logarithmic;
    return false;
}

void LiveChart::offerLogScaleToggle(const QString& axisGroup) {
    d->logGroup = axisGroup;
    d->zoom->offerLogButton(d->ensureGroup(axisGroup).logarithmic);
}

void LiveChart::setXView(double lo, double hi) {
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return;
    d->userX = AxisRange{lo, hi};
    d->zoom->setZoomed(true);
    for (const Curve& c : d->curves) refreshSeries(c.id);
    updateAxes();
}

void LiveChart::resetView() {
    if (!d->userX) return;
    d->userX.reset();
    d->zoom->setZoomed(false);
    for (const Curve& c : d->curves) refreshSeries(c.id);
    updateAxes();
}

bool LiveChart::isZoomed() const {
    return d->userX.has_value();
}

QList<QPointF> LiveChart::clippedPoints(const QString& id) const {
    const Curve* c = d->curve(id);
    return c ? c->clipped : QList<QPointF>{};
}

bool LiveChart::drawsPointMarkers(const QString& id) const {
    const Curve* c = d->curve(id);
    return c && c->raw->pointsVisible();
}

void LiveChart::addSeries(const QString& id, const QString& title, const QColor& color, const QString& axisGroup) {
    AxisGroup& g = d->ensureGroup(axisGroup);
    if (Curve* existing = d->curve(id)) {
        if (existing->group != axisGroup) {
            AxisGroup* old = d->group(existing->group);
            existing->raw->detachAxis(old->axis);
            existing->raw->attachAxis(g.axis);
            if (existing->smooth) {
                existing->smooth->detachAxis(old->axis);
                existing->smooth->attachAxis(g.axis);
            }
        }
        existing->title = title;
        existing->color = color;
        existing->group = axisGroup;
        applyPalette();
        refreshSeries(id);
        return;
    }
    Curve c;
    c.id = id;
    c.title = title;
    c.group = axisGroup;
    c.color = color;
    c.raw = new QLineSeries;
    d->chart->addSeries(c.raw);
    c.raw->attachAxis(d->xAxis);
    c.raw->attachAxis(g.axis);
    d->curves.push_back(std::move(c));
    applyPalette();
    updateAxes();
}

bool LiveChart::hasSeries(const QString& id) const {
    return d->curve(id) != nullptr;
}

void LiveChart::appendPoints(const QString& id, const QList<QPointF>& points) {
    Curve* c = d->curve(id);
    if (!c || points.isEmpty()) return;
    if (c->smoothing > 0.0) {
        const bool hasPrevious = !c->smoothed.isEmpty();
        c->smoothed +=
            exponentialMovingAverage(points, c->smoothing, hasPrevious ? c->smoothed.last().y() : 0.0, hasPrevious);
    }
    c->points += points;
    refreshSeries(id);
    updateAxes();
}

void LiveChart::setPoints(const QString& id, const QList<QPointF>& points) {
    Curve* c = d->curve(id);
    if (!c) return;
    c->points = points;
    c->smoothed = c->smoothing > 0.0 ? exponentialMovingAverage(points, c->smoothing) : QList<QPointF>{};
    refreshSeries(id);
    updateAxes();
}

void LiveChart::setSmoothing(const QString& id, double factor) {
    Curve* c = d->curve(id);
    if (!c) return;
    factor = std::clamp(factor, 0.0, 0.999);
    c->smoothing = factor;
    if (factor > 0.0) {
        c->smoothed = exponentialMovingAverage(c->points, factor);
        if (!c->smooth) {
            c->smooth = new QLineSeries;
            d->chart->addSeries(c->smooth);
            c->smooth->attachAxis(d->xAxis);
            c->smooth->attachAxis(d->group(c->group)->axis);
        }
    } else {
        c->smoothed.clear();
        if (c->smooth) {
            d->chart->removeSeries(c->smooth);
            delete c->smooth;
            c->smooth = nullptr;
        }
    }
    applyPalette();
    refreshSeries(id);
    updateAxes();
}

void LiveChart::clear() {
    for (Curve& c : d->curves) {
        c.points.clear();
        c.smoothed.clear();
        refreshSeries(c.id);
    }
    updateAxes();
}

void LiveChart::setSeriesDashed(const QString& id, bool dashed) {
    if (Curve* c = d->curve(id)) {
        c->dashed = dashed;
        applyPalette();
    }
}

bool LiveChart::isSeriesDashed(const QString& id) const {
    const Curve* c = d->curve(id);
    return c && c->raw->pen().style() != Qt::SolidLine;
}

void LiveChart::removeSeries(const QString& id) {
    const auto it = std::find_if(d->curves.begin(), d->curves.end(), [&](const Curve& c) { return c.id == id; });
    if (it == d->curves.end()) return;
    for (QLineSeries* series : {it->raw, it->smooth}) {
        if (!series) continue;
        d->chart->removeSeries(series);
        delete series;
    }
    d->curves.erase(it);
    applyPalette();
    updateAxes();
}

void LiveChart::removeAllSeries() {
    for (const QString& id : seriesIds()) removeSeries(id);
}

QStringList LiveChart::seriesIds() const {
    QStringList ids;
    for (const Curve& c : d->curves) ids.append(c.id);
    return ids;
}

void LiveChart::addMarker(double x, const QString& label, const QColor& color) {
    d->markers->add(x, label, color);
}

void LiveChart::setLegendVisible(bool visible) {
    d->legendAllowed = visible;
    applyPalette();
}

void LiveChart::setShadedRegion(double from, double to, const QString& label, const QColor& color) {
    d->markers->setRegion(from, to, label, color);
}

QList<double> LiveChart::shadedRegion() const {
    return d->markers->region();
}

void LiveChart::clearMarkers() {
    d->markers->clear();
}

QList<double> LiveChart::markerPositions() const {
    return d->markers->positions();
}

void LiveChart::setPointBudget(int budget) {
    m_pointBudget = std::max(8, budget);
    for (const Curve& c : d->curves) refreshSeries(c.id);
    updateAxes();
}

int LiveChart::pointCount(const QString& id) const {
    const Curve* c = d->curve(id);
    return c ? static_cast<int>(c->points.size()) : 0;
}

int LiveChart::shownPointCount(const QString& id) const {
    const Curve* c = d->curve(id);
    return c ? static_cast<int>(c->shown.size()) : 0;
}

QList<QPointF> LiveChart::shownPoints(const QString& id) const {
    const Curve* c = d->curve(id);
    return c ? c->shown : QList<QPointF>{};
}

QList<QPointF> LiveChart::smoothedPoints(const QString& id) const {
    const Curve* c = d->curve(id);
    return c ? c->smoothed : QList<QPointF>{};
}

AxisRange LiveChart::xRange() const {
    return d->xRange;
}

AxisRange LiveChart::yRange(const QString& axisGroup) const {
    for (const AxisGroup& g : d->groups)
        if (g.name == axisGroup) return g.range;
    return {};
}

bool LiveChart::isDarkTheme() const {
    return d->dark;
}

bool LiveChart::exportPng(const QString& path) {
    // The picture is the chart: the buttons over it stay out.
    d->zoom->setButtonsHidden(true);
    const QPixmap picture = grab();
    d->zoom->setButtonsHidden(false);
    return !picture.isNull() && picture.save(path, "PNG");
}

void LiveChart::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) applyPalette();
}

bool LiveChart::event(QEvent* event) {
    // View ▸ Presentation sets "lineScale" (thicker lines for a projector): restyle at once.
    if (event->type() == QEvent::DynamicPropertyChange) applyPalette();
    return QWidget::event(event);
}

void LiveChart::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    d->zoom->placeButtons();
}

void LiveChart::refreshSeries(const QString& id) {
    Curve* c = d->curve(id);
    const AxisGroup* g = d->group(c->group);
    // A log axis cannot place y ≤ 0.
    auto drawable = [g](const QList<QPointF>& points) { return g->logarithmic ? positiveOnly(points) : points; };
    // Zoomed: the budget goes to what is in view (and one point either side, so lines reach the
    // frame), not to the whole run.
    auto visible = [this](const QList<QPointF>& points) {
        if (!d->userX || points.isEmpty()) return points;
        const auto first = std::lower_bound(points.begin(), points.end(), d->userX->min,
                                            [](const QPointF& p, double x) { return p.x() < x; });
        const auto last = std::upper_bound(points.begin(), points.end(), d->userX->max,
                                           [](double x, const QPointF& p) { return x < p.x(); });
        const qsizetype from = std::max<qsizetype>(0, (first - points.begin()) - 1);
        const qsizetype to = std::min<qsizetype>(points.size(), (last - points.begin()) + 1);
        return points.mid(from, to - from);
    };
    c->shown = decimateMinMax(drawable(visible(c->points)), m_pointBudget);
    c->raw->replace(c->shown);
    c->raw->setPointsVisible(c->shown.size() == 1);  // one point is no line: draw it as a dot
    c->raw->setMarkerSize(9.0);
    if (c->smooth) c->smooth->replace(decimateMinMax(drawable(visible(c->smoothed)), m_pointBudget));
}

void LiveChart::updateAxes() {
    double maxX = 0.0;
    double minX = 0.0;
    for (const Curve& c : d->curves) {
        if (c.points.isEmpty()) continue;
        minX = std::min(minX, c.points.first().x());
        maxX = std::max(maxX, c.points.last().x());
    }
    if (d->userX) {
        // Exactly the requested window; ticks on nice multiples inside it.
        const NiceAxis x = niceAxis(d->userX->min, d->userX->max);
        d->xRange = *d->userX;
        d->xAxis->setRange(d->userX->min, d->userX->max);
        d->xAxis->setTickType(QValueAxis::TicksDynamic);
        d->xAxis->setTickAnchor(0.0);
        d->xAxis->setTickInterval(niceStep(d->userX->max - d->userX->min, 5));
        d->xAxis->setLabelFormat(x.labelFormat);
    } else {
        const NiceAxis x = niceAxis(minX, maxX > minX ? maxX : minX + 1.0);
        d->xRange = {x.min, x.max};
        d->xAxis->setTickType(QValueAxis::TicksFixed);
        d->xAxis->setRange(x.min, x.max);
        d->xAxis->setTickCount(x.tickCount);
        d->xAxis->setLabelFormat(x.labelFormat);
    }

    d->yTicks = yTickBudget();
    for (AxisGroup& g : d->groups) {
        // Spikes are judged on the raw points in view; a linear axis without bounds leaves the
        // ones far above the rest above its top (spike_clipping.h) instead of scaling to them.
        double fence = kInfinity;
        if (!g.logarithmic && !g.bounds) {
            QList<double> raw;
            for (const Curve& c : d->curves)
                if (c.group == g.name)
                    for (const QPointF& p : c.shown)
                        if (d->inView(p)) raw.append(p.y());
            fence = spikeClippedRange(raw).fence;
        }
        // A clipped spike would drag the smoothed curve above the axis for many steps after it:
        // with spikes clipped, the average runs over the points held at the fence instead.
        for (Curve& c : d->curves) {
            if (c.group != g.name || c.smoothing <= 0.0 || (fence == kInfinity && !c.heldSmoothing)) continue;
            QList<QPointF> held = c.points;
            for (QPointF& p : held) p.setY(std::min(p.y(), fence));
            c.smoothed = exponentialMovingAverage(held, c.smoothing);
            c.heldSmoothing = fence < kInfinity;
            refreshSeries(c.id);
        }
        double lo = kInfinity;
        double hi = -lo;
        for (Curve& c : d->curves) {
            if (c.group != g.name) continue;
            c.clipped.clear();
            for (const QList<QPointF>* list : {&c.shown, &c.smoothed})
                for (const QPointF& p : *list) {
                    if (g.logarithmic && p.y() <= 0.0) continue;
                    if (!std::isfinite(p.y()) || !d->inView(p) || p.y() > fence) continue;
                    // A clipped spike drags the smoothed curve up for many steps after it: with
                    // spikes clipped, the raw points alone set the top.
                    lo = std::min(lo, p.y());
                    if (list == &c.shown || fence == kInfinity) hi = std::max(hi, p.y());
                }
            if (fence < kInfinity)
                for (const QPointF& p : c.points)
                    if (p.y() > fence && d->inView(p)) c.clipped.append(p);
        }
        if (g.logarithmic) {
            if (!(hi >= lo)) {
                lo = 1e-4;
                hi = 1.0;
            }
            g.range.min = std::pow(10.0, std::floor(std::log10(lo)));
            g.range.max = std::pow(10.0, std::ceil(std::log10(hi)));
            if (g.range.max <= g.range.min) g.range.max = g.range.min * 10.0;
            g.axis->setRange(g.range.min, g.range.max);
            continue;
        }
        if (!(hi >= lo)) {
            lo = 0.0;
            hi = 1.0;
        }
        // A 5% margin so the curve never touches the frame; data that never goes below 0
        // (losses, accuracies) keeps an axis that starts at 0 at the latest.
        const double margin = (hi - lo) * 0.05;
        double paddedLo = (lo >= 0.0 && lo - margin < 0.0) ? 0.0 : lo - margin;
        double paddedHi = hi + margin;
        if (g.bounds) {
            paddedLo = std::max(paddedLo, g.bounds->min);
            paddedHi = std::min(paddedHi, g.bounds->max);
            if (paddedHi <= paddedLo) paddedHi = std::min(g.bounds->max, paddedLo + 1e-3);
        }
        NiceAxis y = niceAxis(paddedLo, paddedHi, d->yTicks);
        if (g.bounds) {
            y.min = std::max(y.min, g.bounds->min);
            y.max = std::min(y.max, g.bounds->max);
        }
        g.range = {y.min, y.max};
        auto* axis = static_cast<QValueAxis*>(g.axis);
        axis->setRange(y.min, y.max);
        axis->setTickCount(y.tickCount);
        axis->setLabelFormat(y.labelFormat);
    }
    updateClipMarkers();
}

void LiveChart::updateClipMarkers() {
    bool any = false;
    for (AxisGroup& g : d->groups) {
        QList<double> xs;
        double highest = -kInfinity;
        for (const Curve& c : d->curves) {
            if (c.group != g.name) continue;
            for (const QPointF& p : c.clipped) {
                xs.append(p.x());
                highest = std::max(highest, p.y());
            }
        }
        any = d->clips->show(g.name, g.axis, g.range.min, g.range.max, xs, highest) || any;
    }
    d->syncLegend(d->legendAllowed && (d->curves.size() > 1 || any));
}

void LiveChart::applyPalette() {
    const QPalette pal = palette();
    d->dark = pal.color(QPalette::Window).lightness() < 128;
    d->chart->setTheme(d->dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);

    // The theme's own background and fonts are replaced by the window's, so the chart reads like
    // the rest of the studio window.
    const QColor text = pal.color(QPalette::WindowText);
    QColor grid = text;
    grid.setAlphaF(d->dark ? 0.16f : 0.12f);
    QColor axisLine = text;
    axisLine.setAlphaF(0.45f);
    d->chart->setBackgroundBrush(pal.color(QPalette::Base));
    d->chart->setBackgroundPen(Qt::NoPen);
    d->view->setBackgroundBrush(pal.color(QPalette::Base));
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(font().pointSizeF() + 1.0);
    d->chart->setTitleFont(titleFont);
    d->chart->setTitleBrush(text);
    d->chart->legend()->setFont(font());
    d->chart->legend()->setLabelColor(text);

    QList<QAbstractAxis*> axes = {d->xAxis};
    for (const AxisGroup& g : d->groups) axes.append(g.axis);
    for (QAbstractAxis* axis : axes) {
        axis->setLabelsFont(font());
        axis->setLabelsColor(text);
        axis->setTitleFont(font());
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(axisLine);
        axis->setTitleVisible(!axis->titleText().isEmpty());
    }

    const double scale = property("lineScale").isValid() ? property("lineScale").toDouble() : 1.0;
    for (Curve& c : d->curves) {
        QPen rawPen(c.color, 2.0 * scale);
        if (c.smooth) {
            QColor faint = c.color;
            faint.setAlphaF(0.35f);
            rawPen = QPen(faint, 1.2 * scale);
            c.smooth->setPen(QPen(c.color, 2.4 * scale, c.dashed ? Qt::DashLine : Qt::SolidLine));
            c.smooth->setName(c.title);
            c.raw->setName(tr("%1 (raw)").arg(c.title));
        } else {
            c.raw->setName(c.title);
        }
        if (c.dashed) rawPen.setStyle(Qt::DashLine);
        c.raw->setPen(rawPen);
        // With smoothing the legend names the smoothed curve once; the faint raw one needs no entry.
        for (QLegendMarker* marker : d->chart->legend()->markers(c.raw)) marker->setVisible(c.smooth == nullptr);
    }
    // One curve needs no legend (the axis title already names it), unless spikes are clipped.
    updateClipMarkers();
    d->markers->setColors(text, pal.color(QPalette::Base));
}

}  // namespace studio::widgets
