#include "engine/nn/conv2d.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <Eigen/Core>

#include "engine/nn/dnnl_conv.h"
#include "engine/nn/spec_reader.h"

namespace studio {

namespace {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatMap = Eigen::Map<RowMatrix, Eigen::Unaligned>;
using ConstMatMap = Eigen::Map<const RowMatrix, Eigen::Unaligned>;

// Floats of im2col buffer per group: 1 MB of the 2 MB L2, measured with tests/bench/bench_layers.
constexpr std::size_t kGroupBudget = 256 * 1024;

std::string hw(int h, int w) { return std::to_string(h) + "×" + std::to_string(w); }

Conv2D::Kernel kernelFromEnvironment() {
    const char* v = std::getenv("TRAINING_STUDIO_CONV");
    return v && std::string(v) == "im2col" ? Conv2D::Kernel::Im2col : Conv2D::Kernel::Auto;
}

std::atomic<Conv2D::Kernel>& kernelChoice() {
    static std::atomic<Conv2D::Kernel> choice{kernelFromEnvironment()};
    return choice;
}

// A workspace's oneDNN plans for one layer, by shard size: the full shards, a batch's last
// partial shard, single images. A size oneDNN cannot serve is remembered as nullptr.
struct ConvPlans final : KernelCache {
    std::vector<std::unique_ptr<DnnlConv>> plans;
    std::vector<int> sizes;
};

constexpr std::size_t kPlansKept = 4;

}  // namespace

void Conv2D::setKernel(Kernel kernel) {
    kernelChoice() = kernel;
}

Conv2D::Kernel Conv2D::kernel() {
    return kernelChoice();
}

DnnlConv* Conv2D::fastKernel(LayerScratch& scratch, int n) const {
    if (kernelChoice() == Kernel::Im2col) return nullptr;
    if (!scratch.cache) scratch.cache = std::make_unique<ConvPlans>();
    auto* cache = dynamic_cast<ConvPlans*>(scratch.cache.get());
    STUDIO_ASSERT(cache, "Conv2D: another layer's cache in its scratch");
    for (std::size_t i = 0; i < cache->sizes.size(); ++i)
        if (cache->sizes[i] == n) return cache->plans[i].get();
    if (cache->sizes.size() == kPlansKept) {  // the oldest size goes
        cache->sizes.erase(cache->sizes.begin());
        cache->plans.erase(cache->plans.begin());
    }
    cache->sizes.push_back(n);
    cache->plans.push_back(DnnlConv::create(m_geom, m_filters, m_bias, n));
    return cache->plans.back().get();
}

std::string Conv2D::kernelName(int n) const {
    LayerScratch scratch;
    DnnlConv* fast = fastKernel(scratch, n);
    return fast ? fast->kernelName() : "im2col";
}

Result<std::unique_ptr<Layer>> Conv2D::create(const nlohmann::json& options, const Shape& input, ParamStorage storage) {
    SpecReader r(options);
    auto l = std::make_unique<Conv2D>();
    l->m_filters = r.integer("filters", std::nullopt, 1, 4096);
    const int kernel = r.integer("kernel", 3, 1, 64);
    const int stride = r.integer("stride", 1, 1, 64);
    const int padding = r.integer("padding", 0, 0, 64);
    l->m_bias = r.boolean("bias", true);
    l->m_init = r.text("init", "he", {"he", "glorot"});
    if (auto e = r.finish()) return Error::invalid(*e);
    if (auto problem = imageInputProblem(input)) return Error::invalid(*problem);
    const int c = input[0], h = input[1], w = input[2];
    if (padding >= kernel)
        return Error::invalid("padding " + std::to_string(padding) + " must be smaller than kernel " +
                              std::to_string(kernel) + " (use padding " + std::to_string(kernel / 2) +
                              " to keep the size)");
    if (kernel > h + 2 * padding || kernel > w + 2 * padding) {
        std::string msg = "kernel " + std::to_string(kernel) + " is larger than its " + hw(h, w) + " input";
        if (padding > 0) msg += " padded to " + hw(h + 2 * padding, w + 2 * padding);
        return Error::invalid(msg + " (add padding or use a smaller kernel)");
    }
    l->m_geom = ConvGeometry::make(c, h, w, kernel, stride, padding);
    if (static_cast<double>(l->m_geom.rows()) * l->m_geom.outPixels() > 64.0 * 1024 * 1024)
        return Error::invalid("a " + shapeToString(input) + " input with kernel " + std::to_string(kernel) +
                              " needs more than 64M values per image; downscale or pool first");
    l->m_in = input;
    l->m_out = {l->m_filters, l->m_geom.outHeight, l->m_geom.outWidth};
    l->m_params.push_back({"weight", paramTensor({l->m_filters, c, kernel, kernel}, 0.0f, storage), true, true});
    if (l->m_bias) l->m_params.push_back({"bias", paramTensor({l->m_filters}, 0.0f, storage), true, false});
    return std::unique_ptr<Layer>(std::move(l));
}

nlohmann::json Conv2D::options() const {
    nlohmann::json o = {{"filters", m_filters}, {"kernel", m_geom.kernel}};
    if (m_geom.stride != 1) o["stride"] = m_geom.stride;
    if (m_geom.padding != 0) o["padding"] = m_geom.padding;
    if (!m_bias) o["bias"] = false;
    if (m_init != "he") o["init"] = m_init;
    return o;
}

void Conv2D::initialize(Rng& rng) {
    const float fanIn = static_cast<float>(m_geom.rows());
    const float fanOut = static_cast<float>(m_filters * m_geom.kernel * m_geom.kernel);
    const float stddev = m_init == "glorot" ? std::sqrt(2.0f / (fanIn + fanOut)) : std::sqrt(2.0f / fanIn);
    Tensor& w = m_params[0].value;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = rng.normal(0.0f, stddev);
    if (m_bias) m_params[1].value.zero();
}

int Conv2D::groupSize(int n) const {
    const std::size_t perSample = static_cast<std::size_t>(m_geom.rows()) * static_cast<std::size_t>(m_geom.outPixels());
    const std::size_t g = std::max<std::size_t>(1, kGroupBudget / std::max<std::size_t>(perSample, 1));
    return static_cast<int>(std::min<std::size_t>(g, static_cast<std::size_t>(std::max(n, 1))));
}

void Conv2D::forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext&) const {
    const int n = x.dim(0);
    STUDIO_ASSERT(x.sampleSize() == shapeSize(m_in), "Conv2D: input shape mismatch");
    y.resize({n, m_filters, m_geom.outHeight, m_geom.outWidth});
    if (DnnlConv* fast = fastKernel(scratch, n)) {
        fast->forward(x.data(), m_params[0].value.data(), m_bias ? m_params[1].value.data() : nullptr, y.data());
        return;
    }
    const int rows = m_geom.rows(), pixels = m_geom.outPixels(), f = m_filters;
    const int group = groupSize(n);
    if (scratch.tensors.size() < 2) scratch.tensors.resize(2);
    Tensor& cols = scratch.tensors[0];
    Tensor& yg = scratch.tensors[1];
    ConstMatMap W(m_params[0].value.data(), f, rows);
    for (int n0 = 0; n0 < n; n0 += group) {
        const int g = std::min(group, n - n0);
        cols.resize({rows, g * pixels});
        im2col(x.sample(n0), g, m_geom, cols.data());
        ConstMatMap C(cols.data(), rows, g * pixels);
        if (g == 1) {
            MatMap Y(y.sample(n0), f, pixels);
            Y.noalias() = W * C;
        } else {
            // Y:(F, g·P) → y[n0+s]:(F, P) for each sample s.
            yg.resize({f, g * pixels});
            MatMap Y(yg.data(), f, g * pixels);
            Y.noalias() = W * C;
            for (int s = 0; s < g; ++s)
                for (int o = 0; o < f; ++o)
                    std::memcpy(y.sample(n0 + s) + static_cast<std::size_t>(o) * pixels,
                                yg.data() + (static_cast<std::size_t>(o) * g + s) * pixels, sizeof(float) * pixels);
        }
    }
    if (m_bias) {
        const float* b = m_params[1].value.data();
        for (int s = 0; s < n; ++s) {
            float* ys = y.sample(s);
            for (int o = 0; o < f; ++o) {
                float* row = ys + static_cast<std::size_t>(o) * pixels;
                for (int p = 0; p < pixels; ++p) row[p] += b[o];
            }
        }
    }
}

