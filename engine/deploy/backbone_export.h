#pragma once
// ONNX export of a model with a frozen backbone as ONE graph: the backbone's own graph cut at
// the feature layer, the head appended after it with the float export's lowering
// (onnx_export.h), so ONNX Runtime or OpenCV DNN run the whole model from one file.
//
//   pixels:(N, C, H, W) float32 in [0, 1]
//     → the snapshot's image normalization (Sub/Mul; none for a Training Studio backbone)
//     → the backbone's nodes that the feature tensor depends on (the rest is dropped)
//     → Reshape to (N, F, 1, 1) → the feature normalization → the head's layers → Softmax
//     → probabilities:(N, classes)
//
// The backbone keeps its opset (its nodes are not rewritten); the head's ops mean the same at
// every opset from 11 on. metadata_props as exportOnnx, plus backbone_sha256 and
// backbone_feature_layer.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// Requires snapshot.backbone. Errors: the feature layer has no ONNX tensor to cut at (named),
/// the backbone's opset is below 11, the head has a layer the export does not know, or the
/// checker refuses the spliced graph.
Result<std::vector<std::uint8_t>> exportBackboneOnnx(const ModelSnapshot& snapshot);

/// The ONNX tensor an OpenCV DNN layer name stands for in `onnx` ("onnx_node!Relu_7" → the
/// node Relu_7's first output; "onnx_node_output_0!t" → t; a graph value's own name → itself).
Result<std::string> featureTensorName(const std::vector<std::uint8_t>& onnx, const std::string& layer,
                                      const std::string& label);

}  // namespace studio
