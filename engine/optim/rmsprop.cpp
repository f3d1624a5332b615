#include "engine/optim/rmsprop.h"

#include <cmath>

namespace studio {

void RmsPropOptimizer::prepare(std::size_t paramCount) {
    STUDIO_ASSERT(m_square.empty() || m_square.size() == paramCount, "RmsPropOptimizer: the parameter list changed");
    m_square.resize(paramCount);
}

void RmsPropOptimizer::update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t) {
    Tensor& sq = m_square[index];
    if (sq.empty()) sq = Tensor(param.value.shape());
    const std::size_t n = g.size();
    STUDIO_ASSERT(sq.size() == n, "RmsPropOptimizer: parameter shape changed");
    float* w = param.value.data();
    const float* gd = g.data();
    float* v = sq.data();
    const float alpha = m_config.rmsAlpha;
    const float oneMinusAlpha = static_cast<float>(1.0 - static_cast<double>(m_config.rmsAlpha));
    const float eps = m_config.epsilon;
    for (std::size_t e = 0; e < n; ++e) {
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
