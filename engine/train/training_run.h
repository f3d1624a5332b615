#pragma once
// TrainingRun: one run of the epoch/batch loop, executed on the Trainer's driver thread.
// Internal to engine/train; the public face is Trainer (trainer.h).
//
// One step (ARCHITECTURE.md "Threads"):
//   batch = order[b·B, (b+1)·B)  → shards of config.shardSize samples (never from the thread count)
//   forEach shard s (parallel):  own Workspace → assembleBatch → [teacher logits on the same
//                                input, when distilling] → forward → softmax CE, or the
//                                distillation loss (gradScale 1/|batch|) → zeroGrads → backward
//   forEach gradient chunk (parallel over elements): Σ_s grads_s in shard order 0..S-1
//   finite? → optimizer step → BatchNorm statistics → weights still finite?
// Nothing is summed across threads in an order that depends on scheduling, so the weights are
// bit-identical for any thread count.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/loss/distillation_loss.h"
#include "engine/loss/softmax_cross_entropy.h"
#include "engine/optim/optimizer.h"
#include "engine/train/distillation_teacher.h"
#include "engine/train/flush_denormals.h"
#include "engine/train/layer_health.h"
#include "engine/train/trainer.h"
#include "engine/train/training_doctor.h"

namespace studio {

class TrainingRun {
public:
    TrainingRun(TrainingSetup setup, Model model, RunControl& control, MetricsQueue& queue,
                std::function<void(SnapshotPtr)> publish);
    /// Runs to the end; pushes RunStarted … and exactly one final event.
    void run();

private:
    struct Score {
        double loss = 0.0;  // mean cross-entropy (no label smoothing)
        double accuracy = 0.0;
        int count = 0;
        std::vector<std::vector<int>> confusion;  // [true][predicted], when asked for
    };
    struct Chunk {  // a contiguous piece of one parameter's gradient
        std::size_t param;
        std::size_t begin, end;
    };
    enum class StepResult { Applied, Failed };

    void allocate(int maxShards);
    StepResult step(std::span<const int> batch, int epoch, int batchInEpoch, double& lossSum, int& correct);
    /// Loss/accuracy of the model (training off) on data[indices]; nullopt when stopped meanwhile.
    std::optional<Score> score(const Dataset& data, const std::vector<int>& indices, bool confusion);
    void fail(Error error);
    /// Pushes the event and the doctor's alerts about it (before it when it ends the run).
    void report(TrainingEvent event);
    /// After a step: the probe batch through the model (training off) → a LayerHealth event.
    void measureHealth(int epoch, bool epochEnd);
    Error numericalError(const char* what, int epoch, int batchInEpoch, float lr) const;
    SnapshotPtr makeSnapshot(int epoch, nlohmann::json metrics) const;
    /// With a backbone: shard s's assembled images in ws.input() → the head's input (features).
    void throughBackbone(Workspace& ws, std::size_t shard);
    /// A live or replayed edit (keys checked by Trainer::setOption); pushes OptionChanged.
    void applyEdit(const std::string& key, const nlohmann::json& value);
    Status restoreWeights(const std::vector<Tensor>& weights);
    CheckpointPtr makeCheckpoint(int epoch, const Model* best, int bestEpoch, double bestValue, int sinceImprovement,
                                 const EpochMetrics& bestMetrics, double trainSeconds) const;
    void restoreParams(const std::vector<Tensor>& from);

    TrainingSetup m_setup;
    Model m_model;
    RunControl& m_control;
    MetricsQueue& m_queue;
    std::function<void(SnapshotPtr)> m_publish;

    Preprocessing m_prep;
    std::unique_ptr<ThreadPool> m_pool;
    std::unique_ptr<FlushDenormalsObserver> m_flushDenormals;  // declared after m_pool: stops observing first
    std::unique_ptr<Optimizer> m_optimizer;
    std::vector<Param*> m_params;
    std::vector<Workspace> m_workspaces;  // one per shard, allocated once
    std::vector<std::vector<std::int32_t>> m_labels;
    std::vector<Tensor> m_dlogits;
    std::vector<LossSum> m_shardLoss;
    std::optional<DistillationTeacher> m_teacher;  // when the config distils (teacher, α > 0)
    std::vector<Tensor> m_teacherInput;            // per shard: the input in the teacher's normalization
    std::vector<Tensor> m_teacherLogits;           // per shard
    std::vector<Tensor> m_backboneImages;          // per shard: the images a backbone turns into features
    std::vector<Tensor> m_summed;  // shard-order sum, aligned with m_params
    std::vector<Tensor> m_backup;  // weights before the step being applied
    std::vector<Chunk> m_chunks;
    std::vector<char> m_chunkBad;
    std::int64_t m_step = 0;  // optimizer steps taken
    double m_healthSeconds = 0.0;  // spent measuring layer health (the probe and its sums)
    int m_stepsPerEpoch = 0;
    int m_completedEpochs = 0;
    TrainingDoctor m_doctor;
    std::optional<LayerHealthMonitor> m_health;  // when config.healthEvery > 0
};

}  // namespace studio
