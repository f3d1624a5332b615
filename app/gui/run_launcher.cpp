#include "app/gui/run_launcher.h"

#include <QtConcurrent/QtConcurrentRun>

#include "app/gui/engine_conversions.h"
#include "app/gui/runs_controller.h"
#include "app/gui/training_controller.h"
#include "widgets/run_log.h"

namespace studio::app {

RunLauncher::RunLauncher(TrainingController* training, RunsController* runs, widgets::RunLog* log, QObject* parent)
    : QObject(parent), m_training(training), m_runs(runs), m_log(log) {
    m_prepare = new QFutureWatcher<Result<StudioRun>>(this);
    connect(m_prepare, &QFutureWatcher<Result<StudioRun>>::finished, this, &RunLauncher::onPrepared);
}

RunLauncher::~RunLauncher() {
    m_prepare->waitForFinished();
}

bool RunLauncher::isPreparing() const {
    return m_prepare->isRunning();
}

void RunLauncher::startRun(std::shared_ptr<const DatasetBundle> data, const QString& datasetSource,
                           const ModelSpec& spec, const QString& modelLabel, const QVariantMap& settings,
                           std::optional<BackboneChoice> backbone) {
    m_fineTuning = false;
    m_prepare->setFuture(QtConcurrent::run(prepareRecordedRun, m_runs->storePath().toStdString(), std::move(data),
                                           datasetSource.toStdString(), spec, modelLabel.toStdString(),
                                           m_runs->withThreadBudget(settings), std::move(backbone)));
}

void RunLauncher::startFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model,
                                  const QVariantMap& settings, Correction correction) {
    m_fineTuning = true;
    // Copying the dataset with the new sample (tens of MB for Fashion-MNIST) happens off the GUI thread.
    m_prepare->setFuture(QtConcurrent::run(
        [data = std::move(data), model = std::move(model), settings,
         correction = std::move(correction)]() mutable -> Result<StudioRun> {
            auto setup = prepareFineTuning(std::move(data), std::move(model), settings, std::move(correction));
            if (!setup) return setup.error();
            return StudioRun{std::move(*setup), nullptr};
        }));
}

void RunLauncher::onPrepared() {
    Result<StudioRun> prepared = m_prepare->result();
    const bool fineTuning = std::exchange(m_fineTuning, false);
    if (!prepared) {
        Q_EMIT failed(tr("Could not start: %1").arg(errorText(prepared.error())));
        Q_EMIT preparingEnded();
        return;
    }
    TrainingSetup& setup = prepared->setup;
    if (fineTuning) {  // the data now holds the corrected image: show it and keep it
        Q_EMIT dataReplaced(setup.data);
        const Dataset& pool = setup.data->pool;
        const int label = pool.label(pool.size() - 1);
        m_log->appendLine(tr("Added the image to class “%1” (now %2 samples)")
                              .arg(toQString(pool.classNames()[std::size_t(label)]))
                              .arg(pool.classCounts()[std::size_t(label)]));
    }
    const ModelSpec& spec = setup.spec;
    const QString model = spec.name.empty() ? tr("custom model") : toQString(spec.name);
    const QString optimizer = tr("%1 epochs, %2, learning rate %3")
                                  .arg(setup.config.epochs)
                                  .arg(toQString(setup.config.optimizer.kind))
                                  .arg(double(setup.config.schedule.baseLr), 0, 'g', 3);
    const QString description =
        fineTuning ? tr("Fine-tuning %1 on the corrected image (%2× an epoch) and %3 samples of every class: %4")
                         .arg(model)
                         .arg(kCorrectionCopies)
                         .arg(kCorrectionReplayPerClass)
                         .arg(optimizer)
                   : tr("%1 on %2: %3").arg(model, toQString(setup.data->pool.name()), optimizer);
    (void)m_training->start(std::move(setup), description, prepared->recorder);  // it shows its own errors
    m_runs->refresh();
    Q_EMIT preparingEnded();
}

}  // namespace studio::app
