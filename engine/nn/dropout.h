#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// Dropout (inverted): in training y = x·m with m = 1/(1−rate) kept, 0 dropped; identity otherwise.
//   x:(N, ...) → y:(N, ...)   the mask (as the factor m) is kept in scratch.tensors[0].
// Sample n's mask comes from stream (seed, Dropout, step, layerIndex, sampleOffset + n): the same
// batch position gets the same mask whichever shard or thread computes it.
class Dropout final : public Layer {
public:
    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input);

    std::string kind() const override { return "dropout"; }
    nlohmann::json options() const override { return {{"rate", m_rate}}; }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Dropout>(*this); }
    std::int64_t flops() const override { return static_cast<std::int64_t>(shapeSize(m_in)); }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    // dx = dy·m (training), dy (inference)
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;

    double rate() const { return m_rate; }

private:
    double m_rate = 0.5;
};

}  // namespace studio
