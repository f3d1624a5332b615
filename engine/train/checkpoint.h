#pragma once
// TrainingCheckpoint: everything a run needs to go on after an epoch as if it had never stopped
// (ARCHITECTURE.md "Runs"). Data order, augmentation and dropout are counter-based streams
// keyed by (seed, epoch, step, sample), so the epoch and step numbers stand for the RNG state
// and the data position; the rest is copied.

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/tensor.h"
#include "engine/optim/optimizer.h"
#include "engine/train/metrics.h"

namespace studio {

struct TrainingCheckpoint {
    int epoch = 0;                // epochs completed (the next one to run is epoch + 1)
    std::int64_t step = 0;        // optimizer steps taken
    nlohmann::json config;        // TrainConfig::toJson as it stood (live edits included)
    std::vector<Tensor> weights;  // Model::params() order, statistics included
    OptimizerState optimizer;
    // The best epoch so far, by the early-stopping metric: a run ends with these weights.
    int bestEpoch = 0;
    double bestValue = 0.0;
    int sinceImprovement = 0;
    EpochMetrics bestMetrics;
    std::vector<Tensor> bestWeights;  // empty when the best epoch is this one (= weights)
    double trainSeconds = 0.0;        // training time so far (for samples/s over the whole run)
};

using CheckpointPtr = std::shared_ptr<const TrainingCheckpoint>;

}  // namespace studio
