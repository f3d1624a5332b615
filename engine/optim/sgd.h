#pragma once
// SGD in its three forms, as torch.optim.SGD (dampening 0):
//   sgd        θ ← θ − lr·g
//   momentum   b ← μ·b + g   (b = g on the first step);   θ ← θ − lr·b          (heavy ball)
//   nesterov   b ← μ·b + g   (b = g on the first step);   θ ← θ − lr·(g + μ·b)
// g already includes L2 decay λ·θ where the parameter allows it (optimizer.h).

#include <vector>

#include "engine/optim/optimizer.h"

namespace studio {

class SgdOptimizer final : public Optimizer {
public:
    enum class Mode { Plain, Momentum, Nesterov };
    SgdOptimizer(OptimizerConfig config, Mode mode) : Optimizer(std::move(config)), m_mode(mode) {}

protected:
    void prepare(const std::vector<Param*>& params) override;
    void update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t t, std::size_t begin,
                std::size_t end) override;
    std::vector<Tensor> buffers() const override;
    bool setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) override;

private:
    Mode m_mode;
    std::vector<Tensor> m_velocity;  // b per parameter; empty until prepare() sees it trainable
};

}  // namespace studio
