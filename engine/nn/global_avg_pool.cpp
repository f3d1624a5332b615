#include "engine/nn/global_avg_pool.h"

#include <algorithm>

#include <Eigen/Core>

#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> GlobalAvgPool::create(const nlohmann::json& options, const Shape& input) {
    SpecReader r(options);
    if (auto e = r.finish()) return Error::invalid(*e);
    if (auto problem = imageInputProblem(input)) return Error::invalid(*problem);
    auto l = std::make_unique<GlobalAvgPool>();
    l->m_in = input;
    l->m_out = {input[0]};
    return std::unique_ptr<Layer>(std::move(l));
}

void GlobalAvgPool::forward(const Tensor& x, Tensor& y, LayerScratch&, const RunContext&) const {
    const int n = x.dim(0), c = m_in[0], plane = m_in[1] * m_in[2];
    STUDIO_ASSERT(x.sampleSize() == shapeSize(m_in), "GlobalAvgPool: input shape mismatch");
    y.resize({n, c});
    const float inv = 1.0f / static_cast<float>(plane);
    for (int b = 0; b < n; ++b)
        for (int ch = 0; ch < c; ++ch)
            y.sample(b)[ch] =
                Eigen::Map<const Eigen::VectorXf>(x.sample(b) + static_cast<std::size_t>(ch) * plane, plane).sum() * inv;
}

void GlobalAvgPool::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor>,
                             LayerScratch&, const RunContext&) const {
    if (!dx) return;
    const int n = x.dim(0), c = m_in[0], plane = m_in[1] * m_in[2];
    dx->resize(x.shape());
    const float inv = 1.0f / static_cast<float>(plane);
    for (int b = 0; b < n; ++b)
        for (int ch = 0; ch < c; ++ch) {
            float* d = dx->sample(b) + static_cast<std::size_t>(ch) * plane;
            std::fill(d, d + plane, dy.sample(b)[ch] * inv);
        }
}

}  // namespace studio
