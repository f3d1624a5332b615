#pragma once
// What training and inference cost, side by side — the first lesson's "training builds,
// inference applies": the run's epochs, seconds, samples and training FLOPs against one image's
// latency, the throughput at batch 1 and 256, and the FLOPs per image, with their ratios.

#include <cstdint>

#include "engine/core/result.h"
#include "engine/deploy/inference_bench.h"

namespace studio {

struct TrainingCost {
    int epochs = 0;
    double seconds = 0.0;               // wall time of the run's epochs
    std::int64_t samplesTrained = 0;    // training samples seen, over all epochs
    std::int64_t forwardFlops = 0;      // one sample's forward pass
    /// Forward + backward ≈ 3 forward passes a sample (the backward pass computes two products
    /// per layer: the input's gradient and the weights').
    double flops() const { return 3.0 * double(forwardFlops) * double(samplesTrained); }
    double samplesPerSecond() const { return seconds > 0 ? double(samplesTrained) / seconds : 0.0; }
};

struct InferenceCost {
    double latencyUs = 0.0;          // one image alone (batch 1, all threads)
    double perSecondBatch1 = 0.0;    // images per second, one at a time
    double perSecondBatch256 = 0.0;  // images per second in batches of 256
    std::int64_t flopsPerImage = 0;  // one forward pass
};

struct LifeCycleCosts {
    TrainingCost training;
    InferenceCost inference;
    /// How many images the run's training FLOPs would classify.
    double imagesPerTraining() const {
        return inference.flopsPerImage > 0 ? training.flops() / double(inference.flopsPerImage) : 0.0;
    }
    /// How many times one image's latency fits in the training's wall time.
    double latenciesPerTraining() const {
        return inference.latencyUs > 0 ? training.seconds * 1e6 / inference.latencyUs : 0.0;
    }
};

/// The inference half measured on `snapshot` (batch 1 and 256 on all threads, medians).
/// Errors: the benchmark's (a model that cannot run).
Result<InferenceCost> measureInferenceCost(const ModelSnapshot& snapshot, std::int64_t flopsPerImage);

}  // namespace studio
