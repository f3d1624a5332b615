#pragma once
// Trainer: runs one training at a time on its own driver thread (ARCHITECTURE.md "Threads").
// The caller never waits on it: events go through events() (drain ~30×/s), the latest model
// through snapshot(). pause()/resume()/stop() take effect between steps, within a step's time.
//
//   Trainer trainer;
//   if (auto s = trainer.start(setup); !s) show(s.error());
//   ... every 33 ms: for (auto& e : trainer.events().drain()) handle(e);

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"
#include "engine/infer/snapshot.h"
#include "engine/nn/model.h"
#include "engine/nn/model_spec.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics_queue.h"
#include "engine/train/run_control.h"
#include "engine/train/train_config.h"

namespace studio {

struct TrainingSetup {
    std::shared_ptr<const DatasetBundle> data;
    DataSplit split;                             // indices into data->pool (test: see DataSplit)
    ModelSpec spec;                              // built and initialized from config.seed …
    std::optional<Model> initialModel;           // … unless this is set: fine-tune these weights
    /// Pruning masks aligned with the model's params (engine/deploy/pruning.h; empty: none):
    /// the masked weights are zeroed at the start and stay exactly 0 (Optimizer::setMasks).
    std::vector<Tensor> masks;
    std::optional<Preprocessing> preprocessing;  // default: fitted on split.train
    TrainConfig config;
    /// Go on from this checkpoint (its weights, optimizer state, step, best epoch and the config
    /// as edited so far; threads and epochs come from `config`).
    CheckpointPtr resume;
    /// End after this epoch with Finished::Reason::Suspended (0: run all config.epochs). The
    /// schedule still spans config.epochs, so going on later is the same as never pausing.
    int stopAfterEpoch = 0;
    /// Called on the driver thread after every epoch with that epoch's checkpoint; must not
    /// block (hand it to a writer thread).
    std::function<void(CheckpointPtr)> onCheckpoint;
    /// Edits to re-apply at their recorded steps (replaying or resuming a run that was edited).
    std::vector<OptionChanged> replayEdits;
    /// The distillation teacher (config.distillation.teacher). Trainer::start loads and checks it
    /// when the config asks for one and this is null; unused when distillation is off.
    SnapshotPtr teacher;
    /// A frozen backbone in front of the model (engine/deploy/backbone.h; null: none). The
    /// batches are the pool's images, prepared with `preprocessing` (required: the backbone's
    /// input normalization) and augmented, then turned into the backbone's normalized features,
    /// which the model (the head) reads; so augmented epochs recompute the features on the
    /// shards' threads. Published snapshots carry it: they are whole models.
    std::shared_ptr<const Backbone> backbone;
};

/// What a finished run leaves: the final event, every epoch's numbers and the best model.
struct TrainingOutcome {
    RunStarted started;
    Finished finished;
    std::vector<EpochMetrics> epochs;
    SnapshotPtr snapshot;  // best weights
};

class Trainer {
public:
    Trainer() = default;
    /// Stops a running training and joins its thread.
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    /// Validates the setup (config, dataset, architecture against the data) and starts the
    /// driver thread. Errors name the option or layer; nothing has started then.
    /// Works again after a run finished, stopped or failed (a new run with a fresh snapshot).
    Status start(TrainingSetup setup);

    /// Threads: any thread. Take effect at the next step boundary.
    void pause();
    void resume();
    void stop();
    /// A live edit of an option the schema marks live-editable ("lr", "weight_decay", …); takes
    /// effect before the next step and comes back as an OptionChanged event with that step.
    /// Errors name the option when it is not live-editable or out of range.
    Status setOption(const std::string& key, const nlohmann::json& value);
    /// At most this many training steps a second (≤ 0: unpaced); kept across runs. Only when
    /// steps happen changes, never what they compute.
    void setPace(double stepsPerSecond) { m_control.setPace(stepsPerSecond); }
    /// Pauses and runs exactly one more training step (and the epoch's validation it may end).
    void stepOnce() { m_control.stepOnce(); }
    /// Asks for the weights as they are after the next step; they come back in peek().
    void requestPeek() { m_control.requestPeek(); }
    /// The weights handed over after the latest requestPeek (null before any). Threads: any.
    SnapshotPtr peek() const { return m_control.peek(); }
    /// Blocks until the driver thread has ended (after a final event was pushed).
    void wait();

    bool isRunning() const { return m_running.load(); }
    bool isPaused() const { return m_control.isPaused(); }

    MetricsQueue& events() { return m_queue; }
    /// The latest published model: after each epoch, after a stop or failure, and at the end
    /// (best weights). Null before the first epoch of a run. Threads: any thread.
    SnapshotPtr snapshot() const;

private:
    void publish(SnapshotPtr snapshot);

    RunControl m_control;
    MetricsQueue m_queue;
    mutable std::mutex m_snapshotMutex;
    SnapshotPtr m_snapshot;
    std::atomic<bool> m_running{false};
    std::thread m_thread;
};

/// Blocking convenience for the CLI and tests: runs to the end, calling onEvent (on the calling
/// thread) for every event. A failed run returns its Error; a stopped one a Cancelled error.
/// `attach` gets the trainer once it runs and nullptr just before it is destroyed (to hand it to
/// another thread that may stop, pause or edit it meanwhile).
Result<TrainingOutcome> trainToEnd(TrainingSetup setup, const std::function<void(const TrainingEvent&)>& onEvent = {},
                                   const std::function<void(Trainer*)>& attach = {});

}  // namespace studio
