#pragma once
// Layer health: how each conv2d and dense layer is doing, measured on a fixed probe batch on a
// sampled schedule (every TrainConfig::healthEvery steps and after each epoch's last step).
//
//   block of layer i   i, then any batchnorm/dropout, then at most one activation; the block's
//                      output is "the activation" below (post-ReLU for conv → bn → relu)
//   activation mean/std  over every value of the block's output on the probe batch
//   dead fraction      units (channels of a map, features of a vector) whose ReLU output is 0
//                      for every probe sample at every position; -1 when the block has no ReLU
//   gradient norm      ‖dL/dθ‖₂ over the layer's trainable parameters, the step's batch gradient
//                      as summed over shards, before the optimizer clips or decays it
//   update ratio       ‖w_after − w_before‖₂ / ‖w_before‖₂ of the layer's weight in this step
//   histogram          kHistogramBins bins over [min, max] of the block's output (ridge plot)
//
// The probe goes through the model in inference mode (dropout off, BatchNorm running
// statistics) in workspaces that are free between steps, like the validation pass: nothing
// here writes a weight, a statistic or an RNG stream, so the weights are the same with layer
// health on or off (tests/engine/tst_layer_health).

#include <cstdint>
#include <string>
#include <vector>

#include "engine/nn/model.h"
#include "engine/train/metrics.h"

namespace studio {

/// A conv2d or dense layer and where its health is read.
struct HealthLayer {
    std::string name;            // "conv1", "dense2"
    int layer = 0;               // index in the model
    int block = 0;               // index of the layer whose output is read
    bool relu = false;           // the block ends in a ReLU: dead units are counted
    std::size_t firstParam = 0;  // into Model::params()
    std::size_t paramCount = 0;
    std::size_t weightParam = 0;  // into Model::params(): the layer's "weight"
};
std::vector<HealthLayer> healthLayers(const Model& model);

/// Up to `size` samples of the training split spread evenly over it (fixed for the run).
std::vector<int> probeSamples(const std::vector<int>& train, int size);

class LayerHealthMonitor {
public:
    static constexpr int kProbeSize = 128;
    static constexpr int kHistogramBins = 32;
    static constexpr std::size_t kHistogramValues = 8192;  // per layer: a strided subsample

    LayerHealthMonitor(const Model& model, const std::vector<int>& train, int every);

    const std::vector<int>& probe() const { return m_probe; }
    const std::vector<HealthLayer>& layers() const { return m_layers; }
    /// Whether the step that makes `stepsTaken` steps is measured.
    bool due(std::int64_t stepsTaken, bool lastOfEpoch) const;

    /// Before the optimizer changes them (clipping, decay): the step's summed gradients.
    void captureGradients(const std::vector<Tensor>& summed);
    /// The probe after an inference forward into `ws`, whose rows are probe samples
    /// [firstSample, firstSample + rows). Shards with disjoint samples may be added from
    /// different threads at once, in any order: every sum is taken in probe order in finish(),
    /// so the numbers do not depend on the split or the thread count.
    void begin();
    void addShard(const Workspace& ws, std::size_t firstSample);
    /// `before`: the weights before the step (aligned with params).
    LayerHealth finish(int epoch, std::int64_t step, bool epochEnd, const std::vector<Param*>& params,
                       const std::vector<Tensor>& before);

private:
    // Per layer, one slot per probe sample (or value), so shards write disjoint slots.
    struct Accumulator {
        std::vector<double> sum, sumSquares;  // per sample
        std::vector<float> min, max;          // per sample, finite values only (+inf/-inf: none)
        std::vector<char> alive;              // per sample and unit: > 0 somewhere
        std::vector<float> values;            // every stride-th value of the probe, NaN if not finite
        std::size_t stride = 1;
    };

    std::vector<HealthLayer> m_layers;
    std::vector<std::size_t> m_units;      // per layer: channels or features of the block's output
    std::vector<std::size_t> m_perSample;  // per layer: values of the block's output per sample
    std::vector<int> m_probe;
    int m_every = 0;
    std::vector<double> m_gradientNorms;
    std::vector<Accumulator> m_acc;
    std::vector<char> m_filled;  // per probe sample: added
};

}  // namespace studio
