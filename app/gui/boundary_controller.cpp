#include "app/gui/boundary_controller.h"

#include <QFileDialog>
#include <QPointer>
#include <chrono>
#include <new>

#include "app/gui/engine_conversions.h"
#include "app/gui/training_controller.h"
#include "engine/data/synthetic.h"
#include "engine/infer/predictor.h"
#include "engine/teach/boundary_image.h"
#include "widgets/boundary_panel.h"
#include "widgets/decision_boundary_view.h"
#include "widgets/unit_field_grid.h"

namespace studio::app {

namespace {

widgets::BoundaryField toField(const BoundaryGrid& grid) {
    widgets::BoundaryField f;
    f.xMin = grid.extent.xMin;
    f.xMax = grid.extent.xMax;
    f.yMin = grid.extent.yMin;
    f.yMax = grid.extent.yMax;
    f.columns = grid.width;
    f.rows = grid.height;
    f.classes = grid.classes;
    f.probabilities = grid.probabilities;
    return f;
}

QList<widgets::UnitFieldLayer> toLayers(const std::vector<UnitFields>& fields) {
    QList<widgets::UnitFieldLayer> layers;
    for (const UnitFields& f : fields) {
        widgets::UnitFieldLayer l;
        l.label = QString::fromStdString(f.label);
        l.units = f.units;
        l.rows = f.height;
        l.columns = f.width;
        l.values = f.values;
        layers.push_back(std::move(l));
    }
    return layers;
}

QList<widgets::PlaneSample> toSamples(const std::vector<PlanePoint>& points) {
    QList<widgets::PlaneSample> out;
    out.reserve(static_cast<qsizetype>(points.size()));
    for (const PlanePoint& p : points) out.push_back({QPointF(p.x, p.y), p.label, p.heldOut});
    return out;
}

// Every sample of the pool as a training point and the official test set's as held out: what
// is shown before a run has split the data.
std::vector<PlanePoint> unsplitPoints(const DatasetBundle& data) {
    DataSplit all;
    for (int i = 0; i < data.pool.size(); ++i) all.train.push_back(i);
    if (data.test) {
        all.testFromPool = false;
        for (int i = 0; i < data.test->size(); ++i) all.test.push_back(i);
    }
    return planePoints(data, all);
}

QList<double> softmaxOf(const ModelSnapshot& model, QPointF point) {
    float xy[2] = {static_cast<float>(point.x()), static_cast<float>(point.y())};
    model.preprocessing.normalize(xy);
    Tensor x(Shape{1, 2});
    x.data()[0] = xy[0];
    x.data()[1] = xy[1];
    const Prediction p = predictPrepared(model, x, 1);
    return QList<double>(p.probabilities.begin(), p.probabilities.end());
}

QString modelCaption(const ModelSnapshot& model) {
    const auto& m = model.metrics;
    if (m.contains("step"))
        return QObject::tr("Epoch %1 · step %2 (live weights)")
            .arg(m.value("epoch", 0))
            .arg(static_cast<qlonglong>(m.value("step", std::int64_t(0))));
    if (model.epoch > 0) return QObject::tr("Weights after epoch %1").arg(model.epoch);
    return QObject::tr("Weights as initialized");
}

}  // namespace

struct BoundaryController::Result {
    std::optional<BoundaryGrid> grid;
    std::vector<UnitFields> units;
    std::optional<QList<double>> probe;
    QString error;
    double ms = 0.0;
};

BoundaryController::BoundaryController(widgets::BoundaryPanel* panel, TrainingController* training, QObject* parent)
    : QObject(parent), m_panel(panel), m_training(training) {
    m_pool.setMaxThreadCount(1);
    m_timer.setInterval(100);
    connect(&m_timer, &QTimer::timeout, this, &BoundaryController::tick);
    m_timer.start();
    m_sinceJob.start();
    using widgets::BoundaryPanel;
    connect(panel, &BoundaryPanel::paceChanged, this, [this](double pace) { m_training->setPace(pace); });
    connect(panel, &BoundaryPanel::stepRequested, this, [this] { m_training->stepOnce(); });
    connect(panel, &BoundaryPanel::exportRequested, this, &BoundaryController::askExport);
    connect(panel->view(), &widgets::DecisionBoundaryView::pointClicked, this, &BoundaryController::classifyPoint);
    connect(training, &TrainingController::stateChanged, this, &BoundaryController::updateAvailability);
    connect(training, &TrainingController::runEnded, this, [this] { m_runActive = false; });
    connect(training, &TrainingController::runStarted, this, [this] {
        m_runActive = true;
        // The run's own split decides which points are held out.
        if (m_training->lastSetup() && m_training->lastSetup()->data == m_data) m_split = m_training->lastSetup()->split;
        showPoints();
        updateAvailability();
    });
    m_training->setPace(panel->pace());
    QList<widgets::FieldSpec> data;
    for (const widgets::FieldSpec& f : dataFields())
        if (f.key == QLatin1String("noise") || f.key == QLatin1String("samples") || f.key == QLatin1String("test_split"))
            data.push_back(f);
    panel->setDataFields(data);
    setDataset(nullptr);
}

void BoundaryController::showDataSettings(const QString& dataset, const QVariantMap& settings) {
    const std::string name = dataset.toStdString();
    m_panel->setDataControlsVisible(isGeneratedSet(name) && name != "shapes");
    m_panel->setDataValues(settings);
}

BoundaryController::~BoundaryController() {
    m_timer.stop();
    m_pool.waitForDone();
}

void BoundaryController::setDataset(std::shared_ptr<const DatasetBundle> data) {
    ++m_latestJob;  // a result for other data is stale
    m_data = std::move(data);
    m_plane = m_data && isPlaneDataset(m_data->pool);
    m_split.reset();
    if (m_plane && m_training->lastSetup() && m_training->lastSetup()->data == m_data)
        m_split = m_training->lastSetup()->split;
    m_extent = m_plane ? planeExtent(m_data->pool, m_data->test ? &*m_data->test : nullptr) : PlaneExtent{};
    m_probe.reset();
    m_panel->view()->clearProbe();
    m_panel->view()->setField({});
    m_panel->units()->clear();
    m_drawn.reset();
    m_pending.reset();
    if (!m_data) {
        m_panel->view()->setEmptyText(tr("Load a 2-D dataset (spirals, circles, xor, gauss or a table with two "
                                         "feature columns) to see a model's decision boundary."));
    } else if (!m_plane) {
        m_panel->view()->setEmptyText(
            tr("The decision boundary is drawn for 2-D data; '%1' has samples of %2.")
                .arg(QString::fromStdString(m_data->pool.name()),
                     QString::fromStdString(shapeToString(m_data->pool.sampleShape()))));
    }
    if (m_plane) {
        QStringList names;
        QList<QColor> colours;
        for (int k = 0; k < m_data->pool.classCount(); ++k) {
            names.push_back(QString::fromStdString(m_data->pool.classNames()[static_cast<std::size_t>(k)]));
            colours.push_back(QColor(static_cast<QRgb>(classColour(k))));
        }
        m_panel->view()->setClasses(names, colours);
    } else {
        m_panel->view()->setClasses({}, {});
    }
    showPoints();
    updateAvailability();
    setModel(m_model);
}

void BoundaryController::showPoints() {
    if (!m_plane) {
        m_panel->view()->setPoints({});
        return;
    }
    m_panel->view()->setPoints(toSamples(m_split ? planePoints(*m_data, *m_split) : unsplitPoints(*m_data)));
}

void BoundaryController::updateAvailability() {
    m_panel->setPlaneAvailable(m_plane);
    m_panel->setStepEnabled(m_plane && m_training->isRunning());
}

void BoundaryController::setModel(SnapshotPtr model) {
    m_model = std::move(model);
    const bool drawable = m_plane && m_model && isPlaneModel(*m_model) &&
                          snapshotClassesMatch(*m_model, m_data->pool.classCount());
    if (!drawable) {
        ++m_latestJob;
        m_drawn.reset();
        m_pending.reset();
        m_panel->view()->setField({});
        m_panel->units()->clear();
        m_panel->view()->setCaption({});
        if (m_plane) m_panel->setStatus(m_model ? tr("The current model does not take this data's 2 features.")
                                                : tr("No model yet: press Start to train one."));
        else
            m_panel->setStatus({});
        return;
    }
    if (m_model == m_drawn) return;
    m_pending = m_model;
    tick();
}

bool BoundaryController::snapshotClassesMatch(const ModelSnapshot& model, int classes) {
    return model.model.outputSize() == classes;
}

void BoundaryController::tick() {
    if (!m_plane) return;
    // Live weights while the run trains; once it has ended, its final (best) model is what stays
    // drawn, and a live copy never replaces a model the window gave (setModel) before it is drawn.
    if (m_live && m_runActive && m_training->isRunning() && m_panel->isVisible()) {
        SnapshotPtr live = m_training->peek();
        m_training->requestPeek();  // the next step boundary copies the weights for the next tick
        const bool pendingIsLive = !m_pending || m_pending == m_lastPeek;
        if (live && live != m_lastPeek && pendingIsLive && isPlaneModel(*live) &&
            snapshotClassesMatch(*live, m_data->pool.classCount()))
            m_pending = live;
        m_lastPeek = live;
    }
    const double interval = std::max<double>(kMinIntervalMs, kDutyFactor * m_lastJobMs);
    if (m_pending && !m_busy && (m_jobsDone == 0 || m_sinceJob.elapsed() >= interval))
        startJob(std::exchange(m_pending, nullptr));
}

void BoundaryController::startJob(SnapshotPtr model) {
    m_busy = true;
    m_drawn = model;
    m_sinceJob.restart();
    const quint64 job = ++m_latestJob;
    const PlaneExtent extent = m_extent;
    const std::optional<QPointF> probe = m_probe;
    QPointer<BoundaryController> self(this);
    m_pool.start([self, job, model, extent, probe] {
        Result r;
        const auto start = std::chrono::steady_clock::now();
        try {  // an exception escaping a pool thread would abort the studio
            auto grid = computeBoundary(*model, extent, kGridSide, kGridSide, nullptr);
            if (grid) {
                r.grid = std::move(*grid);
                if (auto units = computeHiddenFields(*model, extent, kUnitSide, kUnitSide, 2, nullptr))
                    r.units = std::move(*units);
                if (probe) r.probe = softmaxOf(*model, *probe);
            } else {
                r.error = QString::fromStdString(grid.error().what());
            }
        } catch (const std::bad_alloc&) {
            r = Result();
            r.error = tr("Out of memory while drawing the decision boundary.");
        }
        r.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        QMetaObject::invokeMethod(
            self,
            [self, job, r] {
                if (self) self->publish(job, r);
            },
            Qt::QueuedConnection);
    });
}

void BoundaryController::publish(quint64 job, const Result& r) {
    QElapsedTimer shown;
    shown.start();
    m_busy = false;
    ++m_jobsDone;
    if (job == m_latestJob) {
        if (!r.error.isEmpty()) {
            m_panel->setStatus(r.error);
        } else if (r.grid) {
            m_panel->view()->setField(toField(*r.grid));
            m_panel->units()->setLayers(toLayers(r.units));
            if (r.probe && m_probe) m_panel->view()->setProbe(*m_probe, *r.probe);
            if (m_drawn) m_panel->view()->setCaption(modelCaption(*m_drawn));
            int unitCount = 0;
            for (const UnitFields& f : r.units) unitCount += f.units;
            m_panel->setStatus(tr("%1×%1 cells and %2 hidden-unit fields in %3 ms")
                                   .arg(kGridSide)
                                   .arg(unitCount)
                                   .arg(r.ms, 0, 'f', 1));
            Q_EMIT boundaryDrawn();
        }
    }
    // The GUI thread's share (converting, building the thumbnails) counts towards the duty too.
    m_lastJobMs = r.ms + shown.nsecsElapsed() / 1e6;
    m_totalJobMs += m_lastJobMs;
    tick();  // newer weights may be waiting
}

void BoundaryController::classifyPoint(QPointF point) {
    m_probe = point;
    const SnapshotPtr model = m_drawn ? m_drawn : m_model;
    if (!model || !m_plane || !isPlaneModel(*model)) return;
    const quint64 job = m_latestJob;
    QPointer<BoundaryController> self(this);
    m_pool.start([self, job, model, point] {
        QList<double> probabilities;
        try {
            probabilities = softmaxOf(*model, point);
        } catch (const std::bad_alloc&) {
            return;
        }
        QMetaObject::invokeMethod(
            self,
            [self, job, point, probabilities] {
                if (!self || job != self->m_latestJob || self->m_probe != point) return;
                self->m_panel->view()->setProbe(point, probabilities);
                Q_EMIT self->pointClassified();
            },
            Qt::QueuedConnection);
    });
}

bool BoundaryController::exportPng(const QString& path) { return m_panel->view()->exportPng(path); }

void BoundaryController::askExport() {
    const QString path = QFileDialog::getSaveFileName(m_panel, tr("Export the decision boundary"),
                                                      QStringLiteral("decision-boundary.png"), tr("PNG images (*.png)"));
    if (path.isEmpty()) return;
    m_panel->setStatus(exportPng(path) ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
}

}  // namespace studio::app
