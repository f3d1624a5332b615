#pragma once
// QuantizedModel: the INT8 inference path of a model whose Dense and Conv2D layers hold int8
// weights (quantize.h makes one; the model file stores one).
//
// A quantized layer:  x float → q = clamp(round(x/s_x) + z_x, 0, 255)   (u8, per tensor)
//                     acc[n][o] = Σ_k q[n][k]·W_q[o][k]                 (int8Gemm, exact int32)
//                     y[n][o] = s_x·s_w[o]·(acc[n][o] − z_x·Σ_k W_q[o][k]) + b[o]
//   Dense:  x:(N,In) → y:(N,Out);  W_q:(Out,In)
//   Conv2D: per sample, im2col of the u8 image into rows of pixels:(OH·OW, C·K·K) (padding
//           holds z_x, the code of 0.0) → acc:(OH·OW, F) → y:(F, OH, OW)
// A ReLU right after a quantized layer is applied while y is written (and skipped as a layer).
// Where only max pooling, flatten and dropout lie between two quantized layers, the values stay
// u8: the first writes its output already quantized for the second (one multiply-add per value
// from the int32 sums, in HWC order, which is what the next im2col reads), max pooling runs on
// the u8 image (max commutes with the monotone quantization), and a Dense after a conv reads
// the HWC bytes with its weight columns reordered to match. Every other layer (other
// activations, average pooling, an unfolded BatchNorm) runs as the float engine runs it.
//
// A batch runs one sample at a time (its activations stay in the core's caches). Integer sums
// are exact and the scales fixed, so a sample's logits do not depend on the batch it is in, on
// the kernel (VNNI, AVX2, portable) or on the thread count.

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/core/int8_gemm.h"
#include "engine/core/result.h"
#include "engine/nn/model.h"

namespace studio {

/// u8 activations: real = scale·(q − zeroPoint), q ∈ [0, 255]. zeroPoint 0 for inputs ≥ 0.
struct ActivationQuantization {
    float scale = 1.0f;
    int zeroPoint = 0;
};

/// One Dense or Conv2D layer's int8 weights, symmetric per output channel: W ≈ scales[o]·values[o][:].
struct QuantizedLayer {
    int layerIndex = 0;                 // 0-based, into the model
    std::vector<std::int8_t> values;    // the float weight's layout: (Out, In) or (F, C, K, K); [−127, 127]
    std::vector<float> scales;          // (Out), each > 0 and finite
    ActivationQuantization input;       // how the layer's input is quantized
};

class QuantizedModel {
public:
    /// `model` supplies the architecture, the biases and every float layer; its Dense/Conv2D
    /// weights are not read (they may hold the dequantized values). `layers` lists the
    /// quantized ones in model order. Errors (a layer that is not Dense/Conv2D, sizes that do
    /// not match, a scale ≤ 0 or not finite, a zero point outside [0, 255], a weight −128) name
    /// `label` — the model file or "quantization".
    static Result<std::shared_ptr<const QuantizedModel>> create(const Model& model, std::vector<QuantizedLayer> layers,
                                                                const std::string& label);

    const Model& model() const { return m_model; }
    const std::vector<QuantizedLayer>& layers() const { return m_layers; }
    /// Bytes the int8 weights take (what makes the file small).
    std::size_t weightBytes() const;

    /// x:(N, input...) prepared as for training → logits:(N, classes), resized.
    /// Threads: any thread, concurrently; each thread reuses its own buffers.
    void forward(const Tensor& x, Tensor& logits) const { forward(x, logits, bestInt8Kernel()); }
    void forward(const Tensor& x, Tensor& logits, Int8Kernel kernel) const;

    /// The model with every quantized weight replaced by scales[o]·values[o][k]: what the float
    /// paths (saliency) and the file's weight checksum use.
    static void dequantizeInto(Model& model, const std::vector<QuantizedLayer>& layers);

    struct Step;  // one layer of the plan (quantized_model.cpp)

private:
    QuantizedModel(const Model& model) : m_model(model) {}
    void planU8Chains();  // create(): which outputs stay u8 for the next int8 layer

    Model m_model;
    std::vector<QuantizedLayer> m_layers;
    std::vector<std::shared_ptr<Step>> m_steps;  // one per layer that runs (fused ReLUs have none)
    std::uint64_t m_id = 0;                            // keys each thread's buffers
};

}  // namespace studio
