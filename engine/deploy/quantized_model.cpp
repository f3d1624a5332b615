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
    // Float: the model's layer in float. Conv/Dense: an int8 layer. Between two int8 layers whose
    // values can stay u8 (only max pooling, flatten and dropout between them): U8MaxPool pools
    // the u8 HWC image (max commutes with the monotone quantization, so this is exact), U8Pass
    // (flatten, dropout) does nothing.
    enum class Kind { Float, Conv, Dense, U8MaxPool, U8Pass };
    Kind kind = Kind::Float;
    int layer = 0;             // the model's layer this step runs
    int quantized = -1;        // index into layers(), or −1: not an int8 layer
    bool relu = false;         // a fused ReLU (the model's next layer, skipped)
    ConvGeometry geom;         // Conv2D only
    int inFeatures = 0;        // Dense: In; Conv2D: C·K·K
    int outputs = 0;           // Dense: Out; Conv2D: F
    float inverseScale = 1.0f; // 1/s_x
    int zeroPoint = 0;
    PackedInt8Weights packed;  // Dense: (Out, In) (In in HWC order after a u8 conv); Conv2D: (F, K, K, C)
    std::vector<float> outScale;           // s_x·s_w[o]
    std::vector<std::int32_t> correction;  // z_x·Σ_k W_q[o][k]
    std::vector<float> bias;               // (outputs), zeros when the layer has none
    bool inputU8 = false;      // the input arrives as u8 (HWC) from the int8 layer before
    bool emitU8 = false;       // the output goes out as u8 for the next int8 layer:
    float nextInverseScale = 1.0f;
    int nextZeroPoint = 0;
    std::vector<float> requantScale;   // s_x·s_w[o]/s_next
    std::vector<float> requantOffset;  // b[o]/s_next
    int poolChannels = 0, poolHeight = 0, poolWidth = 0, poolSize = 0, poolStride = 0, poolOutHeight = 0,
        poolOutWidth = 0;  // U8MaxPool
};

