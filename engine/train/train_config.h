#pragma once
// TrainConfig: every choice of a training run, as plain values with a JSON round trip.
// Saved inside the model file, so a model remembers how (and on which split) it was trained.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/augment.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"

namespace studio {

struct EarlyStopping {
    std::string metric = "val_loss";  // val_loss | val_accuracy: also picks the "best" epoch
    int patience = 0;                 // epochs without improvement before stopping; 0 = off
    float minDelta = 0.0f;            // an improvement must beat the best by more than this

    nlohmann::json toJson() const;
};

/// Knowledge distillation: the loss also follows a saved teacher model's softened predictions
/// (engine/loss/distillation_loss.h). No teacher, or α = 0, is plain training, bit for bit.
struct DistillationConfig {
    std::string teacher;       // path of a .tsmodel; empty = no distillation
    float temperature = 4.0f;  // T > 0: softmax(logits/T) for both models
    float alpha = 0.5f;        // weight of the soft (teacher) term, in [0, 1]

    bool active() const { return !teacher.empty() && alpha > 0.0f; }
    nlohmann::json toJson() const;
};

struct TrainConfig {
    int epochs = 10;
    int batchSize = 64;
    /// Samples per parallel shard. Fixed by the config, never derived from the thread count:
    /// BatchNorm statistics and the gradient sum order depend on it, the thread count must not.
    int shardSize = 32;
    OptimizerConfig optimizer;  // adam by default
    LrSchedule schedule;        // constant 1e-3 by default
    float labelSmoothing = 0.0f;
    EarlyStopping earlyStopping;
    std::uint64_t seed = 1;
    int threads = 0;  // 0 = all cores
    AugmentConfig augment;
    double validationFraction = 0.1;
    double testFraction = 0.1;  // only when the dataset has no official test set
    DistillationConfig distillation;
    /// Layer health (engine/train/layer_health.h) every this many steps and after each epoch's
    /// last step; 0 = off. Reads the weights, never changes them: the result is the same either way.
    int healthEvery = 50;

    /// Every field; keys as above ("batchSize", "earlyStopping": {"metric", ...}).
    nlohmann::json toJson() const;
    /// Missing keys keep their defaults. Unknown keys and bad values are errors naming the option.
    static Result<TrainConfig> fromJson(const nlohmann::json& j);
    /// Range checks with messages naming the option ("'batchSize' is 0 but must be ≥ 1").
    Status validate() const;
};

}  // namespace studio
