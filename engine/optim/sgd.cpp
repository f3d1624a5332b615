#include "engine/optim/sgd.h"

namespace studio {

void SgdOptimizer::prepare(std::size_t paramCount) {
    if (m_mode == Mode::Plain) return;
    STUDIO_ASSERT(m_velocity.empty() || m_velocity.size() == paramCount, "SgdOptimizer: the parameter list changed");
    m_velocity.resize(paramCount);
}

void SgdOptimizer::update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t) {
    float* w = param.value.data();
    const float* gd = g.data();
    const std::size_t n = g.size();
    if (m_mode == Mode::Plain) {
        for (std::size_t e = 0; e < n; ++e) w[e] -= lr * gd[e];
        return;
    }
    Tensor& buf = m_velocity[index];
    const float mu = m_config.momentum;
    if (buf.empty()) {
        // First step: b = g (torch clones the gradient), which is μ·0 + g.
        buf = Tensor(param.value.shape());
        STUDIO_ASSERT(buf.size() == n, "SgdOptimizer: parameter shape changed");
    }
    float* b = buf.data();
    if (m_mode == Mode::Momentum) {
        for (std::size_t e = 0; e < n; ++e) {
            b[e] = mu * b[e] + gd[e];
            w[e] -= lr * b[e];
        }
    } else {
        for (std::size_t e = 0; e < n; ++e) {
            b[e] = mu * b[e] + gd[e];
            w[e] -= lr * (gd[e] + mu * b[e]);
        }
    }
}

std::vector<Tensor> SgdOptimizer::buffers() const {
    return m_velocity;
}

bool SgdOptimizer::setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) {
    if (!buffers.empty() && buffers.size() != paramCount) return false;
    m_velocity = std::move(buffers);
    return true;
}

}  // namespace studio
