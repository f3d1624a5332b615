#pragma once
// QDQ ONNX export of an INT8 snapshot: the float export's graph (onnx_export.h: normalization,
// layers, softmax, metadata) of the snapshot's BatchNorm-folded model, in which every int8
// layer reads
//
//   x → QuantizeLinear(s_x, z_x: uint8) → DequantizeLinear → Conv / Gemm(transB=1)
//   W_q: int8 initializer → DequantizeLinear(scales: float (Out), zero points: int8 (Out), axis 0)
//
// — the int8 weights themselves (no float copy) with their per-output-channel scales, and the
// calibrated u8 activation scale and zero point: the standard form ONNX Runtime and TensorRT turn
// into integer kernels. Opset 13 (the first with per-axis DequantizeLinear); checked with ONNX's
// checker. metadata_props add "quantization": the calibration method and counts.
// OpenCV 4.6 DNN does not run it: its importer refuses per-channel scales ("Per-channel
// scales/zeropoints are not supported"), so the parity check reports that instead of figures.

#include <cstdint>
#include <vector>

#include "engine/core/result.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// The checked QDQ bytes. Errors: the snapshot is not INT8 (or has a backbone), a layer the ONNX
/// export does not know, or the checker refusing the graph.
Result<std::vector<std::uint8_t>> exportQdqOnnx(const ModelSnapshot& snapshot);

}  // namespace studio
