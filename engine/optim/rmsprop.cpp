#include "engine/optim/rmsprop.h"

#include <cmath>

namespace studio {

void RmsPropOptimizer::prepare(const std::vector<Param*>& params) {
    ensureBuffers(m_square, params);
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
