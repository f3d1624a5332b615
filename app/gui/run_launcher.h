#pragma once
// RunLauncher: Start and Correct… prepare their run on a worker thread (the split, fitting the
// normalization, creating the run's row in the store, copying the data with a corrected image)
// and hand the result to the TrainingController. The GUI thread never waits for it.

#include <QFutureWatcher>
#include <QObject>
#include <QVariantMap>
#include <memory>

#include "app/gui/training_setup.h"

namespace studio::widgets {
class RunLog;
}

namespace studio::app {

class RunsController;
class TrainingController;

class RunLauncher : public QObject {
    Q_OBJECT
public:
    RunLauncher(TrainingController* training, RunsController* runs, widgets::RunLog* log, QObject* parent);
    ~RunLauncher() override;

    /// A new run of `spec` on `data`, recorded in the runs controller's store; with a backbone,
    /// `spec` is the head on its features (prepareRecordedRun).
    void startRun(std::shared_ptr<const DatasetBundle> data, const QString& datasetSource, const ModelSpec& spec,
                  const QString& modelLabel, const QVariantMap& settings,
                  std::optional<BackboneChoice> backbone = std::nullopt);
    /// Fine-tunes `model` on `data` plus the corrected image (not recorded as a run).
    void startFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model, const QVariantMap& settings,
                         Correction correction);
    bool isPreparing() const;

Q_SIGNALS:
    /// Preparing failed: the message says why (the run did not start).
    void failed(const QString& message);
    /// A fine-tuning run now trains on this copy of the data, which holds the corrected image.
    void dataReplaced(std::shared_ptr<const studio::DatasetBundle> data);
    /// Preparing ended, whether the run started or not.
    void preparingEnded();

private:
    void onPrepared();

    TrainingController* m_training;
    RunsController* m_runs;
    widgets::RunLog* m_log;
    QFutureWatcher<Result<StudioRun>>* m_prepare;
    bool m_fineTuning = false;  // the setup being prepared is a fine-tuning run
};

}  // namespace studio::app
