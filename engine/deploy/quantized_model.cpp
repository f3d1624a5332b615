#include "engine/deploy/quantized_model.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "engine/nn/conv2d.h"

namespace studio {

// One layer of the plan: a float layer of the model, or a quantized Dense/Conv2D with its
// packed weights and the per-output factors that turn int32 sums back into floats.
struct QuantizedModel::Step {
    int layer = 0;             // the model's layer this step runs
    int quantized = -1;        // index into layers(), or −1: the float layer runs
    bool relu = false;         // a fused ReLU (the model's next layer, skipped)
    bool conv = false;
    ConvGeometry geom;         // Conv2D only
    int inFeatures = 0;        // Dense: In; Conv2D: C·K·K
    int outputs = 0;           // Dense: Out; Conv2D: F
    float inverseScale = 1.0f; // 1/s_x
    int zeroPoint = 0;
    PackedInt8Weights packed;  // Dense: (Out, In); Conv2D: reordered to (F, K, K, C) for the HWC im2col
    std::vector<float> outScale;           // s_x·s_w[o]
    std::vector<std::int32_t> correction;  // z_x·Σ_k W_q[o][k]
    std::vector<float> bias;               // (outputs), zeros when the layer has none
};

namespace {

std::atomic<std::uint64_t> g_nextId{1};

// Per-thread memory, rebuilt when a thread first runs another model.
struct Buffers {
    std::uint64_t id = 0;
    std::vector<Tensor> acts;  // output of each step
    std::vector<LayerScratch> scratch;
    std::vector<std::uint8_t> image;  // padded HWC u8 image (Conv2D) or quantized rows (Dense)
    std::vector<std::uint8_t> cols;   // im2col rows (Conv2D)
    std::vector<std::int32_t> acc;
};

Buffers& threadBuffers(std::uint64_t id, std::size_t steps) {
    thread_local Buffers b;
    if (b.id != id) {
        b = Buffers{};
        b.id = id;
        b.acts.resize(steps);
        b.scratch.resize(steps);
    }
    return b;
}

inline std::uint8_t quantize(float x, float inverseScale, int zeroPoint) {
    const int q = static_cast<int>(std::nearbyint(x * inverseScale)) + zeroPoint;
    return static_cast<std::uint8_t>(std::clamp(q, 0, 255));
}

void quantizeRow(const float* x, int n, float inverseScale, int zeroPoint, std::uint8_t* q) {
    for (int i = 0; i < n; ++i) q[i] = quantize(x[i], inverseScale, zeroPoint);
}

// acc:(rows, outputs) int32 → y[r·rowStride + o·colStride] = outScale[o]·(acc − correction[o]) + bias[o].
void dequantize(const QuantizedModel::Step& s, const std::int32_t* acc, int rows, float* y, std::size_t rowStride,
                std::size_t colStride) {
    for (int r = 0; r < rows; ++r) {
        const std::int32_t* a = acc + static_cast<std::size_t>(r) * s.outputs;
        for (int o = 0; o < s.outputs; ++o) {
            const auto u = static_cast<std::size_t>(o);
            float v = s.outScale[u] * static_cast<float>(a[o] - s.correction[u]) + s.bias[u];
            if (s.relu) v = std::max(v, 0.0f);
            y[static_cast<std::size_t>(r) * rowStride + u * colStride] = v;
        }
    }
}

void denseForward(const QuantizedModel::Step& s, const Tensor& x, Tensor& y, Buffers& b, Int8Kernel kernel) {
    const int n = x.dim(0);
    const int k4 = s.packed.paddedDepth();
    b.image.assign(static_cast<std::size_t>(n) * k4, 0);
    for (int i = 0; i < n; ++i)
        quantizeRow(x.sample(i), s.inFeatures, s.inverseScale, s.zeroPoint, b.image.data() + static_cast<std::size_t>(i) * k4);
    b.acc.resize(static_cast<std::size_t>(n) * s.outputs);
    int8Gemm(b.image.data(), n, k4, s.packed, b.acc.data(), s.outputs, kernel);
    y.resize({n, s.outputs});
    dequantize(s, b.acc.data(), n, y.data(), static_cast<std::size_t>(s.outputs), 1);
}

// Per sample: quantize into a zero-point-padded HWC image, copy each output pixel's K·K·C
// window as one row (K runs of K·C contiguous bytes), one int8Gemm, write y:(F, OH, OW).
void convForward(const QuantizedModel::Step& s, const Tensor& x, Tensor& y, Buffers& b, Int8Kernel kernel) {
    const ConvGeometry& g = s.geom;
    const int n = x.dim(0);
    const int hp = g.height + 2 * g.padding, wp = g.width + 2 * g.padding, c = g.channels;
    const int k4 = s.packed.paddedDepth();
    const int pixels = g.outPixels();
    const std::size_t run = static_cast<std::size_t>(g.kernel) * c;  // one kernel row of the window
    b.image.resize(static_cast<std::size_t>(hp) * wp * c);
    b.cols.assign(static_cast<std::size_t>(pixels) * k4, 0);
    b.acc.resize(static_cast<std::size_t>(pixels) * s.outputs);
    y.resize({n, s.outputs, g.outHeight, g.outWidth});
    for (int i = 0; i < n; ++i) {
        std::fill(b.image.begin(), b.image.end(), static_cast<std::uint8_t>(s.zeroPoint));
        const float* xi = x.sample(i);
        for (int ch = 0; ch < c; ++ch)
            for (int h = 0; h < g.height; ++h) {
                const float* src = xi + (static_cast<std::size_t>(ch) * g.height + h) * g.width;
                std::uint8_t* dst = b.image.data() + ((static_cast<std::size_t>(h) + g.padding) * wp + g.padding) * c + ch;
                for (int w = 0; w < g.width; ++w) dst[static_cast<std::size_t>(w) * c] = quantize(src[w], s.inverseScale, s.zeroPoint);
            }
        for (int oh = 0; oh < g.outHeight; ++oh)
            for (int ow = 0; ow < g.outWidth; ++ow) {
                std::uint8_t* row = b.cols.data() + (static_cast<std::size_t>(oh) * g.outWidth + ow) * k4;
                for (int ki = 0; ki < g.kernel; ++ki) {
                    const std::size_t from = ((static_cast<std::size_t>(oh) * g.stride + ki) * wp +
                                              static_cast<std::size_t>(ow) * g.stride) * c;
                    std::memcpy(row + ki * run, b.image.data() + from, run);
                }
            }
        int8Gemm(b.cols.data(), pixels, k4, s.packed, b.acc.data(), s.outputs, kernel);
        dequantize(s, b.acc.data(), pixels, y.sample(i), 1, static_cast<std::size_t>(pixels));
    }
}

bool validScale(float s) { return std::isfinite(s) && s > 0.0f && std::isfinite(1.0f / s); }

}  // namespace

Result<std::shared_ptr<const QuantizedModel>> QuantizedModel::create(const Model& model, std::vector<QuantizedLayer> layers,
                                                                     const std::string& label) {
    auto bad = [&](const std::string& what) {
        return Error::invalid("The INT8 model in '" + label + "' is not valid: " + what + ".",
                              "Quantize the float model again (training-studio-cli quantize).");
    };
    std::shared_ptr<QuantizedModel> q(new QuantizedModel(model));
    int previous = -1;
    std::size_t next = 0;
    for (int li = 0; li < model.layerCount(); ++li) {
        const Layer& layer = model.layer(li);
        auto step = std::make_shared<Step>();
        step->layer = li;
        if (next < layers.size() && layers[next].layerIndex == li) {
            const QuantizedLayer& ql = layers[next];
            const std::string where = "layer " + std::to_string(li + 1) + " (" + layer.kind() + ")";
            if (layer.kind() != "dense" && layer.kind() != "conv2d") return bad(where + " cannot hold int8 weights");
            const Tensor& w = layer.params()[0].value;
            const int outputs = w.shape()[0];
            const int inFeatures = static_cast<int>(w.size() / static_cast<std::size_t>(outputs));
            if (ql.values.size() != w.size()) return bad(where + " has " + std::to_string(ql.values.size()) + " int8 weights, not " + std::to_string(w.size()));
            if (ql.scales.size() != static_cast<std::size_t>(outputs)) return bad(where + " needs one weight scale per output (" + std::to_string(outputs) + ")");
            for (float s : ql.scales)
                if (!validScale(s)) return bad(where + " has a weight scale that is not a positive finite number");
            for (std::int8_t v : ql.values)
                if (v < -127) return bad(where + " has the weight −128 (int8 weights are symmetric, −127 to 127)");
            if (!validScale(ql.input.scale)) return bad(where + " has an input scale that is not a positive finite number");
            if (ql.input.zeroPoint < 0 || ql.input.zeroPoint > 255) return bad(where + " has an input zero point outside 0 to 255");
            step->quantized = static_cast<int>(next);
            step->outputs = outputs;
            step->inFeatures = inFeatures;
            step->inverseScale = 1.0f / ql.input.scale;
            step->zeroPoint = ql.input.zeroPoint;
            if (layer.kind() == "conv2d") {
                step->conv = true;
                step->geom = static_cast<const Conv2D&>(layer).geometry();
                // (F, C, K, K) → (F, K, K, C): the order of the HWC im2col rows.
                const int c = step->geom.channels, k = step->geom.kernel;
                std::vector<std::int8_t> hwc(ql.values.size());
                for (int f = 0; f < outputs; ++f)
                    for (int ch = 0; ch < c; ++ch)
                        for (int i = 0; i < k * k; ++i)
                            hwc[(static_cast<std::size_t>(f) * k * k + i) * c + ch] =
                                ql.values[(static_cast<std::size_t>(f) * c + ch) * k * k + i];
                step->packed = PackedInt8Weights(hwc.data(), outputs, inFeatures);
            } else {
                step->packed = PackedInt8Weights(ql.values.data(), outputs, inFeatures);
            }
            step->bias.assign(static_cast<std::size_t>(outputs), 0.0f);
            if (layer.params().size() > 1) {
                const Tensor& bias = layer.params()[1].value;
                std::copy(bias.data(), bias.data() + outputs, step->bias.begin());
            }
            for (int o = 0; o < outputs; ++o) {
                const auto u = static_cast<std::size_t>(o);
                step->outScale.push_back(ql.input.scale * ql.scales[u]);
                step->correction.push_back(ql.input.zeroPoint * step->packed.rowSums()[u]);
            }
            if (li + 1 < model.layerCount() && model.layer(li + 1).kind() == "relu") {
                step->relu = true;
                ++li;  // the ReLU is applied in the dequantization
            }
            previous = ql.layerIndex;
            ++next;
        }
        q->m_steps.push_back(std::move(step));
    }
    if (next != layers.size()) {
        const int at = layers[next].layerIndex;
        return bad(at <= previous ? "its quantized layers are not in model order"
                                  : "it quantizes layer " + std::to_string(at + 1) + ", which the model does not have");
    }
    q->m_layers = std::move(layers);
    q->m_id = g_nextId.fetch_add(1);
    return std::shared_ptr<const QuantizedModel>(std::move(q));
}

std::size_t QuantizedModel::weightBytes() const {
    std::size_t bytes = 0;
    for (const auto& l : m_layers) bytes += l.values.size();
    return bytes;
}

void QuantizedModel::dequantizeInto(Model& model, const std::vector<QuantizedLayer>& layers) {
    for (const QuantizedLayer& ql : layers) {
        Tensor& w = model.layer(ql.layerIndex).params()[0].value;
        STUDIO_ASSERT(w.size() == ql.values.size(), "dequantizeInto: weight count mismatch");
        const std::size_t perOutput = w.size() / ql.scales.size();
        for (std::size_t e = 0; e < w.size(); ++e) w[e] = ql.scales[e / perOutput] * static_cast<float>(ql.values[e]);
    }
}

void QuantizedModel::forward(const Tensor& x, Tensor& logits, Int8Kernel kernel) const {
    STUDIO_ASSERT(x.rank() >= 1 && x.sampleSize() == shapeSize(m_model.inputShape()),
                  "QuantizedModel::forward: x does not match the model's input");
    Buffers& b = threadBuffers(m_id, m_steps.size());
    RunContext ctx;
    ctx.training = false;
    const Tensor* current = &x;
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        const Step& s = *m_steps[i];
        Tensor& y = b.acts[i];
        if (s.quantized < 0) {
            ctx.layerIndex = s.layer;
            m_model.layer(s.layer).forward(*current, y, b.scratch[i], ctx);
        } else if (s.conv) {
            convForward(s, *current, y, b, kernel);
        } else {
            denseForward(s, *current, y, b, kernel);
        }
        current = &y;
    }
    logits = *current;
}

}  // namespace studio