void Conv2D::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                      LayerScratch& scratch, const RunContext&) const {
    const int n = x.dim(0);
    if (DnnlConv* fast = fastKernel(scratch, n)) {
        if (dx) dx->resize(x.shape());
        fast->backward(x.data(), m_params[0].value.data(), dy.data(), dx ? dx->data() : nullptr, grads[0].data(),
                       m_bias ? grads[1].data() : nullptr);
        return;
    }
    const int rows = m_geom.rows(), pixels = m_geom.outPixels(), f = m_filters;
    const int group = groupSize(n);
    if (scratch.tensors.size() < 4) scratch.tensors.resize(4);   // before taking references
    Tensor& cols = scratch.tensors[0];
    Tensor& dyg = scratch.tensors[1];
    ConstMatMap W(m_params[0].value.data(), f, rows);
    MatMap dW(grads[0].data(), f, rows);
    // Stride 1: dx is itself a convolution of dy (padding K−1−pad) with the flipped kernels,
    // dx_n:(C, H·W) = Wflip:(C, F·K·K) · im2col(dy_n). That replaces "dcols = Wᵀ·dY, col2im"
    // (a 9× larger product output to clear, then a scattered read-modify-write) by plain im2col.
    const bool flipPath = dx && m_geom.stride == 1;
    const int k = m_geom.kernel, c = m_geom.channels;
    const ConvGeometry back = ConvGeometry::make(f, m_geom.outHeight, m_geom.outWidth, k, 1, k - 1 - m_geom.padding);
    if (flipPath) {
        Tensor& flipped = scratch.tensors[2];   // Wflip[c][(o·K + ki)·K + kj] = W[o][c][K−1−ki][K−1−kj]
        flipped.resize({c, f * k * k});
        const float* w = m_params[0].value.data();
        for (int ch = 0; ch < c; ++ch)
            for (int o = 0; o < f; ++o)
                for (int ki = 0; ki < k; ++ki)
                    for (int kj = 0; kj < k; ++kj)
                        flipped[(static_cast<std::size_t>(ch) * f + o) * k * k + static_cast<std::size_t>(ki * k + kj)] =
                            w[((static_cast<std::size_t>(o) * c + ch) * k + (k - 1 - ki)) * k + (k - 1 - kj)];
    }
    if (dx) {
        dx->resize(x.shape());
        if (!flipPath) dx->zero();
    }
    for (int n0 = 0; n0 < n; n0 += group) {
        const int g = std::min(group, n - n0);
        const float* dyData = dy.sample(n0);
        if (g > 1) {  // dy[n0+s]:(F,P) → dY:(F, g·P)
            dyg.resize({f, g * pixels});
            for (int s = 0; s < g; ++s)
                for (int o = 0; o < f; ++o)
                    std::memcpy(dyg.data() + (static_cast<std::size_t>(o) * g + s) * pixels,
                                dy.sample(n0 + s) + static_cast<std::size_t>(o) * pixels, sizeof(float) * pixels);
            dyData = dyg.data();
        }
        ConstMatMap dY(dyData, f, g * pixels);
        cols.resize({rows, g * pixels});
        im2col(x.sample(n0), g, m_geom, cols.data());
        MatMap C(cols.data(), rows, g * pixels);
        dW.noalias() += dY * C.transpose();
        if (flipPath) {
            Tensor& dcols = scratch.tensors[3];
            ConstMatMap Wf(scratch.tensors[2].data(), c, f * k * k);
            for (int s = 0; s < g; ++s) {
                dcols.resize({back.rows(), back.outPixels()});
                im2col(dy.sample(n0 + s), 1, back, dcols.data());
                MatMap dX(dx->sample(n0 + s), c, m_geom.inPixels());
                dX.noalias() = Wf * ConstMatMap(dcols.data(), back.rows(), back.outPixels());
            }
        } else if (dx) {
            C.noalias() = W.transpose() * dY;   // the cols buffer now holds dcols
            col2im(cols.data(), g, m_geom, dx->sample(n0));
        }
    }
    if (m_bias) {
        float* db = grads[1].data();
        for (int s = 0; s < n; ++s) {
            const float* ds = dy.sample(s);
            for (int o = 0; o < f; ++o) {
                // Eigen's vectorized sum: a fixed order for a fixed size, unlike a serial float loop 4× faster.
                db[o] += Eigen::Map<const Eigen::VectorXf>(ds + static_cast<std::size_t>(o) * pixels, pixels).sum();
            }
        }
    }
}

}  // namespace studio
