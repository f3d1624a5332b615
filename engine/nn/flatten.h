#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// Flatten: (N, C, H, W) → (N, C·H·W). The memory is already laid out that way: a copy.
class Flatten final : public Layer {
public:
    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input);
    std::string kind() const override { return "flatten"; }
    nlohmann::json options() const override { return nlohmann::json::object(); }
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Flatten>(*this); }
    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;
};

}  // namespace studio
