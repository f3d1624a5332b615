#include "engine/nn/pool2d.h"

#include <algorithm>

#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> Pool2D::create(Mode mode, const nlohmann::json& options, const Shape& input) {
    SpecReader r(options);
    auto l = std::make_unique<Pool2D>();
    l->m_mode = mode;
    l->m_size = r.integer("size", 2, 1, 64);
    l->m_stride = r.integer("stride", l->m_size, 1, 64);
    if (auto e = r.finish()) return Error::invalid(*e);
    if (auto problem = imageInputProblem(input)) return Error::invalid(*problem);
    const int c = input[0], h = input[1], w = input[2];
    if (l->m_size > h || l->m_size > w)
        return Error::invalid("window " + std::to_string(l->m_size) + " is larger than its " + std::to_string(h) +
                              "×" + std::to_string(w) + " input (use a smaller size or pool less often)");
    l->m_in = input;
    l->m_out = {c, (h - l->m_size) / l->m_stride + 1, (w - l->m_size) / l->m_stride + 1};
    return std::unique_ptr<Layer>(std::move(l));
}

nlohmann::json Pool2D::options() const {
    nlohmann::json o = {{"size", m_size}};
    if (m_stride != m_size) o["stride"] = m_stride;
    return o;
}

void Pool2D::forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext&) const {
    const int n = x.dim(0);
    STUDIO_ASSERT(x.sampleSize() == shapeSize(m_in), "Pool2D: input shape mismatch");
    const int c = m_in[0], h = m_in[1], w = m_in[2], oh = m_out[1], ow = m_out[2];
    const int k = m_size, s = m_stride;
    y.resize({n, c, oh, ow});
    const std::size_t outCount = y.size();
    if (m_mode == Mode::Max) scratch.indices.resize(outCount);
    const float inv = 1.0f / static_cast<float>(k * k);
    for (int b = 0; b < n; ++b) {
        for (int ch = 0; ch < c; ++ch) {
            const std::size_t planeOffset = static_cast<std::size_t>(ch) * h * w;
            const float* xp = x.sample(b) + planeOffset;
            float* yp = y.sample(b) + static_cast<std::size_t>(ch) * oh * ow;
            std::int32_t* ip = m_mode == Mode::Max
                                   ? scratch.indices.data() + (static_cast<std::size_t>(b) * c + ch) * oh * ow
                                   : nullptr;
            if (m_mode == Mode::Max && k == 2 && s == 2) {
                // The common 2×2/2 case, branch-free (random data would mispredict every compare).
                for (int i = 0; i < oh; ++i) {
                    const float* r0 = xp + 2 * i * w;
                    const float* r1 = r0 + w;
                    const int base = static_cast<int>(planeOffset) + 2 * i * w;
                    for (int j = 0; j < ow; ++j) {
                        const float a = r0[2 * j], b = r0[2 * j + 1], c = r1[2 * j], d = r1[2 * j + 1];
                        // Comparisons as 0/1 integers and max as a value: no branches. Ties keep
                        // the earlier element (a before b, top row before bottom row).
                        const int topIdx = static_cast<int>(b > a);
                        const int botIdx = w + static_cast<int>(d > c);
                        const float top = std::max(a, b), bot = std::max(c, d);
                        const int useBot = static_cast<int>(bot > top);
                        yp[i * ow + j] = std::max(top, bot);
                        ip[i * ow + j] = base + 2 * j + topIdx + useBot * (botIdx - topIdx);
                    }
                }
                continue;
            }
            for (int i = 0; i < oh; ++i) {
                for (int j = 0; j < ow; ++j) {
                    const int i0 = i * s, j0 = j * s;
                    if (m_mode == Mode::Max) {
                        int best = i0 * w + j0;
                        float bestValue = xp[best];
                        for (int di = 0; di < k; ++di)
                            for (int dj = 0; dj < k; ++dj) {
                                const int idx = (i0 + di) * w + j0 + dj;
                                if (xp[idx] > bestValue) { bestValue = xp[idx]; best = idx; }
                            }
                        yp[i * ow + j] = bestValue;
                        ip[i * ow + j] = static_cast<std::int32_t>(planeOffset) + best;
                    } else {
                        float sum = 0.0f;
                        for (int di = 0; di < k; ++di)
                            for (int dj = 0; dj < k; ++dj) sum += xp[(i0 + di) * w + j0 + dj];
                        yp[i * ow + j] = sum * inv;
                    }
                }
            }
        }
    }
}

void Pool2D::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor>,
                      LayerScratch& scratch, const RunContext&) const {
    if (!dx) return;
    const int n = x.dim(0);
    const int c = m_in[0], h = m_in[1], w = m_in[2], oh = m_out[1], ow = m_out[2];
    const int k = m_size, s = m_stride;
    dx->resize(x.shape());
    dx->zero();
    const std::size_t outPerSample = static_cast<std::size_t>(c) * oh * ow;
    if (m_mode == Mode::Max) {
        STUDIO_ASSERT(scratch.indices.size() == outPerSample * static_cast<std::size_t>(n),
                      "Pool2D: backward without forward");
        for (int b = 0; b < n; ++b) {
            const float* g = dy.sample(b);
            const std::int32_t* ip = scratch.indices.data() + static_cast<std::size_t>(b) * outPerSample;
            float* d = dx->sample(b);
            for (std::size_t o = 0; o < outPerSample; ++o) d[ip[o]] += g[o];
        }
        return;
    }
    const float inv = 1.0f / static_cast<float>(k * k);
    for (int b = 0; b < n; ++b) {
        for (int ch = 0; ch < c; ++ch) {
            const float* g = dy.sample(b) + static_cast<std::size_t>(ch) * oh * ow;
            float* d = dx->sample(b) + static_cast<std::size_t>(ch) * h * w;
            for (int i = 0; i < oh; ++i)
                for (int j = 0; j < ow; ++j) {
                    const float v = g[i * ow + j] * inv;
                    for (int di = 0; di < k; ++di)
                        for (int dj = 0; dj < k; ++dj) d[(i * s + di) * w + j * s + dj] += v;
                }
        }
    }
}

}  // namespace studio
