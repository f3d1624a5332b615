#pragma once
// TrainingController: adapts the engine's Trainer to the studio's widgets. The GUI thread only
// starts, pauses and stops the run and drains the trainer's event queue on a ~30 Hz timer,
// appending one list of points per chart series per frame (STYLE.md §7). It never trains and
// never waits on the driver thread, except when the window closes (stop, then join).

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointF>
#include <QTimer>
#include <thread>
#include <vector>

#include "engine/store/run_recorder.h"
#include "engine/train/trainer.h"

namespace studio::widgets {
class LiveChart;
class RunLog;
class TrainingControls;
}  // namespace studio::widgets

namespace studio::app {

struct TrainingViews {
    widgets::TrainingControls* controls = nullptr;
    widgets::LiveChart* loss = nullptr;
    widgets::LiveChart* accuracy = nullptr;
    widgets::LiveChart* learningRate = nullptr;
    widgets::RunLog* log = nullptr;
};

class TrainingController : public QObject {
    Q_OBJECT
public:
    TrainingController(TrainingViews views, QObject* parent = nullptr);
    /// Stops a running training and joins its thread (the window is closing).
    ~TrainingController() override;

    /// Starts a run: clears the charts, then the trainer validates and starts its thread.
    /// An error (invalid architecture for the data, bad config) shows in the status and log.
    /// With a recorder, every event and epoch checkpoint goes into the run store (written on the
    /// recorder's thread); the recorder is closed off the GUI thread when the run ends.
    Status start(TrainingSetup setup, const QString& description, std::shared_ptr<RunRecorder> recorder = {});
    /// The run store's id of the current or last run (0: not recorded).
    std::int64_t recordedRunId() const { return m_recordedRunId; }
    /// A live edit of the running run (learning rate, …): recorded with its step.
    Status setLiveOption(const std::string& key, const nlohmann::json& value);
    void pause();
    void resume();
    void stop();
    bool isRunning() const { return m_trainer.isRunning() || m_awaitingFinal; }
    bool isPaused() const { return m_trainer.isPaused(); }
    /// Teaching (BoundaryController): at most this many steps a second (0: full speed), kept
    /// across runs; one step at a time (pauses the run); the weights as they are after a step.
    void setPace(double stepsPerSecond) { m_trainer.setPace(stepsPerSecond); }
    void stepOnce();
    void requestPeek() { m_trainer.requestPeek(); }
    SnapshotPtr peek() const { return m_trainer.peek(); }

    /// The newest model: the latest epoch's while training, the best weights after a run.
    SnapshotPtr snapshot() const { return m_snapshot; }
    /// Numbers of the last run, as shown.
    const std::vector<EpochMetrics>& epochs() const { return m_epochs; }
    const std::optional<Finished>& finished() const { return m_finished; }
    /// Optimizer steps per epoch of the current or last run (0 before its first event).
    int stepsPerEpoch() const { return m_started ? m_started->stepsPerEpoch : 0; }
    /// What the current or last run began with (sizes, parameters, FLOPs per sample).
    const std::optional<RunStarted>& started() const { return m_started; }
    /// The setup of the current or last run (its data, split and config).
    const std::optional<TrainingSetup>& lastSetup() const { return m_setup; }

    /// Drains pending events now (the timer does this ~30×/s); tests call it to be deterministic.
    void drainEvents();

    /// Stops and waits at most `timeoutMs` for the driver thread; true when it ended. A recorded
    /// run is kept as interrupted (the window is closing): it resumes from its last checkpoint.
    bool stopAndWait(int timeoutMs);

Q_SIGNALS:
    void runStarted();
    /// A new model is available (after each epoch and at the end of a run).
    void snapshotPublished(studio::SnapshotPtr snapshot);
    /// The run ended: completed, early-stopped, stopped or failed.
    void runEnded(bool completed);
    void stateChanged();
    /// The run's record is complete in the store (its last flush, with the best model, is written).
    void recordingClosed();
    /// Layer health samples and the training doctor's alerts, as the run reports them.
    void layerHealthMeasured(const studio::LayerHealth& health);
    void epochEnded(const studio::EpochMetrics& metrics);
    void alertRaised(const studio::TrainingAlert& alert);

private:
    void handle(const RunStarted& e);
    void handle(const BatchMetrics& e);
    void handle(const EpochMetrics& e);
    void handle(const Finished& e);
    void handle(const Stopped& e);
    void handle(const Failed& e);
    void handle(const OptionChanged& e);
    void handle(const LayerHealth& e) { Q_EMIT layerHealthMeasured(e); }
    void handle(const TrainingAlert& e);
    void flushPoints();
    void endRun(bool completed);
    void closeRecorder(bool wait);
    void updateRates(double samplesPerSecond);

    TrainingViews m_views;
    Trainer m_trainer;
    QTimer m_drainTimer;
    QElapsedTimer m_clock;
    qint64 m_pausedMs = 0;
    QElapsedTimer m_pauseClock;
    bool m_awaitingFinal = false;

    std::optional<TrainingSetup> m_setup;
    std::optional<RunStarted> m_started;
    std::optional<Finished> m_finished;
    std::vector<EpochMetrics> m_epochs;
    SnapshotPtr m_snapshot;
    std::shared_ptr<RunRecorder> m_recorder;
    std::vector<std::thread> m_closers;  // recorders finishing their last flush
    std::int64_t m_recordedRunId = 0;
    std::int64_t m_lastStep = 0;
    int m_lastEpoch = 0;
    int m_lastBatch = 0;
    double m_lastRate = 0.0;

    // Points gathered during one drain, appended as one list per series.
    QList<QPointF> m_batchLoss, m_batchAccuracy, m_lr, m_epochTrainLoss, m_epochValLoss, m_epochTrainAcc, m_epochValAcc;
};

}  // namespace studio::app
