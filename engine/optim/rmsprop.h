#pragma once
// RMSProp, as torch.optim.RMSprop (not centered, no momentum); ε is outside the square root:
//   v ← α·v + (1−α)·g²
//   θ ← θ − lr · g / (√v + ε)
// g already includes L2 decay λ·θ where the parameter allows it (optimizer.h).

#include <vector>

#include "engine/optim/optimizer.h"

namespace studio {

class RmsPropOptimizer final : public Optimizer {
public:
    explicit RmsPropOptimizer(OptimizerConfig config) : Optimizer(std::move(config)) {}

protected:
    void prepare(const std::vector<Param*>& params) override;
    void update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t t, std::size_t begin,
                std::size_t end) override;
    std::vector<Tensor> buffers() const override;
    bool setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) override;

private:
    std::vector<Tensor> m_square;  // v per parameter; empty until prepare() sees it trainable
};

}  // namespace studio
