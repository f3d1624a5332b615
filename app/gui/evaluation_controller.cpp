#include "app/gui/evaluation_controller.h"

#include <QFileDialog>
#include <QMetaObject>
#include <QPointer>
#include <QSaveFile>
#include <algorithm>

#include "app/gui/engine_conversions.h"
#include "engine/core/parallel.h"
#include "engine/train/train_config.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/evaluation_view.h"
#include "widgets/human_units.h"

namespace studio::app {

namespace {
constexpr int kMaxGalleryItems = 300;
}

Result<EvaluationTarget> evaluationTarget(const ModelSnapshot& model, std::shared_ptr<const DatasetBundle> bundle) {
    EvaluationTarget t;
    t.bundle = std::move(bundle);
    const bool official = t.bundle->test.has_value();
    t.data = official ? &*t.bundle->test : &t.bundle->pool;
    // The preprocessing's shape is what the whole model takes (with a backbone, the head reads features).
    const Shape& input = model.preprocessing.inputShape;
    if (input != t.data->sampleShape() || model.model.outputSize() != t.data->classCount())
        return Error::invalid("The model takes " + shapeToString(input) + " inputs in " +
                                  std::to_string(model.model.outputSize()) + " classes, but dataset '" +
                                  t.data->name() + "' has " + shapeToString(t.data->sampleShape()) + " samples in " +
                                  std::to_string(t.data->classCount()) + " classes.",
                              "Load the dataset the model was trained on to evaluate it.");
    if (official) {
        t.indices.resize(std::size_t(t.data->size()));
        for (int i = 0; i < t.data->size(); ++i) t.indices[std::size_t(i)] = i;
        t.description = "official test set";
        return t;
    }
    TrainConfig config;
    if (auto c = TrainConfig::fromJson(model.trainConfig)) config = *c;
    const DataSplit split = splitDataset(*t.bundle, config.validationFraction, config.testFraction, config.seed);
    t.indices = split.test;
    t.description = "test split (seed " + std::to_string(config.seed) + ")";
    if (t.indices.empty()) {
        t.indices = split.validation;
        t.description = "validation split (no test split)";
    }
    if (t.indices.empty())
        return Error::invalid("Dataset '" + t.data->name() + "' leaves no test or validation samples for this model.",
                              "Train with a test or validation fraction above 0.");
    return t;
}

EvaluationController::EvaluationController(widgets::EvaluationView* view, QObject* parent)
    : QObject(parent), m_view(view) {
    m_pool.setMaxThreadCount(1);
    connect(m_view, &widgets::EvaluationView::cellActivated, this, &EvaluationController::showCell);
    connect(m_view, &widgets::EvaluationView::exportRequested, this, [this] {
        const QString path = QFileDialog::getSaveFileName(m_view, tr("Export the evaluation"), "evaluation.json",
                                                          tr("Report (*.json);;Confusion matrix (*.png)"));
        if (path.isEmpty()) return;
        if (auto s = exportTo(path); !s) m_view->setTitle(errorText(s.error()));
    });
}

EvaluationController::~EvaluationController() {
    m_pool.waitForDone();
}

void EvaluationController::evaluate(SnapshotPtr model, std::shared_ptr<const DatasetBundle> bundle) {
    if (model == m_model && bundle == m_bundle) return;  // asked again for what is shown or under way
    m_model = model;
    m_bundle = bundle;
    const quint64 job = ++m_latestJob;
    if (!model || !bundle) {
        m_report.reset();
        m_target.reset();
        m_view->clear();
        return;
    }
    auto target = evaluationTarget(*model, bundle);
    if (!target) {
        m_report.reset();
        m_target.reset();
        m_view->clear(errorText(target.error()));  // say why, not just "No evaluation yet"
        return;
    }
    if (!m_report) m_view->setBusy(tr("Evaluating on the %1…").arg(toQString(target->description)));
    ++m_pending;
    QPointer<EvaluationController> self(this);
    m_pool.start([self, job, model, t = std::move(*target)]() mutable {
        ThreadPool pool(1);  // one core for evaluation; training keeps the others
        const int topK = std::min(5, model->model.outputSize());
        EvaluationReport report = studio::evaluate(*model, *t.data, t.indices, pool, topK);
        const int epoch = model->epoch;
        QMetaObject::invokeMethod(
            self,
            [self, job, r = std::move(report), t = std::move(t), epoch]() mutable {
                if (!self) return;
                --self->m_pending;
                if (job == self->m_latestJob) self->publish(std::move(r), std::move(t), epoch);
            },
            Qt::QueuedConnection);
    });
}

void EvaluationController::publish(EvaluationReport report, EvaluationTarget target, int epoch) {
    QStringList names;
    for (const auto& n : report.classNames) names.append(toQString(n));
    QList<QList<int>> counts;
    for (const auto& row : report.confusion) counts.append(QList<int>(row.begin(), row.end()));
    QList<widgets::ClassMetricsRow> rows;
    for (std::size_t c = 0; c < report.perClass.size(); ++c) {
        const ClassMetrics& m = report.perClass[c];
        rows.append({names.value(int(c)), m.precision, m.recall, m.f1, m.support});
    }
    m_view->setTitle(
        tr("%1 · %2 samples · model of epoch %3")
            .arg(toQString(target.description).replace(0, 1, toQString(target.description).left(1).toUpper()),
                 widgets::groupedInteger(report.samples))
            .arg(epoch));
    m_view->setMatrix(names, counts);
    m_view->setMetrics(rows, report.accuracy, report.macroF1, report.samples);

    // Most confident mistakes: the wrong predictions with the highest confidence.
    std::vector<const SampleRecord*> mistakes;
    for (const SampleRecord& r : report.records)
        if (r.predicted != r.trueClass) mistakes.push_back(&r);
    std::stable_sort(mistakes.begin(), mistakes.end(),
                     [](const SampleRecord* a, const SampleRecord* b) { return a->confidence > b->confidence; });
    if (mistakes.size() > std::size_t(kMaxGalleryItems)) mistakes.resize(kMaxGalleryItems);
    QList<widgets::EvaluationItem> items;
    for (const SampleRecord* r : mistakes)
        items.append({galleryImage(*target.data, r->index), names.value(r->trueClass), names.value(r->predicted),
                      double(r->confidence), r->loss});
    m_view->setMistakes(items);
    m_report = std::move(report);
    m_target = std::move(target);
    Q_EMIT evaluated();
}

Status EvaluationController::exportTo(const QString& path) {
    if (!m_report) return Error::invalid("There is no evaluation to export yet.", "Train or load a model first.");
    const std::string name = toStdString(path);
    if (path.endsWith(QLatin1String(".png"), Qt::CaseInsensitive)) {
        if (!m_view->matrixView()->exportPng(path))
            return Error::io("Could not write '" + name + "'.", "Choose a folder you can write to.");
        return {};
    }
    nlohmann::json j = m_report->toJson();
    j["evaluated_on"] = m_target ? m_target->description : "";
    const std::string text = j.dump(2) + "\n";
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(text.data(), qint64(text.size())) < 0 || !out.commit())
        return Error::io("Could not write '" + name + "': " + toStdString(out.errorString()) + ".",
                         "Choose a folder you can write to, or free some disk space.");
    return {};
}

QImage EvaluationController::galleryImage(const Dataset& data, int index) const {
    // Feature samples plotted as the model sees them (standardized), so a table's spread shows.
    return m_model ? sampleImage(data, index, m_model->preprocessing) : sampleImage(data, index);
}

void EvaluationController::showCell(int trueClass, int predicted) {
    if (!m_report || !m_target) return;
    QList<widgets::EvaluationItem> items;
    const auto& names = m_report->classNames;
    for (const SampleRecord& r : m_report->records) {
        if (r.trueClass != trueClass || r.predicted != predicted) continue;
        if (items.size() >= kMaxGalleryItems * 4) break;
        items.append({galleryImage(*m_target->data, r.index), toQString(names[std::size_t(r.trueClass)]),
                      toQString(names[std::size_t(r.predicted)]), double(r.confidence), r.loss});
    }
    const int count = m_report->confusion[std::size_t(trueClass)][std::size_t(predicted)];
    m_view->showCellItems(tr("True: %1 → predicted: %2 (%3)")
                              .arg(toQString(names[std::size_t(trueClass)]), toQString(names[std::size_t(predicted)]))
                              .arg(count),
                          items);
}

}  // namespace studio::app
