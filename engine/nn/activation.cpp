#include "engine/nn/activation.h"

#include <cmath>

#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> Activation::create(Function f, const nlohmann::json& options, const Shape& input) {
    SpecReader r(options);
    auto a = std::make_unique<Activation>();
    a->m_function = f;
    if (f == Function::LeakyReLU) a->m_alpha = static_cast<float>(r.number("alpha", 0.01, 0.0, 1.0));
    if (f == Function::ELU) a->m_alpha = static_cast<float>(r.number("alpha", 1.0, 0.0, 10.0));
    if (auto e = r.finish()) return Error::invalid(*e);
    if (shapeSize(input) == 0) return Error::invalid("its input is empty");
    a->m_in = input;
    a->m_out = input;
    return std::unique_ptr<Layer>(std::move(a));
}

std::string Activation::kind() const {
    switch (m_function) {
        case Function::ReLU: return "relu";
        case Function::LeakyReLU: return "leakyrelu";
        case Function::ELU: return "elu";
        case Function::GELU: return "gelu";
        case Function::Tanh: return "tanh";
        case Function::Sigmoid: return "sigmoid";
    }
    return "relu";
}

nlohmann::json Activation::options() const {
    if (m_function == Function::LeakyReLU || m_function == Function::ELU) return {{"alpha", m_alpha}};
    return nlohmann::json::object();
}

namespace {
constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kGeluC = 0.044715f;
}  // namespace

void Activation::forward(const Tensor& x, Tensor& y, LayerScratch&, const RunContext&) const {
    y.resize(x.shape());
    const float* in = x.data();
    float* out = y.data();
    const std::size_t n = x.size();
    const float a = m_alpha;
    switch (m_function) {
        case Function::ReLU:
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : 0.0f;
            break;
        case Function::LeakyReLU:
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : a * in[i];
            break;
        case Function::ELU:
            for (std::size_t i = 0; i < n; ++i) out[i] = in[i] > 0.0f ? in[i] : a * std::expm1(in[i]);
            break;
        case Function::GELU:  // tanh approximation, as PyTorch's approximate='tanh'
            for (std::size_t i = 0; i < n; ++i) {
                const float v = in[i];
                out[i] = 0.5f * v * (1.0f + std::tanh(kSqrt2OverPi * (v + kGeluC * v * v * v)));
            }
            break;
        case Function::Tanh:
            for (std::size_t i = 0; i < n; ++i) out[i] = std::tanh(in[i]);
            break;
        case Function::Sigmoid:
            for (std::size_t i = 0; i < n; ++i) out[i] = 1.0f / (1.0f + std::exp(-in[i]));
            break;
    }
}

void Activation::backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor>,
                          LayerScratch&, const RunContext&) const {
    if (!dx) return;
    dx->resize(x.shape());
    const float* in = x.data();
    const float* out = y.data();
    const float* g = dy.data();
    float* d = dx->data();
    const std::size_t n = x.size();
    const float a = m_alpha;
    switch (m_function) {
        case Function::ReLU:
            for (std::size_t i = 0; i < n; ++i) d[i] = in[i] > 0.0f ? g[i] : 0.0f;
            break;
        case Function::LeakyReLU:
            for (std::size_t i = 0; i < n; ++i) d[i] = in[i] > 0.0f ? g[i] : a * g[i];
            break;
        case Function::ELU:
            for (std::size_t i = 0; i < n; ++i) d[i] = in[i] > 0.0f ? g[i] : g[i] * (out[i] + a);
            break;
        case Function::GELU:
            for (std::size_t i = 0; i < n; ++i) {
                const float v = in[i];
                const float u = kSqrt2OverPi * (v + kGeluC * v * v * v);
                const float t = std::tanh(u);
                const float du = kSqrt2OverPi * (1.0f + 3.0f * kGeluC * v * v);
                d[i] = g[i] * (0.5f * (1.0f + t) + 0.5f * v * (1.0f - t * t) * du);
            }
            break;
        case Function::Tanh:
            for (std::size_t i = 0; i < n; ++i) d[i] = g[i] * (1.0f - out[i] * out[i]);
            break;
        case Function::Sigmoid:
            for (std::size_t i = 0; i < n; ++i) d[i] = g[i] * out[i] * (1.0f - out[i]);
            break;
    }
}

}  // namespace studio
