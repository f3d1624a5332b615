#include "engine/optim/sgd.h"

namespace studio {

void SgdOptimizer::prepare(const std::vector<Param*>& params) {
    if (m_mode == Mode::Plain) return;
    STUDIO_ASSERT(m_velocity.empty() || m_velocity.size() == params.size(),
                  "SgdOptimizer: the parameter list changed");
    m_velocity.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        // First step: b = g (torch clones the gradient), which is μ·0 + g on a zero buffer.
        if (params[i]->trainable && m_velocity[i].empty()) m_velocity[i] = Tensor(params[i]->value.shape());
        STUDIO_ASSERT(m_velocity[i].empty() || m_velocity[i].size() == params[i]->value.size(),
                      "SgdOptimizer: parameter shape changed");
    }
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
