#pragma once
// Model: a validated sequence of layers built from a ModelSpec. Parameters live here;
// everything per shard (activations, scratch, gradients) lives in a Workspace, so several
// shards run forward/backward concurrently on one const Model.

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/core/result.h"
#include "engine/nn/layer.h"
#include "engine/nn/model_spec.h"

namespace studio {

class Model;

/// Per-shard memory: activations, backward buffers, layer scratch and gradient accumulators.
class Workspace {
public:
    explicit Workspace(const Model& model);
    Tensor& input() { return m_acts.front(); }
    const Tensor& output() const { return m_acts.back(); }
    /// Layer i's output:(N, out...) as the last forward() left it (layer health reads it).
    const Tensor& layerOutput(int i) const { return m_acts[static_cast<std::size_t>(i) + 1]; }
    /// Aligned with Model::params(): trainable entries are dL/dθ (+=), others statistic slots.
    std::vector<Tensor>& grads() { return m_grads; }
    const std::vector<Tensor>& grads() const { return m_grads; }
    void zeroGrads();

private:
    friend class Model;
    std::vector<Tensor> m_acts;        // m_acts[0] input, m_acts[i+1] output of layer i
    Tensor m_dA, m_dB;                 // ping-pong dL/d(activation)
    std::vector<LayerScratch> m_scratch;
    std::vector<Tensor> m_grads;
};

class Model {
public:
    /// Validates (analyzeSpec) and builds; the error lists every problem.
    static Result<Model> build(const ModelSpec& spec);

    Model(const Model& other);
    Model& operator=(const Model& other);
    Model(Model&&) noexcept = default;
    Model& operator=(Model&&) noexcept = default;

    const ModelSpec& spec() const { return m_spec; }
    const Shape& inputShape() const { return m_spec.input; }
    int outputSize() const;
    int layerCount() const { return static_cast<int>(m_layers.size()); }
    Layer& layer(int i) { return *m_layers[static_cast<std::size_t>(i)]; }
    const Layer& layer(int i) const { return *m_layers[static_cast<std::size_t>(i)]; }

    /// He/Glorot initialization from the seed: layer i draws from stream (seed, Init, i).
    void initialize(std::uint64_t seed);
    std::int64_t paramCount() const;
    std::int64_t flops() const;

    /// Every parameter in order (layer by layer); Workspace::grads() is aligned with this.
    std::vector<Param*> params();
    std::vector<const Param*> params() const;

    /// ws.input():(N, input...) → ws.output():(N, outputSize).
    void forward(Workspace& ws, const RunContext& ctx) const;
    /// Requires: forward(ws, ctx) ran. dOut:(N, outputSize). Ensures: ws.grads() += gradients.
    /// dInput (optional, for saliency maps): overwritten with dL/dx:(N, input...). Training
    /// passes null, and the first layer then skips computing its dx as before.
    void backward(Workspace& ws, const Tensor& dOut, const RunContext& ctx, Tensor* dInput = nullptr) const;
    /// Combines statistic slots (BatchNorm running stats) summed over `shards` shards.
    void updateStatistics(const std::vector<Tensor>& summed, int shards);

    /// Convenience for inference: x:(N, input...) → logits (N, outputSize), training off.
    void predictLogits(const Tensor& x, Tensor& logits) const;

private:
    Model() = default;
    friend class Workspace;
    ModelSpec m_spec;
    std::vector<std::unique_ptr<Layer>> m_layers;
    std::vector<std::size_t> m_paramOffset;   // first index into params() for each layer
};

}  // namespace studio
