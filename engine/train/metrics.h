#pragma once
// Training events: what the trainer reports, in the order it happens. One std::variant so a
// single queue carries them all and a consumer handles them with std::visit.
//   RunStarted → (OptionChanged* BatchMetrics* EpochMetrics)* → Finished | Stopped | Failed

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

using TrainingEvent = std::variant<RunStarted, BatchMetrics, EpochMetrics, Finished, Stopped, Failed, OptionChanged>;

/// True for the events that end a run.
inline bool isFinal(const TrainingEvent& e) {
    return std::holds_alternative<Finished>(e) || std::holds_alternative<Stopped>(e) ||
           std::holds_alternative<Failed>(e);
}

}  // namespace studio
