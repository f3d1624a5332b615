#pragma once
// OnnxGraph: a thin builder over ONNX's own protobuf classes (Debian libonnx-dev) — no
// hand-written protobuf. Everything that writes ONNX goes through it: the float export
// (onnx_export.h), the QDQ INT8 export and the splicing of a backbone graph in front of a head.
//
//   OnnxGraph g("model");                                   // opset kOnnxOpset, IR version 8
//   std::string x = g.addInput("pixels", {3, 32, 32});      // float32 (N, 3, 32, 32), N dynamic
//   std::string w = g.addFloatInitializer("fc.weight", {10, 3072}, weights);
//   auto& gemm = g.addNode("Gemm", {flat, w, b}, {g.uniqueName("logits")});
//   OnnxGraph::setAttribute(gemm, "transB", 1);
//   g.addOutput(logits, {10});
//   g.setMetadata("class_names", "[\"cat\",\"dog\"]");
//   STUDIO_TRY(g.check());                                  // onnx::checker, as an Error
//   auto bytes = g.serialize();
//
// Only engine/ code includes this header: it needs the ONNX compile definitions
// (ONNX_NAMESPACE=onnx, ONNX_ML=1) that the engine target links privately. Code outside the
// engine uses onnx_export.h / onnx_parity.h, which expose no ONNX types.

#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include <onnx/onnx_pb.h>

#include "engine/core/result.h"
#include "engine/core/tensor.h"

namespace studio {

/// Opset 13: OpenCV 4.6 DNN imports every op the export writes at this opset, and it is the
/// first with per-axis QuantizeLinear/DequantizeLinear (the INT8 QDQ export's weights).
inline constexpr int kOnnxOpset = 13;
/// The symbolic name of every graph input's and output's batch dimension.
inline constexpr char kOnnxBatchDim[] = "N";

class OnnxGraph {
public:
    /// An empty model: IR version 8, the default domain at `opset`, producer "training-studio".
    explicit OnnxGraph(const std::string& graphName, int opset = kOnnxOpset);
    /// Continues an existing model (a backbone to splice a head onto). Every name already in
    /// its graph (initializers, node outputs, inputs, outputs) is reserved for uniqueName().
    explicit OnnxGraph(onnx::ModelProto model);

    onnx::ModelProto& model() { return m_model; }
    const onnx::ModelProto& model() const { return m_model; }
    onnx::GraphProto& graph() { return *m_model.mutable_graph(); }
    const onnx::GraphProto& graph() const { return m_model.graph(); }
    /// The default domain's opset version of the model.
    int opset() const;

    /// `base` if no tensor or node of the graph has that name yet, else base_1, base_2, ...
    /// The returned name is reserved.
    std::string uniqueName(const std::string& base);

    /// Initializers (constants). `dims` is the full shape (no batch dimension is implied);
    /// values.size() must equal its product. Each returns the (unique) tensor name used.
    std::string addFloatInitializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                    std::span<const float> values);
    std::string addInt8Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                   std::span<const std::int8_t> values);
    std::string addUint8Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                    std::span<const std::uint8_t> values);
    std::string addInt32Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                    std::span<const std::int32_t> values);
    std::string addInt64Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                    std::span<const std::int64_t> values);

    /// A node of the default domain; its name is made unique from opType. Set attributes on the
    /// returned reference before adding the next node (the reference may move).
    onnx::NodeProto& addNode(const std::string& opType, const std::vector<std::string>& inputs,
                             const std::vector<std::string>& outputs);

    static void setAttribute(onnx::NodeProto& node, const std::string& name, std::int64_t value);
    static void setAttribute(onnx::NodeProto& node, const std::string& name, float value);
    static void setAttribute(onnx::NodeProto& node, const std::string& name, const std::string& value);
    static void setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values);
    static void setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values);

    /// Graph input/output of type `elemType` (onnx::TensorProto_DataType_FLOAT by default):
    /// shape (N, perSample...) with N the symbolic batch dimension kOnnxBatchDim.
    /// addInput reserves and returns the (unique) name.
    std::string addInput(const std::string& name, const Shape& perSample,
                         int elemType = onnx::TensorProto_DataType_FLOAT);
    void addOutput(const std::string& name, const Shape& perSample, int elemType = onnx::TensorProto_DataType_FLOAT);

    /// metadata_props: replaces the value of an existing key.
    void setMetadata(const std::string& key, const std::string& value);

    /// onnx::checker::check_model (with its exception turned into an Error naming `label`).
    Status check(const std::string& label = "the ONNX model") const;
    /// The model's protobuf bytes.
    std::vector<std::uint8_t> serialize() const;

private:
    void reserveExistingNames();
    onnx::TensorProto& newInitializer(const std::string& name, const std::vector<std::int64_t>& dims, int elemType,
                                      std::string& uniqueOut);

    onnx::ModelProto m_model;
    std::unordered_set<std::string> m_names;
    int m_nodeCount = 0;
};

/// The checker on a model that did not come from an OnnxGraph.
Status checkOnnxModel(const onnx::ModelProto& model, const std::string& label);
/// Parses protobuf bytes (an exported file, a backbone) without checking them.
Result<onnx::ModelProto> parseOnnxModel(std::span<const std::uint8_t> bytes, const std::string& label);

}  // namespace studio
