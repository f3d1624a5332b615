#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// Dense: y = x·Wᵀ + b      x:(N,In) (any per-sample shape, read flat)  W:(Out,In)  b:(Out)  y:(N,Out)
class Dense final : public Layer {
public:
    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input,
                                                 ParamStorage storage = ParamStorage::Allocate);

    std::string kind() const override { return "dense"; }
    nlohmann::json options() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Dense>(*this); }
    void initialize(Rng& rng) override;
    std::int64_t flops() const override { return 2ll * m_inFeatures * m_units; }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    // dy:(N,Out) → dx:(N,In) overwritten;  dW, db accumulated (+=)
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;

private:
    int m_inFeatures = 0;
    int m_units = 0;
    bool m_bias = true;
    std::string m_init = "he";
};

}  // namespace studio
