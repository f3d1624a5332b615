#include "app/gui/current_model.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include "app/gui/engine_conversions.h"
#include "app/gui/training_controller.h"
#include "engine/io/model_file.h"

namespace studio::app {

CurrentModel::CurrentModel(TrainingController* training, QObject* parent) : QObject(parent), m_training(training) {
    connect(m_training, &TrainingController::runStarted, this, [this] { m_preferLoaded = false; });
    connect(m_training, &TrainingController::snapshotPublished, this,
            [this](SnapshotPtr s) { Q_EMIT changed(std::move(s)); });
}

SnapshotPtr CurrentModel::model() const {
    if (m_preferLoaded && m_loaded) return m_loaded;
    if (SnapshotPtr s = m_training->snapshot()) return s;
    return m_loaded;
}

std::shared_ptr<const DatasetBundle> CurrentModel::dataFor(const SnapshotPtr& model,
                                                           std::shared_ptr<const DatasetBundle> shown) const {
    if (model && model == m_training->snapshot() && m_training->lastSetup()) return m_training->lastSetup()->data;
    return shown;
}

bool CurrentModel::onlyInMemory() const {
    const SnapshotPtr current = model();
    if (!current || current == m_loaded || current == m_saved) return false;
    return current == m_training->snapshot() && !m_training->isRunning() && m_training->recordedRunId() == 0;
}

Status CurrentModel::load(const QString& path) {
    auto snapshot = loadModelFile(toStdString(path));
    if (!snapshot) {
        Q_EMIT error(errorText(snapshot.error()));
        return snapshot.error();
    }
    m_loaded = std::make_shared<const ModelSnapshot>(std::move(*snapshot));
    m_preferLoaded = true;
    Q_EMIT info(tr("Loaded the model %1 (%2 classes, trained %3 epochs on %4)")
                    .arg(path)
                    .arg(m_loaded->classNames.size())
                    .arg(m_loaded->epoch)
                    .arg(toQString(m_loaded->datasetName)));
    Q_EMIT changed(model());
    return {};
}

void CurrentModel::save(const QString& path, const nlohmann::json& datasetOptions) {
    SnapshotPtr current = model();
    if (!current) {
        Q_EMIT error(tr("There is no model to save yet: train one or load a model file first."));
        return;
    }
    auto copy = std::make_shared<ModelSnapshot>(*current);
    if (!copy->metrics.contains("dataset_options") && current == m_training->snapshot())
        copy->metrics["dataset_options"] = datasetOptions;
    auto* watcher = new QFutureWatcher<Status>(this);
    connect(watcher, &QFutureWatcher<Status>::finished, this, [this, watcher, path, current] {
        const Status s = watcher->result();
        watcher->deleteLater();
        if (!s) {
            Q_EMIT error(errorText(s.error()));
            return;
        }
        m_saved = current;
        Q_EMIT info(tr("Saved the model to %1").arg(path));
    });
    watcher->setFuture(QtConcurrent::run([copy, path] { return saveModelFile(toStdString(path), *copy); }));
}

}  // namespace studio::app
