#pragma once
// Checks an ONNX file from outside before OpenCV DNN imports it. OpenCV 4.6's importer trusts
// what it reads: a tensor whose dims promise more values than its bytes hold is copied past
// their end, a graph that uses a name nothing defines or an attribute of the wrong kind reaches
// code that was never meant to see it. So the file first goes through ONNX's own protobuf
// classes and checker (the graph is well formed, every op exists in its opset), then our
// budgets: every tensor holds exactly the values its dims state, no data live in other files.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace onnx {
class ModelProto;
}

namespace studio {

/// The ONNX bytes parse, pass ONNX's checker and hold every tensor's data in full (none
/// external). Errors say "OpenCV DNN cannot load the backbone '<label>': <why>." with a hint.
Status checkOnnxBeforeOpenCv(const std::vector<std::uint8_t>& onnx, const std::string& label);

/// The same on a parsed model (the tensors and the checker).
Status checkOnnxBeforeOpenCv(const onnx::ModelProto& model, const std::string& label);

}  // namespace studio