namespace {

std::atomic<std::uint64_t> g_nextId{1};

// One step's memory on one thread. A conv's padded image keeps its border (the zero point)
// from the first call on, and its im2col rows keep their zero padding columns.
struct StepBuffers {
    Tensor out;                        // a float output
    std::vector<std::uint8_t> u8;      // a u8 output (HWC for images)
    LayerScratch scratch;              // a float layer's scratch
    std::vector<std::uint8_t> image;   // Conv2D: padded HWC u8 image; Dense: the quantized row
    std::vector<std::uint8_t> planes;  // Conv2D: the quantized CHW input
    std::vector<std::uint8_t> cols;    // Conv2D: im2col rows
    std::vector<std::int32_t> acc;
    std::vector<float> block;          // Conv2D: dequantized outputs of a few pixels
};

// Per-thread memory, rebuilt when a thread first runs another model.
struct Buffers {
    std::uint64_t id = 0;
    std::vector<StepBuffers> steps;
    Tensor one;  // a batch's sample, run alone
};

Buffers& threadBuffers(std::uint64_t id, std::size_t steps) {
    thread_local Buffers b;
    if (b.id != id) {
        b = Buffers{};
        b.id = id;
        b.steps.resize(steps);
    }
    return b;
}

// q = clamp(round(x/s) + z, 0, 255), rounding half to even. Written so that it vectorizes: the
// scale and zero point are locals (u8 stores cannot alias them), and the rounding adds and
// subtracts 1.5·2^23 (exact for |v| < 2^22; v is first held to ±512, beyond any code), where
// std::nearbyint stayed a scalar call. A NaN becomes 0 instead of undefined behaviour.
void quantizeRow(const float* x, int n, float inverseScale, int zeroPoint, std::uint8_t* q) {
    const float zp = static_cast<float>(zeroPoint);
    constexpr float kRound = 12582912.0f;  // 1.5·2^23
    for (int i = 0; i < n; ++i) {
        float v = x[i] * inverseScale;
        v = v > -512.0f ? v : -512.0f;
        v = v < 512.0f ? v : 512.0f;
        v = (v + kRound) - kRound + zp;
        v = v > 0.0f ? v : 0.0f;
        v = v < 255.0f ? v : 255.0f;
        q[i] = static_cast<std::uint8_t>(static_cast<int>(v));
    }
}

// acc row (outputs) → y[o] = outScale[o]·(acc − correction[o]) + bias[o], ReLU when fused.
inline void dequantizeRow(const QuantizedModel::Step& s, const std::int32_t* a, float* y) {
    const float* scale = s.outScale.data();
    const std::int32_t* corr = s.correction.data();
    const float* bias = s.bias.data();
    const int n = s.outputs;
    if (s.relu)
        for (int o = 0; o < n; ++o) y[o] = std::max(scale[o] * static_cast<float>(a[o] - corr[o]) + bias[o], 0.0f);
    else
        for (int o = 0; o < n; ++o) y[o] = scale[o] * static_cast<float>(a[o] - corr[o]) + bias[o];
}

// The output quantized straight for the next int8 layer, from the int32 sums in one multiply-add:
// q = clamp(round((acc − corr)·s_x·s_w/s_next + b/s_next) + z_next, lo, 255), lo = z_next when a
// ReLU is fused (q is monotone, so q(max(v, 0)) = max(q(v), z_next)) and 0 otherwise.
inline void requantizeRow(const QuantizedModel::Step& s, const std::int32_t* a, std::uint8_t* q) {
    const float* scale = s.requantScale.data();
    const float* offset = s.requantOffset.data();
    const std::int32_t* corr = s.correction.data();
    const float zp = static_cast<float>(s.nextZeroPoint);
    const float lo = s.relu ? zp : 0.0f;
    constexpr float kRound = 12582912.0f;  // 1.5·2^23, as in quantizeRow
    const int n = s.outputs;
    for (int o = 0; o < n; ++o) {
        float v = static_cast<float>(a[o] - corr[o]) * scale[o] + offset[o];
        v = v > -512.0f ? v : -512.0f;
        v = v < 512.0f ? v : 512.0f;
        v = (v + kRound) - kRound + zp;
        v = v > lo ? v : lo;
        v = v < 255.0f ? v : 255.0f;
        q[o] = static_cast<std::uint8_t>(static_cast<int>(v));
    }
}

// The int8 layer's (1, …) input as u8: from the previous int8 layer, or quantized from floats.
// Dense: into b.image (paddedDepth bytes); Conv2D: into the interior of the padded HWC image.
void takeInput(const QuantizedModel::Step& s, const Tensor* x, const std::uint8_t* u8, StepBuffers& b) {
    if (s.kind == QuantizedModel::Step::Kind::Dense) {
        b.image.resize(static_cast<std::size_t>(s.packed.paddedDepth()));  // padding meets zero weights
        if (s.inputU8)
            std::memcpy(b.image.data(), u8, static_cast<std::size_t>(s.inFeatures));
        else
            quantizeRow(x->data(), s.inFeatures, s.inverseScale, s.zeroPoint, b.image.data());
        return;
    }
    const ConvGeometry& g = s.geom;
    const int wp = g.width + 2 * g.padding, c = g.channels;
    const std::size_t imageBytes = static_cast<std::size_t>(g.height + 2 * g.padding) * wp * c;
    if (b.image.size() != imageBytes) b.image.assign(imageBytes, static_cast<std::uint8_t>(s.zeroPoint));
    const std::size_t rowBytes = static_cast<std::size_t>(g.width) * c;
    if (s.inputU8) {
        for (int h = 0; h < g.height; ++h)
            std::memcpy(b.image.data() + ((static_cast<std::size_t>(h) + g.padding) * wp + g.padding) * c,
                        u8 + static_cast<std::size_t>(h) * rowBytes, rowBytes);
        return;
    }
    // CHW floats → u8 planes (vectorized) → the HWC interior of the padded image.
    const std::size_t plane = static_cast<std::size_t>(g.height) * g.width;
    b.planes.resize(plane * c);
    quantizeRow(x->data(), static_cast<int>(plane * c), s.inverseScale, s.zeroPoint, b.planes.data());
    for (int h = 0; h < g.height; ++h) {
        std::uint8_t* dst = b.image.data() + ((static_cast<std::size_t>(h) + g.padding) * wp + g.padding) * c;
        const std::uint8_t* src = b.planes.data() + static_cast<std::size_t>(h) * g.width;
        for (int w = 0; w < g.width; ++w)
            for (int ch = 0; ch < c; ++ch) dst[static_cast<std::size_t>(w) * c + ch] = src[ch * plane + w];
    }
}

void denseForward(const QuantizedModel::Step& s, const Tensor* x, const std::uint8_t* u8, StepBuffers& b,
                  Int8Kernel kernel) {
    takeInput(s, x, u8, b);
    b.acc.resize(static_cast<std::size_t>(s.outputs));
    int8Gemm(b.image.data(), 1, s.packed.paddedDepth(), s.packed, b.acc.data(), s.outputs, kernel);
    if (s.emitU8) {
        b.block.resize(static_cast<std::size_t>(s.outputs));
        b.u8.resize(static_cast<std::size_t>(s.outputs));
        requantizeRow(s, b.acc.data(), b.u8.data());
    } else {
        b.out.resize({1, s.outputs});
        dequantizeRow(s, b.acc.data(), b.out.data());
    }
}

constexpr int kPixelBlock = 16;

// One sample: the u8 padded HWC image, each output pixel's K·K·C window copied as one row
// (K runs of K·C contiguous bytes), one int8Gemm; the output leaves as u8 HWC for the next int8
// layer, or as floats y:(F, OH, OW), a block of pixels at a time.
void convForward(const QuantizedModel::Step& s, const Tensor* x, const std::uint8_t* u8, StepBuffers& b,
                 Int8Kernel kernel) {
    takeInput(s, x, u8, b);
    const ConvGeometry& g = s.geom;
    const int wp = g.width + 2 * g.padding, c = g.channels;
    const int k4 = s.packed.paddedDepth();
    const int pixels = g.outPixels();
    const std::size_t run = static_cast<std::size_t>(g.kernel) * c;  // one kernel row of the window
    b.cols.resize(static_cast<std::size_t>(pixels) * k4);
    b.acc.resize(static_cast<std::size_t>(pixels) * s.outputs);
    for (int oh = 0; oh < g.outHeight; ++oh)
        for (int ow = 0; ow < g.outWidth; ++ow) {
            std::uint8_t* row = b.cols.data() + (static_cast<std::size_t>(oh) * g.outWidth + ow) * k4;
            for (int ki = 0; ki < g.kernel; ++ki) {
                const std::size_t from =
                    ((static_cast<std::size_t>(oh) * g.stride + ki) * wp + static_cast<std::size_t>(ow) * g.stride) * c;
                if (run >= 16)
                    std::memcpy(row + ki * run, b.image.data() + from, run);
                else  // the first conv's few bytes (C = 1): a call would cost more than the copy
                    for (std::size_t e = 0; e < run; ++e) row[ki * run + e] = b.image[from + e];
            }
        }
    int8Gemm(b.cols.data(), pixels, k4, s.packed, b.acc.data(), s.outputs, kernel);
    b.block.resize(static_cast<std::size_t>(kPixelBlock) * s.outputs);
    if (s.emitU8) {
        b.u8.resize(static_cast<std::size_t>(pixels) * s.outputs);
        for (int p = 0; p < pixels; ++p)
            requantizeRow(s, b.acc.data() + static_cast<std::size_t>(p) * s.outputs,
                          b.u8.data() + static_cast<std::size_t>(p) * s.outputs);
        return;
    }
    b.out.resize({1, s.outputs, g.outHeight, g.outWidth});
    float* y = b.out.data();
    for (int p0 = 0; p0 < pixels; p0 += kPixelBlock) {
        const int count = std::min(kPixelBlock, pixels - p0);
        for (int p = 0; p < count; ++p)
            dequantizeRow(s, b.acc.data() + static_cast<std::size_t>(p0 + p) * s.outputs,
                          b.block.data() + static_cast<std::size_t>(p) * s.outputs);
        for (int o = 0; o < s.outputs; ++o) {
            float* dst = y + static_cast<std::size_t>(o) * pixels + p0;
            for (int p = 0; p < count; ++p) dst[p] = b.block[static_cast<std::size_t>(p) * s.outputs + o];
        }
    }
}

// u8 HWC max pooling, vectorized over the channels.
void maxPoolU8(const QuantizedModel::Step& s, const std::uint8_t* in, StepBuffers& b) {
    const int c = s.poolChannels;
    b.u8.resize(static_cast<std::size_t>(s.poolOutHeight) * s.poolOutWidth * c);
    for (int oh = 0; oh < s.poolOutHeight; ++oh)
        for (int ow = 0; ow < s.poolOutWidth; ++ow) {
            std::uint8_t* out = b.u8.data() + (static_cast<std::size_t>(oh) * s.poolOutWidth + ow) * c;
            std::memset(out, 0, static_cast<std::size_t>(c));
            for (int ki = 0; ki < s.poolSize; ++ki)
                for (int kj = 0; kj < s.poolSize; ++kj) {
                    const std::uint8_t* px = in + ((static_cast<std::size_t>(oh) * s.poolStride + ki) * s.poolWidth +
                                                   static_cast<std::size_t>(ow) * s.poolStride + kj) * c;
                    for (int ch = 0; ch < c; ++ch) out[ch] = std::max(out[ch], px[ch]);
                }
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
            step->kind = layer.kind() == "conv2d" ? Step::Kind::Conv : Step::Kind::Dense;
            step->outputs = outputs;
            step->inFeatures = inFeatures;
            step->inverseScale = 1.0f / ql.input.scale;
            step->zeroPoint = ql.input.zeroPoint;
            if (layer.kind() == "conv2d") {
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
    q->planU8Chains();
    q->m_id = g_nextId.fetch_add(1);
    return std::shared_ptr<const QuantizedModel>(std::move(q));
}

std::size_t QuantizedModel::weightBytes() const {
    std::size_t bytes = 0;
    for (const auto& l : m_layers) bytes += l.values.size();
    return bytes;
}

// Where an int8 layer's output reaches the next int8 layer through only max pooling, flatten
// and dropout, it stays u8: the producer requantizes with the consumer's input scale, the pools
// run on u8 HWC images, and a Dense after a conv reads the HWC bytes (its packed weights'
// columns reordered from CHW to HWC to match).
void QuantizedModel::planU8Chains() {
    using Kind = Step::Kind;
    for (std::size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i]->quantized < 0) continue;
        std::size_t j = i + 1;
        bool pooled = false;
        while (j < m_steps.size() && m_steps[j]->quantized < 0) {
            const std::string kind = m_model.layer(m_steps[j]->layer).kind();
            if (kind == "maxpool2d") pooled = true;
            else if (kind != "flatten" && kind != "dropout") break;
            ++j;
        }
        if (j == m_steps.size() || m_steps[j]->quantized < 0) continue;
        Step& from = *m_steps[i];
        Step& to = *m_steps[j];
        const bool conv = from.kind == Kind::Conv;
        if (!conv && (pooled || to.kind == Kind::Conv)) continue;
        from.emitU8 = true;
        from.nextInverseScale = to.inverseScale;
        from.nextZeroPoint = to.zeroPoint;
        for (int o = 0; o < from.outputs; ++o) {
            const auto u = static_cast<std::size_t>(o);
            from.requantScale.push_back(from.outScale[u] * to.inverseScale);
            from.requantOffset.push_back(from.bias[u] * to.inverseScale);
        }
        to.inputU8 = true;
        for (std::size_t k = i + 1; k < j; ++k) {
            Step& mid = *m_steps[k];
            const Layer& layer = m_model.layer(mid.layer);
            if (layer.kind() != "maxpool2d") {
                mid.kind = Kind::U8Pass;
                continue;
            }
            const nlohmann::json o = layer.options();
            mid.kind = Kind::U8MaxPool;
            mid.poolChannels = layer.inputShape()[0];
            mid.poolHeight = layer.inputShape()[1];
            mid.poolWidth = layer.inputShape()[2];
            mid.poolSize = o.value("size", 2);
            mid.poolStride = o.value("stride", mid.poolSize);
            mid.poolOutHeight = layer.outputShape()[1];
            mid.poolOutWidth = layer.outputShape()[2];
        }
        if (conv && to.kind == Kind::Dense) {
            // The image the dense layer reads, (C, H, W): the last pool's output, or the conv's.
            Shape chw = m_model.layer(from.layer).outputShape();
            for (std::size_t k = i + 1; k < j; ++k)
                if (m_model.layer(m_steps[k]->layer).outputShape().size() == 3)
                    chw = m_model.layer(m_steps[k]->layer).outputShape();
            const int c = chw[0], plane = chw[1] * chw[2];
            const QuantizedLayer& ql = m_layers[static_cast<std::size_t>(to.quantized)];
            std::vector<std::int8_t> hwc(ql.values.size());
            for (int o = 0; o < to.outputs; ++o)
                for (int ch = 0; ch < c; ++ch)
                    for (int p = 0; p < plane; ++p)
                        hwc[static_cast<std::size_t>(o) * to.inFeatures + static_cast<std::size_t>(p) * c + ch] =
                            ql.values[static_cast<std::size_t>(o) * to.inFeatures + static_cast<std::size_t>(ch) * plane + p];
            to.packed = PackedInt8Weights(hwc.data(), to.outputs, to.inFeatures);
        }
        i = j - 1;
    }
}

void QuantizedModel::dequantizeInto(Model& model, const std::vector<QuantizedLayer>& layers) {
    for (const QuantizedLayer& ql : layers) {
        Tensor& w = model.layer(ql.layerIndex).params()[0].value;
        STUDIO_ASSERT(w.size() == ql.values.size(), "dequantizeInto: weight count mismatch");
        const std::size_t perOutput = w.size() / ql.scales.size();
        for (std::size_t e = 0; e < w.size(); ++e) w[e] = ql.scales[e / perOutput] * static_cast<float>(ql.values[e]);
    }
}

namespace {

// One sample (x:(1, input...)) through every step; returns the last step's output.
const Tensor& runOne(const Model& model, const std::vector<std::shared_ptr<QuantizedModel::Step>>& steps,
                     const Tensor& x, Buffers& b, Int8Kernel kernel) {
    using Kind = QuantizedModel::Step::Kind;
    RunContext ctx;
    ctx.training = false;
    const Tensor* current = &x;
    const std::uint8_t* u8 = nullptr;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const QuantizedModel::Step& s = *steps[i];
        StepBuffers& sb = b.steps[i];
        switch (s.kind) {
            case Kind::Float:
                ctx.layerIndex = s.layer;
                model.layer(s.layer).forward(*current, sb.out, sb.scratch, ctx);
                current = &sb.out;
                break;
            case Kind::Conv:
            case Kind::Dense:
                if (s.kind == Kind::Conv)
                    convForward(s, current, u8, sb, kernel);
                else
                    denseForward(s, current, u8, sb, kernel);
                if (s.emitU8)
                    u8 = sb.u8.data();
                else
                    current = &sb.out;
                break;
            case Kind::U8MaxPool:
                maxPoolU8(s, u8, sb);
                u8 = sb.u8.data();
                break;
            case Kind::U8Pass:
                break;
        }
    }
    STUDIO_ASSERT(current != &x, "QuantizedModel: the last step gave no float output");
    return *current;
}

}  // namespace

// A batch runs one sample at a time: each sample's activations stay in the core's caches
// (measured on cnn: whole chunks of 32 were slower per sample than batch 1), and integer sums
// make the result the same either way.
void QuantizedModel::forward(const Tensor& x, Tensor& logits, Int8Kernel kernel) const {
    STUDIO_ASSERT(x.rank() >= 1 && x.sampleSize() == shapeSize(m_model.inputShape()),
                  "QuantizedModel::forward: x does not match the model's input");
    Buffers& b = threadBuffers(m_id, m_steps.size());
    const int n = x.dim(0);
    if (n == 1) {
        logits = runOne(m_model, m_steps, x, b, kernel);
        return;
    }
    Shape one = x.shape();
    one[0] = 1;
    b.one.resize(one);
    logits.resize({n, m_model.outputSize()});
    for (int i = 0; i < n; ++i) {
        std::memcpy(b.one.data(), x.sample(i), x.sampleSize() * sizeof(float));
        const Tensor& y = runOne(m_model, m_steps, b.one, b, kernel);
        std::memcpy(logits.sample(i), y.data(), y.size() * sizeof(float));
    }
}

}  // namespace studio
