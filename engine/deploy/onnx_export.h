#pragma once
// ONNX export of a ModelSnapshot: one graph that ONNX Runtime, OpenCV DNN (4.6), TensorRT or
// Triton runs, built with ONNX's own protobuf classes (onnx_graph.h) and accepted by its checker.
//
//   pixels:(N, C, H, W) float32 in [0, 1] at the model's input size (feature models: (N, F) raw)
//     → Sub(mean) · Mul(1/std)          the model's normalization, per channel (per feature)
//     → the layers: Dense as Gemm(transB=1) (Flatten first when its input is not (N, F)),
//       Conv, MaxPool/AveragePool, GlobalAveragePool, Flatten, Relu/LeakyRelu/Elu/Tanh/Sigmoid,
//       GELU as its tanh formula in Mul/Add/Tanh; BatchNorm folded into the Conv/Dense before
//       it (a BatchNormalization node where there is none); Dropout removed
//     → Softmax(axis 1) → probabilities:(N, classes)
//
// Opset kOnnxOpset (13) with no Clip: OpenCV 4.6 DNN imports every node above.
// metadata_props: class_names (JSON array), input_size ("HxW", or "F" for features), channels,
// resize_mode, input ("NCHW float32 pixels in [0,1]" or "N×F float32 features"), normalization
// (JSON mean/std, already inside the graph), dataset, epochs and training_summary (JSON: the
// train config and metrics the model file holds).
//
// This header exposes no ONNX type: code outside engine/ (the CLI, the studio, tests) calls
// exportOnnx. appendModelLayers & co take an OnnxGraph (include onnx_graph.h in engine code):
// the backbone export appends the head after a backbone graph with them.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/infer/snapshot.h"

namespace studio {

class OnnxGraph;

inline constexpr char kOnnxInputName[] = "pixels";
inline constexpr char kOnnxOutputName[] = "probabilities";

/// The whole model as checked ONNX bytes. Errors: a layer kind ONNX export does not know (named,
/// with its index), or the checker refusing the graph (a bug, reported as an Error all the same).
Result<std::vector<std::uint8_t>> exportOnnx(const ModelSnapshot& snapshot);

/// Appends `preprocessing`'s normalization to `input` (per-sample shape preprocessing.inputShape):
/// (x − mean)·(1/std) per channel for images, per feature otherwise. Returns the normalized
/// tensor's name (`input` itself when the normalization is the identity).
std::string appendNormalization(OnnxGraph& graph, const Preprocessing& preprocessing, const std::string& input);

/// Appends every layer of `model` (inference semantics: BatchNorm folded or as a node, Dropout
/// removed) to `input`, a tensor of per-sample shape `perSample` with the same number of values
/// as model.inputShape() (a backbone's (C, 1, 1) output feeds a head built for (C)).
/// Returns the name of the logits tensor, (N, model.outputSize()).
Result<std::string> appendModelLayers(OnnxGraph& graph, const Model& model, const std::string& input,
                                      const Shape& perSample);

/// Softmax over axis 1 of (N, classes) logits; returns the probabilities' name (`outputName`
/// when given and still free).
std::string appendSoftmax(OnnxGraph& graph, const std::string& logits, const std::string& outputName = {});

/// The metadata_props listed at the top of this file.
void setSnapshotMetadata(OnnxGraph& graph, const ModelSnapshot& snapshot);

}  // namespace studio
