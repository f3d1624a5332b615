#pragma once
// Layer: one forward/backward pair over a shard of samples (STYLE.md §1, §8).
// Layers are immutable during a step: every per-shard thing (activations, masks, im2col
// buffers, gradients) lives in the caller's Workspace, so shards run concurrently on one model.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/rng.h"
#include "engine/core/tensor.h"

namespace studio {

/// Whether a layer factory allocates its parameters. ShapesOnly serves validation and counting
/// (analyzeSpec): every Param has its shape but no storage, so checking a spec that asks for
/// 200 M weights costs nothing. Such a layer is for reading shapes and counts, never for running.
enum class ParamStorage { Allocate, ShapesOnly };

inline Tensor paramTensor(Shape shape, float value, ParamStorage storage) {
    return storage == ParamStorage::Allocate ? Tensor(std::move(shape), value) : Tensor::shapeOnly(std::move(shape));
}

struct Param {
    std::string name;        // "weight", "bias", "gamma", "running_mean", ...
    Tensor value;            // no batch dimension
    bool trainable = true;   // false: a statistic (BatchNorm running mean/var), see updateStatistics
    bool decay = true;       // L2 / decoupled weight decay applies (weights yes, biases and BN no)
};

/// What a layer prepares once and reuses across calls (Conv2D: its oneDNN primitives).
class KernelCache {
public:
    virtual ~KernelCache() = default;
};

/// Per-layer, per-shard memory that survives from forward to backward.
struct LayerScratch {
    std::vector<Tensor> tensors;
    std::vector<std::int32_t> indices;
    std::unique_ptr<KernelCache> cache;  // one workspace's own: never shared between threads
};

/// What a forward/backward call needs to know besides the data.
struct RunContext {
    bool training = false;
    std::uint64_t seed = 1;       // the run's seed (dropout streams)
    std::uint64_t step = 0;       // optimizer step (dropout streams)
    int layerIndex = 0;           // set by Model for each layer
    std::int64_t sampleOffset = 0;// batch position of the shard's first sample (dropout streams)
};

class Layer {
public:
    virtual ~Layer() = default;

    /// Registry name, as in the spec JSON: "dense", "conv2d", "relu", ...
    virtual std::string kind() const = 0;
    /// The layer's options exactly as the spec gives them (without "type").
    virtual nlohmann::json options() const = 0;
    virtual std::unique_ptr<Layer> clone() const = 0;

    /// Per-sample shapes, fixed at construction.
    const Shape& inputShape() const { return m_in; }
    const Shape& outputShape() const { return m_out; }

    std::vector<Param>& params() { return m_params; }
    const std::vector<Param>& params() const { return m_params; }
    std::int64_t paramCount() const;
    /// Every parameter value, statistics (BatchNorm running mean/var) included: what a model
    /// file stores for this layer.
    std::int64_t storedValueCount() const;

    /// Initializes parameters (He or Glorot) from the given stream. Default: nothing to do.
    virtual void initialize(Rng& rng);
    /// Floating-point operations of one sample's forward pass (a multiply-add counts 2).
    virtual std::int64_t flops() const { return 0; }

    /// x:(N, in...) → y:(N, out...); y is resized by the layer.
    /// Threads: may run concurrently on different shards; touches only y and scratch.
    virtual void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const = 0;

    /// Requires: forward() ran on this x with this scratch.
    /// Ensures:  dx (if non-null) overwritten with dL/dx, resized to x's shape;
    ///           grads[i] += dL/dparams()[i] for trainable params. For a non-trainable param
    ///           (a statistic) grads[i] += this shard's contribution, later combined by
    ///           updateStatistics(). grads is aligned with params().
    virtual void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx,
                          std::span<Tensor> grads, LayerScratch& scratch, const RunContext& ctx) const = 0;

    /// After a step: `summed` holds the shard-order sum of the statistic slots over `shards`
    /// shards (aligned with params(); only non-trainable entries are meaningful).
    virtual void updateStatistics(std::span<const Tensor> summed, int shards) { (void)summed; (void)shards; }

protected:
    Shape m_in;
    Shape m_out;
    std::vector<Param> m_params;
};

}  // namespace studio
