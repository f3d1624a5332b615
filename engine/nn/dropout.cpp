#include "engine/nn/dropout.h"

#include <algorithm>

#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> Dropout::create(const nlohmann::json& options, const Shape& input) {
    SpecReader r(options);
    auto l = std::make_unique<Dropout>();
    l->m_rate = r.number("rate", 0.5, 0.0, 1.0);
    if (l->m_rate >= 1.0) {
        r.problem("'rate' is 1 but must be below 1 (a rate of 1 would drop everything)");
        l->m_rate = 0.5;
    }
    if (auto e = r.finish()) return Error::invalid(*e);
    if (shapeSize(input) == 0) return Error::invalid("its input is empty");
    l->m_in = input;
    l->m_out = input;
    return std::unique_ptr<Layer>(std::move(l));
}

void Dropout::forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const {
    y.resize(x.shape());
    if (!ctx.training || m_rate == 0.0) {
        std::copy(x.data(), x.data() + x.size(), y.data());
        return;
    }
    if (scratch.tensors.empty()) scratch.tensors.resize(1);
    Tensor& mask = scratch.tensors[0];
    mask.resize(x.shape());
    const int n = x.dim(0);
    const std::size_t per = x.sampleSize();
    const float rate = static_cast<float>(m_rate);
    const float keep = 1.0f / (1.0f - rate);
    for (int b = 0; b < n; ++b) {
        Rng rng = Rng::forStream(ctx.seed, RngPurpose::Dropout, ctx.step, static_cast<std::uint64_t>(ctx.layerIndex),
                                 static_cast<std::uint64_t>(ctx.sampleOffset + b));
        float* m = mask.sample(b);
        const float* in = x.sample(b);
        float* out = y.sample(b);
        for (std::size_t i = 0; i < per; ++i) {
            m[i] = rng.uniform() < rate ? 0.0f : keep;
            out[i] = in[i] * m[i];
        }
    }
}

void Dropout::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor>,
                       LayerScratch& scratch, const RunContext& ctx) const {
    if (!dx) return;
    dx->resize(x.shape());
    if (!ctx.training || m_rate == 0.0) {
        std::copy(dy.data(), dy.data() + dy.size(), dx->data());
        return;
    }
    STUDIO_ASSERT(!scratch.tensors.empty() && scratch.tensors[0].size() == dy.size(), "Dropout: backward without forward");
    const float* m = scratch.tensors[0].data();
    const float* g = dy.data();
    float* d = dx->data();
    for (std::size_t i = 0; i < dy.size(); ++i) d[i] = g[i] * m[i];
}

}  // namespace studio
