#include "engine/optim/rmsprop.h"

#include <cmath>

namespace studio {

void RmsPropOptimizer::prepare(const std::vector<Param*>& params) {
    STUDIO_ASSERT(m_square.empty() || m_square.size() == params.size(),
                  "RmsPropOptimizer: the parameter list changed");
    m_square.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i]->trainable && m_square[i].empty()) m_square[i] = Tensor(params[i]->value.shape());
        STUDIO_ASSERT(m_square[i].empty() || m_square[i].size() == params[i]->value.size(),
                      "RmsPropOptimizer: parameter shape changed");
    }
}

void RmsPropOptimizer::update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t,
                              std::size_t begin, std::size_t end) {
    Tensor& sq = m_square[index];
    float* w = param.value.data();
    const float* gd = g.data();
    float* v = sq.data();
    const float alpha = m_config.rmsAlpha;
    const float oneMinusAlpha = static_cast<float>(1.0 - static_cast<double>(m_config.rmsAlpha));
    const float eps = m_config.epsilon;
    for (std::size_t e = begin; e < end; ++e) {
        v[e] = alpha * v[e] + oneMinusAlpha * gd[e] * gd[e];
        w[e] -= lr * (gd[e] / (std::sqrt(v[e]) + eps));
    }
}

std::vector<Tensor> RmsPropOptimizer::buffers() const {
    return m_square;
}

bool RmsPropOptimizer::setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) {
    if (!buffers.empty() && buffers.size() != paramCount) return false;
    m_square = std::move(buffers);
    return true;
}

}  // namespace studio
