#include "app/gui/deploy_controller.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>
#include <algorithm>

#include "app/gui/deploy_variants.h"
#include "app/gui/engine_conversions.h"
#include "engine/core/parallel.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "widgets/deploy_view.h"

namespace studio::app {

namespace {
constexpr int kMaxChangedImages = 300;
}

// One comparison: the float model it belongs to. Replacing the model cancels it, and results
// that come back for it afterwards are dropped.
struct DeployController::Generation {
    std::atomic<bool> cancelled{false};
};

DeployController::DeployController(widgets::DeployView* view, QObject* parent)
    : QObject(parent), m_view(view), m_generation(std::make_shared<Generation>()) {
    m_pool.setMaxThreadCount(1);  // one job at a time: timings must not share the cores with each other
    connect(m_view, &widgets::DeployView::addModelRequested, this, &DeployController::onAddModelRequested);
    connect(m_view, &widgets::DeployView::quantizeRequested, this, &DeployController::onQuantizeRequested);
    connect(m_view, &widgets::DeployView::pruneRequested, this, &DeployController::onPruneRequested);
    connect(m_view, &widgets::DeployView::measureRequested, this, &DeployController::measureAll);
    connect(m_view, &widgets::DeployView::saveRequested, this, &DeployController::onSaveRequested);
    connect(m_view, &widgets::DeployView::exportOnnxRequested, this, &DeployController::onExportOnnxRequested);
    connect(m_view, &widgets::DeployView::variantSelected, this, &DeployController::showDetails);
}

DeployController::~DeployController() {
    m_generation->cancelled = true;
    m_pool.clear();
    m_pool.waitForDone();
}

DeployVariant* DeployController::find(int id) {
    for (DeployVariant& v : m_variants)
        if (v.id == id) return &v;
    return nullptr;
}

const DeployVariant* DeployController::variant(int id) const {
    for (const DeployVariant& v : m_variants)
        if (v.id == id) return &v;
    return nullptr;
}

const DeployVariant* DeployController::floatVariant() const {
    for (const DeployVariant& v : m_variants)
        if (v.kind == "float") return &v;
    return nullptr;
}

void DeployController::setModel(SnapshotPtr model, std::shared_ptr<const DatasetBundle> bundle) {
    if (model == m_model && bundle == m_bundle) return;
    m_generation->cancelled = true;
    m_generation = std::make_shared<Generation>();
    m_model = std::move(model);
    m_bundle = std::move(bundle);
    m_target.reset();
    m_targetError.clear();
    // Made variants belong to the old model; added files stay and are measured again.
    std::erase_if(m_variants, [](const DeployVariant& v) { return v.kind != "file"; });
    for (DeployVariant& v : m_variants) {
        v.report.reset();
        v.bench.reset();
        v.error.clear();
    }
    if (m_model && m_bundle) {
        auto target = evaluationTarget(*m_model, m_bundle);
        if (target)
            m_target = std::move(*target);
        else
            m_targetError = errorText(target.error()).toStdString();
    } else if (m_model) {
        m_targetError = "Load the dataset the model was trained on to compare accuracies.";
    }
    if (m_model) {
        DeployVariant v;
        v.id = m_nextId++;
        v.name = "float (epoch " + std::to_string(m_model->epoch) + ")";
        v.kind = "float";
        v.snapshot = m_model;
        m_variants.insert(m_variants.begin(), std::move(v));
    }
    m_view->setActionsEnabled(m_model != nullptr, m_bundle != nullptr, m_bundle != nullptr, m_bundle != nullptr);
    setStatus(m_model ? (m_targetError.empty() ? tr("Comparing on the %1.").arg(toQString(m_target->description))
                                                       : toQString(m_targetError))
                              : tr("Train or load a model: its variants are compared here."),
                      m_model && !m_targetError.empty());
    publishRows();
    measureAll();
}

int DeployController::addVariant(const std::string& name, const std::string& kind, SnapshotPtr snapshot,
                                 std::int64_t fileBytes) {
    DeployVariant v;
    v.id = m_nextId++;
    v.name = name;
    v.kind = kind;
    v.snapshot = std::move(snapshot);
    v.fileBytes = fileBytes;
    m_variants.push_back(std::move(v));
    const int id = m_variants.back().id;
    publishRows();
    m_view->setSelected(id);
    measure(id);
    return id;
}

void DeployController::measureAll() {
    for (const DeployVariant& v : m_variants) measure(v.id);
}

void DeployController::run(const QString& text, std::function<void(const std::shared_ptr<Generation>&)> job) {
    ++m_pending;
    showProgress(0, -1, text);
    QPointer<DeployController> self(this);
    m_pool.start([self, gen = m_generation, job = std::move(job)] {
        if (!gen->cancelled) job(gen);
        QMetaObject::invokeMethod(
            self, [self] { if (self) self->jobDone(); }, Qt::QueuedConnection);
    });
}

void DeployController::jobDone() {
    if (--m_pending > 0) return;
    m_view->setProgress(0, 0, m_statusText);  // the progress line gives way to the last result
    m_view->setStatus(m_statusText, m_statusError);
    Q_EMIT idle();
}

void DeployController::setStatus(const QString& text, bool error) {
    m_statusText = text;
    m_statusError = error;
    m_view->setStatus(text, error);
}

void DeployController::showProgress(int done, int total, const QString& text) { m_view->setProgress(done, total, text); }

void DeployController::measure(int id) {
    DeployVariant* v = find(id);
    if (!v) return;
    v->measuring = true;
    v->error.clear();
    const SnapshotPtr snapshot = v->snapshot;
    const std::string name = v->name;
    const bool needBytes = v->fileBytes <= 0;
    const std::optional<EvaluationTarget> target = m_target;
    const std::string targetError = m_targetError;
    const InferenceBenchOptions options = m_benchOptions;
    QPointer<DeployController> self(this);
    // Runs `apply` on the GUI thread if this comparison is still the current one.
    auto post = [self](const std::shared_ptr<Generation>& gen, std::function<void(DeployController&)> apply) {
        QMetaObject::invokeMethod(
            self,
            [self, gen, apply = std::move(apply)] {
                if (self && gen == self->m_generation) apply(*self);
            },
            Qt::QueuedConnection);
    };
    run(tr("Measuring %1…").arg(toQString(name)), [=](const std::shared_ptr<Generation>& gen) {
        const std::int64_t bytes = needBytes ? std::int64_t(serializeModel(*snapshot).size()) : 0;
        std::optional<EvaluationReport> report;
        std::string error = targetError;
        if (target) {
            const bool fits = snapshot->preprocessing.inputShape == target->data->sampleShape() &&
                              snapshotClasses(*snapshot) == target->data->classCount();
            if (fits) {
                post(gen, [name](DeployController& c) {
                    c.showProgress(0, -1, tr("Evaluating %1…").arg(toQString(name)));
                });
                ThreadPool pool(0);
                report = evaluate(*snapshot, *target->data, target->indices, pool,
                                  std::min(5, target->data->classCount()));
            } else {
                error = "'" + name + "' takes " + shapeToString(snapshot->preprocessing.inputShape) + " inputs in " +
                        std::to_string(snapshotClasses(*snapshot)) + " classes; the data has " +
                        shapeToString(target->data->sampleShape()) + " in " +
                        std::to_string(target->data->classCount()) + ". Add models trained on this dataset.";
            }
        }
        auto bench = benchInference(*snapshot, name, options, {},
                                    [&](int done, int total) {
                                        post(gen, [name, done, total](DeployController& c) {
                                            c.showProgress(done, total, tr("Timing %1…").arg(toQString(name)));
                                        });
                                    },
                                    &gen->cancelled);
        std::optional<InferenceBenchReport> timed;
        if (bench)
            timed = std::move(*bench);
        else if (bench.error().kind() != Error::Kind::Cancelled)
            error = bench.error().what();
        post(gen, [id, bytes, report = std::move(report), timed = std::move(timed), error](DeployController& c) {
            DeployVariant* v = c.find(id);
            if (!v) return;
            if (bytes > 0) v->fileBytes = bytes;
            v->report = report;
            v->bench = timed;
            v->error = error;
            v->measuring = false;
            c.publishRows();
            const DeployVariant* f = c.floatVariant();
            if (c.m_view->selectedId() == id || (f && f->id == id)) c.showDetails(c.m_view->selectedId());
            Q_EMIT c.variantsChanged();
        });
    });
}

void DeployController::publishRows() {
    const DeployVariant* f = floatVariant();
    const std::optional<double> floatAccuracy =
        f && f->report ? std::optional<double>(f->report->accuracy) : std::nullopt;
    QList<widgets::DeployVariantRow> rows;
    for (const DeployVariant& v : m_variants) {
        widgets::DeployVariantRow r;
        r.id = v.id;
        r.name = toQString(v.name);
        r.kind = toQString(v.kind);
        r.fileBytes = v.fileBytes;
        if (v.report) {
            r.accuracy = v.report->accuracy;
            if (floatAccuracy) r.accuracyDelta = v.report->accuracy - *floatAccuracy;
        }
        if (v.bench && !v.bench->results.empty()) {
            int fewest = v.bench->results.front().threads, most = fewest, largest = 0;
            for (const InferenceBenchResult& b : v.bench->results) {
                fewest = std::min(fewest, b.threads);
                most = std::max(most, b.threads);
                largest = std::max(largest, b.batch);
            }
            if (const InferenceBenchResult* b1 = v.bench->find(1, fewest)) r.latencyUs = b1->latencyUs;
            if (const InferenceBenchResult* big = v.bench->find(largest, most)) r.samplesPerSecond = big->samplesPerSecond;
        }
        r.status = v.measuring ? tr("measuring…") : toQString(v.error);
        rows.append(r);
    }
    m_view->setVariants(rows);
}

void DeployController::showDetails(int id) {
    const DeployVariant* v = variant(id);
    if (!v) return;
    const QString name = toQString(v->name);
    QList<widgets::BenchCell> cells;
    if (v->bench)
        for (const InferenceBenchResult& b : v->bench->results)
            cells.append({b.batch, b.threads, b.latencyUs, b.samplesPerSecond});
    m_view->setBench(v->bench ? tr("%1: median time of one batch and samples per second, after a warm-up").arg(name)
                              : tr("%1: not timed yet.").arg(name),
                     cells);

    const DeployVariant* f = floatVariant();
    const bool comparable = f && f->report && v->report && m_target && f->report->records.size() == v->report->records.size();
    if (!comparable) {
        const QString why = v->error.empty() ? tr("%1: waiting for its evaluation.").arg(name) : toQString(v->error);
        m_view->setClassChanges(why, {});
        m_view->setChangedImages(why, {});
        return;
    }
    const EvaluationReport& a = *f->report;
    const EvaluationReport& b = *v->report;
    QList<widgets::ClassChangeRow> classes;
    for (std::size_t c = 0; c < a.perClass.size() && c < b.perClass.size(); ++c)
        classes.append({toQString(a.classNames[c]), a.perClass[c].recall, b.perClass[c].recall, a.perClass[c].support});
    m_view->setClassChanges(tr("%1 against the float model: accuracy of each class (recall) on the %2")
                                .arg(name, toQString(m_target->description)),
                            classes);

    QList<widgets::ChangedImage> images;
    int changed = 0;
    for (std::size_t i = 0; i < a.records.size(); ++i) {
        const SampleRecord& x = a.records[i];
        const SampleRecord& y = b.records[i];
        if (x.predicted == y.predicted) continue;
        ++changed;
        if (images.size() >= kMaxChangedImages) continue;
        // ✗: the variant broke a right answer, ✓: it fixed a wrong one (one short line per image).
        const QString mark = y.predicted == x.trueClass ? "✓ " : x.predicted == x.trueClass ? "✗ " : "";
        images.append({sampleImage(*m_target->data, x.index),
                       mark + tr("%1 → %2").arg(toQString(a.classNames[std::size_t(x.predicted)]),
                                               toQString(a.classNames[std::size_t(y.predicted)]))});
    }
    const QString title =
        f->id == v->id ? tr("This is the float model: the other variants are compared with it.")
                       : tr("%1 predicts %2 of %3 images differently from the float model (float → %1; "
                            "✗ %1 is wrong where float was right, ✓ the other way round)%4")
                             .arg(name)
                             .arg(changed)
                             .arg(a.records.size())
                             .arg(changed > kMaxChangedImages ? tr("; the first %1 are shown").arg(kMaxChangedImages)
                                                              : QString());
    m_view->setChangedImages(title, images);
}

void DeployController::addModelFile(const QString& path) {
    QPointer<DeployController> self(this);
    const std::string file = path.toStdString();
    const std::int64_t bytes = QFileInfo(path).size();
    run(tr("Loading %1…").arg(path), [self, file, bytes, name = QFileInfo(path).fileName().toStdString()](
                                         const std::shared_ptr<Generation>&) {
        auto loaded = loadModelFile(file);
        SnapshotPtr snapshot = loaded ? std::make_shared<const ModelSnapshot>(std::move(*loaded)) : nullptr;
        std::string error = loaded ? "" : loaded.error().what();
        QMetaObject::invokeMethod(
            self,
            [self, snapshot, error, name, bytes] {
                if (!self) return;
                if (!snapshot) {
                    self->setStatus(toQString(error), true);
                    return;
                }
                self->addVariant(name, "file", snapshot, bytes);
            },
            Qt::QueuedConnection);
    });
}

void DeployController::makeVariant(const std::string& name, const std::string& kind, const QString& busyText,
                                   VariantMaker make) {
    QPointer<DeployController> self(this);
    run(busyText, [self, name, kind, make = std::move(make)](const std::shared_ptr<Generation>& gen) {
        auto made = make();
        SnapshotPtr snapshot = made ? *made : nullptr;
        std::string error = made ? "" : made.error().what();
        QMetaObject::invokeMethod(
            self,
            [self, gen, snapshot, error, name, kind] {
                if (!self || gen != self->m_generation) return;
                if (!snapshot) {
                    self->setStatus(toQString(error), true);
                    return;
                }
                self->setStatus(tr("Made %1.").arg(toQString(name)));
                self->addVariant(name, kind, snapshot);
            },
            Qt::QueuedConnection);
    });
}

void DeployController::saveVariant(int id, const QString& path) {
    const DeployVariant* v = variant(id);
    if (!v) return;
    QPointer<DeployController> self(this);
    run(tr("Saving %1…").arg(path), [self, snapshot = v->snapshot, file = path.toStdString()](
                                        const std::shared_ptr<Generation>&) {
        const Status saved = saveModelFile(file, *snapshot);
        const QString text = saved ? tr("Saved %1.").arg(toQString(file)) : errorText(saved.error());
        const bool failed = !saved;
        QMetaObject::invokeMethod(
            self, [self, text, failed] { if (self) self->setStatus(text, failed); }, Qt::QueuedConnection);
    });
}

void DeployController::exportVariantOnnx(int id, const QString& path) {
    const DeployVariant* v = variant(id);
    if (!v) return;
    if (!m_bundle) {
        setStatus(tr("Load the model's dataset first: the export is checked on its test images."), true);
        return;
    }
    QPointer<DeployController> self(this);
    run(tr("Exporting %1 to ONNX and checking it…").arg(toQString(v->name)),
        [self, snapshot = v->snapshot, bundle = m_bundle, file = path.toStdString()](const std::shared_ptr<Generation>&) {
            auto outcome = exportOnnxChecked(*snapshot, *bundle, file);
            QString text;
            bool failed = true;
            if (!outcome)
                text = errorText(outcome.error());
            else if (!outcome->written)
                text = tr("Not written: %1").arg(toQString(outcome->verdict));
            else {
                text = tr("Exported %1. %2").arg(toQString(file), toQString(outcome->verdict));
                failed = false;
            }
            QMetaObject::invokeMethod(
                self, [self, text, failed] { if (self) self->setStatus(text, failed); }, Qt::QueuedConnection);
        });
}

void DeployController::onAddModelRequested() {
    const QStringList paths = QFileDialog::getOpenFileNames(m_view, tr("Add models to compare"), QString(),
                                                            tr("Models (*.tsmodel)"));
    for (const QString& p : paths) addModelFile(p);
}

void DeployController::onQuantizeRequested() {
    if (!m_model || !m_bundle) return;
    makeVariant("INT8", "INT8", tr("Quantizing to INT8 (calibrating on %1 training images)…").arg(kDeployCalibrationImages),
                [model = m_model, bundle = m_bundle] { return makeInt8Variant(model, bundle); });
}

void DeployController::onPruneRequested(double sparsity, bool structured) {
    if (!m_model || !m_bundle) return;
    const std::string name = prunedName(sparsity, structured);
    makeVariant(name, "pruned", tr("Pruning to %1 and fine-tuning for one epoch…").arg(toQString(name)),
                [model = m_model, bundle = m_bundle, sparsity, structured] {
                    return makePrunedVariant(model, bundle, sparsity, structured);
                });
}

void DeployController::onSaveRequested(int id) {
    const DeployVariant* v = variant(id);
    if (!v) return;
    const QString path = QFileDialog::getSaveFileName(m_view, tr("Save the variant"),
                                                      toQString(v->name).replace(' ', '-') + ".tsmodel",
                                                      tr("Models (*.tsmodel)"));
    if (!path.isEmpty()) saveVariant(id, path);
}

void DeployController::onExportOnnxRequested(int id) {
    const DeployVariant* v = variant(id);
    if (!v) return;
    const QString path = QFileDialog::getSaveFileName(m_view, tr("Export the variant to ONNX"),
                                                      toQString(v->name).replace(' ', '-') + ".onnx",
                                                      tr("ONNX models (*.onnx)"));
    if (!path.isEmpty()) exportVariantOnnx(id, path);
}

}  // namespace studio::app
