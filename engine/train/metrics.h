#pragma once
// Training events: what the trainer reports, in the order it happens. One std::variant so a
// single queue carries them all and a consumer handles them with std::visit.
//   RunStarted → (OptionChanged* BatchMetrics* LayerHealth* EpochMetrics)* → Finished | Stopped | Failed
// with TrainingAlerts (engine/train/training_doctor.h) among them, each right after the event
// that raised it (before it when that event ends the run).

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

struct RunStarted {
    int firstEpoch = 1;  // > 1 when the run resumes from a checkpoint
    std::int64_t firstStep = 0;
    int threads = 0;  // the thread budget this session of the run got
    int epochs = 0;
    int stepsPerEpoch = 0;
    int trainSize = 0;
    int validationSize = 0;
    int testSize = 0;
    std::int64_t params = 0;
    std::int64_t flops = 0;  // forward pass of one sample
    std::vector<std::string> classNames;
    std::vector<int> trainClassCounts;  // training samples per class, aligned with classNames
};

struct BatchMetrics {
    int epoch = 0;                  // 1-based
    std::int64_t step = 0;          // optimizer steps so far in the run, 1-based
    int batch = 0;                  // batch within the epoch, 1-based
    double loss = 0.0;              // batch mean
    double accuracy = 0.0;          // batch
    double learningRate = 0.0;      // the rate this step used
    double samplesPerSecond = 0.0;  // this step
};

struct EpochMetrics {
    int epoch = 0;           // 1-based
    double trainLoss = 0.0;  // mean over the epoch's samples, as trained (augmented, dropout on)
    double trainAccuracy = 0.0;
    double validationLoss = 0.0;      // NaN when there is no validation split
    double validationAccuracy = 0.0;  // NaN when there is no validation split
    double learningRate = 0.0;        // at the epoch's last step
    double seconds = 0.0;             // training and validation
    double samplesPerSecond = 0.0;    // training samples per second of training time
};

struct Finished {
    /// Suspended: reached TrainingSetup::stopAfterEpoch before the planned epochs (a sweep's
    /// rung); the run can go on from its checkpoint.
    enum class Reason { Completed, EarlyStopped, Suspended };
    Reason reason = Reason::Completed;
    int epochs = 0;               // epochs run
    int bestEpoch = 0;            // 1-based: the weights kept
    double validationLoss = 0.0;  // at the best epoch
    double validationAccuracy = 0.0;
    double testLoss = 0.0;  // with the best weights; NaN when there is no test set
    double testAccuracy = 0.0;
    int testSize = 0;
    std::vector<std::vector<int>> testConfusion;  // [true][predicted]
    double seconds = 0.0;
    double trainSamplesPerSecond = 0.0;  // over all epochs, training time only
    double healthSeconds = 0.0;          // of `seconds`, measuring layer health (its overhead)

    static const char* reasonText(Reason r) {
        return r == Reason::Completed ? "completed" : r == Reason::EarlyStopped ? "early-stopped" : "suspended";
    }
};

struct Stopped {
    int epoch = 0;          // 1-based epoch that was running
    std::int64_t step = 0;  // optimizer steps taken
};

struct Failed {
    Error error;
};

/// A live edit took effect: from optimizer step `step` on (before it ran), `key` is `value`.
struct OptionChanged {
    std::int64_t step = 0;
    std::string key;
    nlohmann::json value;
};

/// One conv2d or dense layer's health on the fixed probe batch (engine/train/layer_health.h).
struct LayerHealthRow {
    std::string layer;           // "conv2", "dense1": the kind's short name and its 1-based count
    int index = 0;               // the layer's index in the model
    double activationMean = 0.0; // of the block's output: after its activation when one follows
    double activationStd = 0.0;
    double deadFraction = -1.0;  // units (channels, features) that are 0 on every probe sample; -1: no ReLU
    double gradientNorm = 0.0;   // ‖dL/dθ‖₂ of this step's batch gradient (before clipping and decay)
    double updateRatio = 0.0;    // ‖Δweight‖ / ‖weight‖ of this step (healthy around 1e-3)
    double histogramMin = 0.0, histogramMax = 0.0;  // the bins split [min, max] evenly
    std::vector<float> histogram;                   // fraction of the activations per bin (sums to 1)
};

/// Layer health after optimizer step `step`, measured every TrainConfig::healthEvery steps and
/// after each epoch's last step (epochEnd: the ridge plot's rows).
struct LayerHealth {
    int epoch = 0;          // 1-based
    std::int64_t step = 0;  // optimizer steps taken
    bool epochEnd = false;
    std::vector<LayerHealthRow> layers;  // model order
};

/// A plain-language diagnosis from the training doctor (engine/train/training_doctor.h).
struct TrainingAlert {
    std::string kind;        // diverging | stalled | overfitting | dead_units | vanishing_gradients | imbalance
    int epoch = 0;           // 1-based; overfitting: the first epoch whose validation loss rose
    std::int64_t step = 0;   // optimizer steps taken when it was seen (0: before training)
    std::string layer;       // dead_units, vanishing_gradients: the layer named; else empty
    std::string message;     // what is wrong, with the numbers
    std::string suggestion;  // what to try
};

using TrainingEvent = std::variant<RunStarted, BatchMetrics, EpochMetrics, Finished, Stopped, Failed, OptionChanged,
                                   LayerHealth, TrainingAlert>;

/// True for the events that end a run.
inline bool isFinal(const TrainingEvent& e) {
    return std::holds_alternative<Finished>(e) || std::holds_alternative<Stopped>(e) ||
           std::holds_alternative<Failed>(e);
}

}  // namespace studio
