#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// BatchNorm: y = γ·(x − μ)/√(σ² + ε) + β, per feature for x:(N,F), per channel for x:(N,C,H,W).
//   Params: gamma, beta (C) trainable, no weight decay; running_mean, running_var (C) statistics.
//
// Training: μ, σ² (biased) are the statistics of this *shard* (M = N·H·W values per channel).
// The trainer splits every batch into shards of a fixed size, so this is "ghost batch norm"
// with ghost batch = shard size: the result does not depend on the number of threads, and it
// regularizes a little more than full-batch statistics would.
// backward() adds this shard's μ and σ² into the running_mean / running_var slots;
// updateStatistics(summed, shards) then sets running = (1 − momentum)·running + momentum·summed/shards.
// Inference (ctx.training false): μ, σ² are the running statistics.
class BatchNorm final : public Layer {
public:
    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input,
                                                 ParamStorage storage = ParamStorage::Allocate);

    std::string kind() const override { return "batchnorm"; }
    nlohmann::json options() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<BatchNorm>(*this); }
    void initialize(Rng& rng) override;
    /// Normalize, scale and shift: about 2 multiply-adds per value.
    std::int64_t flops() const override { return 4ll * static_cast<std::int64_t>(shapeSize(m_in)); }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    // x̂ = (x − μ)/σ:  dγ += Σ dy·x̂,  dβ += Σ dy,
    // dx = γ/σ·(dy − Σdy/M − x̂·Σ(dy·x̂)/M) in training, γ/σ·dy in inference.
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;
    void updateStatistics(std::span<const Tensor> summed, int shards) override;

    float momentum() const { return m_momentum; }
    float epsilon() const { return m_epsilon; }

private:
    int m_channels = 0;
    int m_plane = 1;   // H·W for images, 1 for feature vectors
    float m_momentum = 0.1f;
    float m_epsilon = 1e-5f;
};

}  // namespace studio
