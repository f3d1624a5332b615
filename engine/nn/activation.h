#pragma once
// Element-wise activations: y = f(x), dx = dy ⊙ f'(x) (from x or y, whichever is cheaper).
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

class Activation final : public Layer {
public:
    enum class Function { ReLU, LeakyReLU, ELU, GELU, Tanh, Sigmoid };
    static Result<std::unique_ptr<Layer>> create(Function f, const nlohmann::json& options, const Shape& input);

    std::string kind() const override;
    nlohmann::json options() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Activation>(*this); }
    std::int64_t flops() const override { return static_cast<std::int64_t>(shapeSize(m_in)); }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;

private:
    Function m_function = Function::ReLU;
    float m_alpha = 0.0f;  // LeakyReLU slope / ELU alpha
};

}  // namespace studio
