#include "engine/nn/batchnorm.h"

#include <cmath>

#include <Eigen/Core>

#include "engine/nn/spec_reader.h"

namespace studio {

namespace {
using ConstVec = Eigen::Map<const Eigen::ArrayXf>;
using Vec = Eigen::Map<Eigen::ArrayXf>;
enum Slot { Gamma = 0, Beta = 1, RunningMean = 2, RunningVar = 3 };
enum ScratchSlot { Mean = 0, InvStd = 1, Var = 2 };
}  // namespace

Result<std::unique_ptr<Layer>> BatchNorm::create(const nlohmann::json& options, const Shape& input,
                                                 ParamStorage storage) {
    SpecReader r(options);
    auto l = std::make_unique<BatchNorm>();
    l->m_momentum = static_cast<float>(r.number("momentum", 0.1, 0.0, 1.0));
    l->m_epsilon = static_cast<float>(r.number("epsilon", 1e-5, 1e-12, 1.0));
    if (auto e = r.finish()) return Error::invalid(*e);
    if (input.size() == 1) {
        l->m_channels = input[0];
        l->m_plane = 1;
    } else if (input.size() == 3) {
        l->m_channels = input[0];
        l->m_plane = input[1] * input[2];
    } else {
        return Error::invalid("needs features (F) or an image (C×H×W) but gets a " + shapeToString(input) + " input");
    }
    if (shapeSize(input) == 0) return Error::invalid("its input is empty");
    l->m_in = input;
    l->m_out = input;
    const int c = l->m_channels;
    l->m_params.push_back({"gamma", paramTensor({c}, 1.0f, storage), true, false});
    l->m_params.push_back({"beta", paramTensor({c}, 0.0f, storage), true, false});
    l->m_params.push_back({"running_mean", paramTensor({c}, 0.0f, storage), false, false});
    l->m_params.push_back({"running_var", paramTensor({c}, 1.0f, storage), false, false});
    return std::unique_ptr<Layer>(std::move(l));
}

nlohmann::json BatchNorm::options() const {
    nlohmann::json o = nlohmann::json::object();
    if (m_momentum != 0.1f) o["momentum"] = m_momentum;
    if (m_epsilon != 1e-5f) o["epsilon"] = m_epsilon;
    return o;
}

void BatchNorm::initialize(Rng&) {
    m_params[Gamma].value.fill(1.0f);
    m_params[Beta].value.fill(0.0f);
    m_params[RunningMean].value.fill(0.0f);
    m_params[RunningVar].value.fill(1.0f);
}

void BatchNorm::forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const {
    const int n = x.dim(0), c = m_channels, plane = m_plane;
    STUDIO_ASSERT(x.sampleSize() == shapeSize(m_in), "BatchNorm: input shape mismatch");
    y.resize(x.shape());
    if (scratch.tensors.size() < 3) scratch.tensors.resize(3);
    Tensor& mean = scratch.tensors[Mean];
    Tensor& invStd = scratch.tensors[InvStd];
    Tensor& var = scratch.tensors[Var];
    mean.resize({c});
    invStd.resize({c});
    var.resize({c});
    if (ctx.training) {
        // Two passes per channel, plane sums in float (vectorized), totals in double.
        const double count = static_cast<double>(n) * plane;
        for (int ch = 0; ch < c; ++ch) {
            double s = 0.0;
            for (int b = 0; b < n; ++b)
                s += ConstVec(x.sample(b) + static_cast<std::size_t>(ch) * plane, plane).sum();
            const float mu = static_cast<float>(s / count);
            double q = 0.0;
            for (int b = 0; b < n; ++b)
                q += (ConstVec(x.sample(b) + static_cast<std::size_t>(ch) * plane, plane) - mu).square().sum();
            mean[static_cast<std::size_t>(ch)] = mu;
            var[static_cast<std::size_t>(ch)] = static_cast<float>(q / count);
        }
    } else {
        for (int ch = 0; ch < c; ++ch) {
            mean[static_cast<std::size_t>(ch)] = m_params[RunningMean].value[static_cast<std::size_t>(ch)];
            var[static_cast<std::size_t>(ch)] = m_params[RunningVar].value[static_cast<std::size_t>(ch)];
        }
    }
    for (int ch = 0; ch < c; ++ch)
        invStd[static_cast<std::size_t>(ch)] = 1.0f / std::sqrt(var[static_cast<std::size_t>(ch)] + m_epsilon);
    // y = a·x + shift with a = γ/σ, shift = β − μ·a
    for (int ch = 0; ch < c; ++ch) {
        const auto i = static_cast<std::size_t>(ch);
        const float a = m_params[Gamma].value[i] * invStd[i];
        const float shift = m_params[Beta].value[i] - mean[i] * a;
        for (int b = 0; b < n; ++b) {
            const std::size_t off = static_cast<std::size_t>(ch) * plane;
            Vec(y.sample(b) + off, plane) = ConstVec(x.sample(b) + off, plane) * a + shift;
        }
    }
}

void BatchNorm::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                         LayerScratch& scratch, const RunContext& ctx) const {
    const int n = x.dim(0), c = m_channels, plane = m_plane;
    STUDIO_ASSERT(scratch.tensors.size() >= 3, "BatchNorm: backward without forward");
    const Tensor& mean = scratch.tensors[Mean];
    const Tensor& invStd = scratch.tensors[InvStd];
    if (dx) dx->resize(x.shape());
    const double count = static_cast<double>(n) * plane;
    for (int ch = 0; ch < c; ++ch) {
        const auto i = static_cast<std::size_t>(ch);
        const std::size_t off = i * static_cast<std::size_t>(plane);
        const float mu = mean[i], is = invStd[i];
        double sumDy = 0.0, sumDyXhat = 0.0;
        for (int b = 0; b < n; ++b) {
            const ConstVec g(dy.sample(b) + off, plane);
            const ConstVec xv(x.sample(b) + off, plane);
            sumDy += g.sum();
            sumDyXhat += (g * ((xv - mu) * is)).sum();
        }
        grads[Gamma][i] += static_cast<float>(sumDyXhat);
        grads[Beta][i] += static_cast<float>(sumDy);
        if (ctx.training) {
            grads[RunningMean][i] += mu;
            grads[RunningVar][i] += scratch.tensors[Var][i];
        }
        if (!dx) continue;
        const float scale = m_params[Gamma].value[i] * is;
        if (ctx.training) {
            const float meanDy = static_cast<float>(sumDy / count);
            const float meanDyXhat = static_cast<float>(sumDyXhat / count);
            for (int b = 0; b < n; ++b) {
                const ConstVec g(dy.sample(b) + off, plane);
                const ConstVec xv(x.sample(b) + off, plane);
                Vec(dx->sample(b) + off, plane) = scale * (g - meanDy - ((xv - mu) * is) * meanDyXhat);
            }
        } else {
            for (int b = 0; b < n; ++b)
                Vec(dx->sample(b) + off, plane) = scale * ConstVec(dy.sample(b) + off, plane);
        }
    }
}

void BatchNorm::updateStatistics(std::span<const Tensor> summed, int shards) {
    STUDIO_ASSERT(shards > 0 && summed.size() == m_params.size(), "BatchNorm: bad statistics");
    const float m = m_momentum;
    const float inv = 1.0f / static_cast<float>(shards);
    for (int slot : {RunningMean, RunningVar}) {
        Tensor& running = m_params[static_cast<std::size_t>(slot)].value;
        const Tensor& sum = summed[static_cast<std::size_t>(slot)];
        for (std::size_t i = 0; i < running.size(); ++i) running[i] = (1.0f - m) * running[i] + m * (sum[i] * inv);
    }
}

}  // namespace studio
