#include "engine/optim/sgd.h"

namespace studio {

void SgdOptimizer::prepare(const std::vector<Param*>& params) {
    // First step: b = g (torch clones the gradient), which is μ·0 + g on a zero buffer.
    if (m_mode != Mode::Plain) ensureBuffers(m_velocity, params);
}

void SgdOptimizer::update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t,
                          std::size_t begin, std::size_t end) {
    float* w = param.value.data();
    const float* gd = g.data();
    if (m_mode == Mode::Plain) {
        for (std::size_t e = begin; e < end; ++e) w[e] -= lr * gd[e];
        return;
    }
    const float mu = m_config.momentum;
    float* b = m_velocity[index].data();
    if (m_mode == Mode::Momentum) {
        for (std::size_t e = begin; e < end; ++e) {
            b[e] = mu * b[e] + gd[e];
            w[e] -= lr * b[e];
        }
    } else {
        for (std::size_t e = begin; e < end; ++e) {
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
