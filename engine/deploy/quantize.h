#pragma once
// INT8 post-training quantization of a ModelSnapshot:
//
//   1. fold every BatchNorm that directly follows a Dense or Conv2D into it:
//        W'[o] = W[o]·γ[o]/√(σ²[o]+ε),  b'[o] = (b[o] − μ[o])·γ[o]/√(σ²[o]+ε) + β[o]
//      (the spec loses the BatchNorm layers and the layer gains a bias);
//   2. weights: symmetric per output channel, s_w[o] = max|W'[o]|/127, W_q = round(W'/s_w);
//   3. activations: run the folded float model on N calibration images and record the input
//      range of each Dense/Conv2D — min/max, or the percentile p (and 100−p) of the values,
//      which ignores the rare outliers that would waste the 256 codes. A range that is ≥ 0 gets
//      zero point 0 and s = hi/255; one that goes negative gets an asymmetric u8 zero point.
//
// The result is a snapshot whose `model` is the folded model with the dequantized weights and
// whose `quantized` runs the integer kernels (quantized_model.h).

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/deploy/quantized_model.h"
#include "engine/infer/snapshot.h"

namespace studio {

enum class CalibrationMethod { MinMax, Percentile };

struct QuantizeOptions {
    CalibrationMethod method = CalibrationMethod::Percentile;
    double percentile = 99.99;  // for Percentile: the share of values (in %) the range keeps, (50, 100]
};

/// "minmax" | "percentile" → the method, or an Error naming the choices.
Result<CalibrationMethod> calibrationMethodFromName(const std::string& name);
std::string calibrationMethodName(CalibrationMethod method);

/// The model with each BatchNorm that directly follows a Dense/Conv2D folded into it (same
/// outputs in inference up to float rounding); other layers and weights are copied.
Result<Model> foldBatchNorm(const Model& model);

/// Per output channel symmetric: values in [−127, 127], scales[o] = max|W[o]|/127 (1 for an all-zero row).
QuantizedLayer quantizeWeights(const Tensor& weight, int layerIndex);

/// The INT8 snapshot of `snapshot` (float; an already quantized one is refused), calibrated on
/// data[indices] prepared with the snapshot's preprocessing. `dataLabel` names the calibration
/// set in errors: an empty one, or images whose shape differs from the model's input, are refused.
/// Records the method and count in metrics["quantization"].
Result<ModelSnapshot> quantizeSnapshot(const ModelSnapshot& snapshot, const Dataset& data,
                                       const std::vector<int>& indices, const QuantizeOptions& options,
                                       const std::string& dataLabel);

}  // namespace studio
