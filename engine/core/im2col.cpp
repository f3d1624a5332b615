#include "engine/core/im2col.h"

#include <algorithm>
#include <cstring>

namespace studio {

namespace {

// For one kernel column offset kj, the output columns [lo, hi) whose input column
// iw = ow·stride + kj − pad falls inside [0, W); outside that range im2col writes zeros.
struct ColumnRange {
    int lo, hi;
};

ColumnRange validColumns(const ConvGeometry& g, int kj) {
    const int off = kj - g.padding;            // iw = ow·s + off
    int lo = off >= 0 ? 0 : (-off + g.stride - 1) / g.stride;
    int hi = (g.width - off + g.stride - 1) / g.stride;   // first ow with iw ≥ W
    lo = std::min(lo, g.outWidth);
    hi = std::clamp(hi, lo, g.outWidth);
    return {lo, hi};
}

// "Same" convolutions with stride 1 (2·pad = K − 1): OH·OW = H·W and every row of cols is the
// image plane shifted by (ki − pad)·W + (kj − pad), so a whole plane moves in one contiguous copy;
// only the wrapped-around border columns (|shift in x| ≤ pad of them per row) need fixing.
bool samePlaneShift(const ConvGeometry& g) {
    return g.stride == 1 && g.outWidth == g.width && g.outHeight == g.height;
}

struct PlaneShift {
    std::ptrdiff_t first, last, shift;   // copy t ∈ [first, last): dst[t] = src[t + shift]
    int rowLo, rowHi;                    // output rows with a valid input row
};

PlaneShift planeShift(const ConvGeometry& g, int ki, int kj, const ColumnRange& cr) {
    const int w = g.width;
    const int rowLo = std::max(0, g.padding - ki);
    const int rowHi = std::max(rowLo, std::min(g.height, g.height + g.padding - ki));
    PlaneShift ps{0, 0, static_cast<std::ptrdiff_t>(ki - g.padding) * w + (kj - g.padding), rowLo, rowHi};
    if (rowHi > rowLo && cr.hi > cr.lo) {
        ps.first = static_cast<std::ptrdiff_t>(rowLo) * w + cr.lo;
        ps.last = static_cast<std::ptrdiff_t>(rowHi - 1) * w + cr.hi;
    }
    return ps;
}

}  // namespace

void im2col(const float* x, int samples, const ConvGeometry& g, float* cols) {
    const int k = g.kernel, s = g.stride, ow = g.outWidth;
    const std::size_t plane = static_cast<std::size_t>(g.inPixels());
    const std::size_t image = plane * static_cast<std::size_t>(g.channels);
    const std::size_t outPlane = static_cast<std::size_t>(g.outPixels());
    const std::size_t ld = outPlane * static_cast<std::size_t>(samples);
    for (int c = 0; c < g.channels; ++c) {
        for (int ki = 0; ki < k; ++ki) {
            for (int kj = 0; kj < k; ++kj) {
                float* row = cols + static_cast<std::size_t>((c * k + ki) * k + kj) * ld;
                const auto [lo, hi] = validColumns(g, kj);
                const int off = kj - g.padding;
                if (samePlaneShift(g)) {
                    const PlaneShift ps = planeShift(g, ki, kj, {lo, hi});
                    for (int n = 0; n < samples; ++n) {
                        const float* xs = x + static_cast<std::size_t>(n) * image + static_cast<std::size_t>(c) * plane;
                        float* dst = row + static_cast<std::size_t>(n) * outPlane;
                        std::fill(dst, dst + ps.first, 0.0f);
                        if (ps.last > ps.first)
                            std::memcpy(dst + ps.first, xs + ps.first + ps.shift,
                                        static_cast<std::size_t>(ps.last - ps.first) * sizeof(float));
                        std::fill(dst + std::max(ps.last, ps.first), dst + outPlane, 0.0f);
                        for (int oh = ps.rowLo; oh < ps.rowHi; ++oh) {   // wrapped border columns
                            float* d = dst + static_cast<std::size_t>(oh) * ow;
                            std::fill(d, d + lo, 0.0f);
                            std::fill(d + hi, d + ow, 0.0f);
                        }
                    }
                    continue;
                }
                for (int n = 0; n < samples; ++n) {
                    const float* xs = x + static_cast<std::size_t>(n) * image + static_cast<std::size_t>(c) * plane;
                    float* dst = row + static_cast<std::size_t>(n) * outPlane;
                    for (int oh = 0; oh < g.outHeight; ++oh, dst += ow) {
                        const int ih = oh * s + ki - g.padding;
                        if (ih < 0 || ih >= g.height) {
                            std::fill(dst, dst + ow, 0.0f);
                            continue;
                        }
                        const float* src = xs + static_cast<std::size_t>(ih) * static_cast<std::size_t>(g.width);
                        std::fill(dst, dst + lo, 0.0f);
                        if (s == 1) {
                            if (hi > lo)
                                std::memcpy(dst + lo, src + lo + off, static_cast<std::size_t>(hi - lo) * sizeof(float));
                        } else {
                            for (int o = lo; o < hi; ++o) dst[o] = src[o * s + off];
                        }
                        std::fill(dst + hi, dst + ow, 0.0f);
                    }
                }
            }
        }
    }
}

void col2im(float* cols, int samples, const ConvGeometry& g, float* dx) {
    const int k = g.kernel, s = g.stride, ow = g.outWidth;
    const std::size_t plane = static_cast<std::size_t>(g.inPixels());
    const std::size_t image = plane * static_cast<std::size_t>(g.channels);
    const std::size_t outPlane = static_cast<std::size_t>(g.outPixels());
    const std::size_t ld = outPlane * static_cast<std::size_t>(samples);
    // Same traversal as im2col, so every dx element receives its terms in a fixed order.
    for (int c = 0; c < g.channels; ++c) {
        for (int ki = 0; ki < k; ++ki) {
            for (int kj = 0; kj < k; ++kj) {
                float* row = cols + static_cast<std::size_t>((c * k + ki) * k + kj) * ld;
                const auto [lo, hi] = validColumns(g, kj);
                const int off = kj - g.padding;
                if (samePlaneShift(g)) {
                    const PlaneShift ps = planeShift(g, ki, kj, {lo, hi});
                    for (int n = 0; n < samples; ++n) {
                        float* xs = dx + static_cast<std::size_t>(n) * image + static_cast<std::size_t>(c) * plane;
                        float* src = row + static_cast<std::size_t>(n) * outPlane;
                        for (int oh = ps.rowLo; oh < ps.rowHi; ++oh) {   // padding terms contribute nothing
                            float* d = src + static_cast<std::size_t>(oh) * ow;
                            std::fill(d, d + lo, 0.0f);
                            std::fill(d + hi, d + ow, 0.0f);
                        }
                        float* to = xs + ps.first + ps.shift;
                        const float* from = src + ps.first;
                        for (std::ptrdiff_t t = 0; t < ps.last - ps.first; ++t) to[t] += from[t];
                    }
                    continue;
                }
                for (int n = 0; n < samples; ++n) {
                    float* xs = dx + static_cast<std::size_t>(n) * image + static_cast<std::size_t>(c) * plane;
                    const float* src = row + static_cast<std::size_t>(n) * outPlane;
                    for (int oh = 0; oh < g.outHeight; ++oh, src += ow) {
                        const int ih = oh * s + ki - g.padding;
                        if (ih < 0 || ih >= g.height) continue;
                        float* dst = xs + static_cast<std::size_t>(ih) * static_cast<std::size_t>(g.width);
                        if (s == 1) {   // contiguous: vectorizes
                            float* d = dst + lo + off;
                            const float* v = src + lo;
                            for (int o = 0; o < hi - lo; ++o) d[o] += v[o];
                        } else {
                            for (int o = lo; o < hi; ++o) dst[o * s + off] += src[o];
                        }
                    }
                }
            }
        }
    }
}

}  // namespace studio
