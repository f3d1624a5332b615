#include "engine/optim/adam.h"

#include <cmath>

namespace studio {

void AdamOptimizer::prepare(const std::vector<Param*>& params) {
    STUDIO_ASSERT(m_state.empty() || m_state.size() == params.size(), "AdamOptimizer: the parameter list changed");
    m_state.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        Moments& s = m_state[i];
        if (params[i]->trainable && s.m.empty()) {
            s.m = Tensor(params[i]->value.shape());
            s.v = Tensor(params[i]->value.shape());
        }
        STUDIO_ASSERT(s.m.empty() || s.m.size() == params[i]->value.size(), "AdamOptimizer: parameter shape changed");
    }
}

void AdamOptimizer::update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t t,
                           std::size_t begin, std::size_t end) {
    Moments& s = m_state[index];
    float* w = param.value.data();
    const float* gd = g.data();
    float* m = s.m.data();
    float* v = s.v.data();

    const float decay = m_config.weightDecay;
    if (m_decoupled && decay > 0.0f && param.decay) {
        const float keep = 1.0f - lr * decay;  // θ ← θ·(1 − lr·λ), as torch's param.mul_(1 − lr·λ)
        for (std::size_t e = begin; e < end; ++e) w[e] *= keep;
    }

    const double b1 = m_config.beta1, b2 = m_config.beta2;
    const double bias1 = 1.0 - std::pow(b1, static_cast<double>(t));
    const double bias2 = 1.0 - std::pow(b2, static_cast<double>(t));
    const float stepSize = static_cast<float>(lr / bias1);
    const float bias2Sqrt = static_cast<float>(std::sqrt(bias2));
    const float beta1 = m_config.beta1, beta2 = m_config.beta2;
    const float oneMinusB1 = static_cast<float>(1.0 - b1), oneMinusB2 = static_cast<float>(1.0 - b2);
    const float eps = m_config.epsilon;
    for (std::size_t e = begin; e < end; ++e) {
        m[e] = beta1 * m[e] + oneMinusB1 * gd[e];
        v[e] = beta2 * v[e] + oneMinusB2 * gd[e] * gd[e];
        const float denom = std::sqrt(v[e]) / bias2Sqrt + eps;
        w[e] -= stepSize * (m[e] / denom);
    }
}

std::vector<Tensor> AdamOptimizer::buffers() const {
    std::vector<Tensor> out;
    for (const Moments& s : m_state) {
        out.push_back(s.m);
        out.push_back(s.v);
    }
    return out;
}

bool AdamOptimizer::setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) {
    if (!buffers.empty() && buffers.size() != 2 * paramCount) return false;
    m_state.assign(buffers.size() / 2, Moments{});
    for (std::size_t i = 0; i < m_state.size(); ++i) {
        m_state[i].m = std::move(buffers[2 * i]);
        m_state[i].v = std::move(buffers[2 * i + 1]);
    }
    return true;
}

}  // namespace studio
