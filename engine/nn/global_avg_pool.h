#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// GlobalAvgPool: the mean of each channel.   x:(N,C,H,W) → y:(N,C)
// backward: dx[n,c,:,:] = dy[n,c] / (H·W)
class GlobalAvgPool final : public Layer {
public:
    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input);

    std::string kind() const override { return "globalavgpool"; }
    nlohmann::json options() const override { return nlohmann::json::object(); }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<GlobalAvgPool>(*this); }
    std::int64_t flops() const override { return static_cast<std::int64_t>(shapeSize(m_in)); }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;
};

}  // namespace studio
