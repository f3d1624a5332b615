#pragma once
// Adam and AdamW, as torch.optim.Adam / AdamW (amsgrad off). t is the 1-based step:
//   adamw only:  θ ← θ − lr·λ·θ        (decoupled decay, before the Adam step, where Param::decay)
//   adam only:   g ← g + λ·θ           (L2, applied by the base class, where Param::decay)
//   m ← β1·m + (1−β1)·g
//   v ← β2·v + (1−β2)·g²
//   θ ← θ − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)

#include <vector>

#include "engine/optim/optimizer.h"

namespace studio {

class AdamOptimizer final : public Optimizer {
public:
    AdamOptimizer(OptimizerConfig config, bool decoupled) : Optimizer(std::move(config)), m_decoupled(decoupled) {}

protected:
    void prepare(const std::vector<Param*>& params) override;
    void update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t t, std::size_t begin,
                std::size_t end) override;
    std::vector<Tensor> buffers() const override;
    bool setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) override;
    bool decoupledDecay() const override { return m_decoupled; }

private:
    struct Moments {
        Tensor m, v;  // first and second moment; empty until prepare() sees the parameter trainable
    };
    bool m_decoupled;
    std::vector<Moments> m_state;
};

}  // namespace studio
