#include "engine/deploy/qdq_export.h"

#include <string>

#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_graph.h"
#include "engine/deploy/quantized_model.h"

namespace studio {

namespace {

// The float weight initializer `name` (its dims), removed from the graph: the int8 one replaces it.
Result<std::vector<std::int64_t>> takeInitializer(onnx::GraphProto& g, const std::string& name) {
    auto* inits = g.mutable_initializer();
    for (int i = 0; i < inits->size(); ++i)
        if (inits->Get(i).name() == name) {
            std::vector<std::int64_t> dims(inits->Get(i).dims().begin(), inits->Get(i).dims().end());
            inits->DeleteSubrange(i, 1);
            return dims;
        }
    return Error::invalid("The QDQ export found no weight '" + name + "' in the float graph.",
                          "This is a bug in the export; export the float model instead.");
}

}  // namespace

Result<std::vector<std::uint8_t>> exportQdqOnnx(const ModelSnapshot& s) {
    if (!s.quantized)
        return Error::invalid("The model is not INT8, so it has no QDQ form.",
                              "Quantize it first (training-studio-cli quantize), or export it as float ONNX.");
    if (s.backbone)
        return Error::unsupported("A model with a frozen backbone cannot be exported as QDQ ONNX.",
                                  "Export it as float ONNX.");
    const Shape& inShape = s.model.inputShape();
    OnnxGraph graph(s.model.spec().name.empty() ? std::string("training_studio_int8") : s.model.spec().name + "_int8");
    const std::string input = graph.addInput(kOnnxInputName, inShape);
    const std::string normalized = appendNormalization(graph, s.preprocessing, input);
    auto logits = appendModelLayers(graph, s.model, normalized, inShape);
    if (!logits) return logits.error();
    const std::string probs = appendSoftmax(graph, *logits, kOnnxOutputName);
    graph.addOutput(probs, {s.model.outputSize()});
    setSnapshotMetadata(graph, s);
    if (s.metrics.contains("quantization")) graph.setMetadata("quantization", s.metrics["quantization"].dump());

    // Rewrite each Conv/Gemm (in model order, one per int8 layer) to read Q/DQ'd inputs and
    // dequantized int8 weights; every other node is kept as it was, in order.
    onnx::GraphProto& g = graph.graph();
    const std::vector<onnx::NodeProto> nodes(g.node().begin(), g.node().end());
    g.clear_node();
    const auto& layers = s.quantized->layers();
    std::size_t next = 0;
    for (const onnx::NodeProto& node : nodes) {
        const bool linear = node.op_type() == "Conv" || node.op_type() == "Gemm";
        if (!linear || next == layers.size() || node.input_size() < 2) {
            *g.add_node() = node;
            continue;
        }
        const QuantizedLayer& q = layers[next++];
        const std::string base = "layer" + std::to_string(q.layerIndex + 1);
        auto dims = takeInitializer(g, node.input(1));
        if (!dims) return dims.error();
        const std::int64_t outputs = dims->empty() ? 0 : (*dims)[0];
        if (static_cast<std::size_t>(outputs) != q.scales.size())
            return Error::invalid("The QDQ export's " + base + " has " + std::to_string(outputs) +
                                      " outputs in the graph but " + std::to_string(q.scales.size()) + " scales.",
                                  "This is a bug in the export; export the float model instead.");
        const float xScale = q.input.scale;
        const auto xZero = static_cast<std::uint8_t>(q.input.zeroPoint);
        const std::string xs = graph.addFloatInitializer(base + "_input_scale", {}, std::span<const float>(&xScale, 1));
        const std::string xz = graph.addUint8Initializer(base + "_input_zero_point", {}, std::span<const std::uint8_t>(&xZero, 1));
        // X_quantized / X_scale / X_zero_point, as ONNX Runtime's quantizer names them: OpenCV's
        // importer finds a weight's scale by that pattern (it then refuses per-channel scales).
        const std::string wq = graph.addInt8Initializer(base + "_weight_quantized", *dims, q.values);
        const std::string ws = graph.addFloatInitializer(base + "_weight_scale", {outputs}, q.scales);
        const std::vector<std::int8_t> zeros(q.scales.size(), 0);
        const std::string wz = graph.addInt8Initializer(base + "_weight_zero_point", {outputs}, zeros);

        const std::string xq = graph.uniqueName(base + "_input_quantized");
        const std::string xdq = graph.uniqueName(base + "_input_dequantized");
        const std::string wdq = graph.uniqueName(base + "_weight_dequantized");
        graph.addNode("QuantizeLinear", {node.input(0), xs, xz}, {xq});
        graph.addNode("DequantizeLinear", {xq, xs, xz}, {xdq});
        auto& dq = graph.addNode("DequantizeLinear", {wq, ws, wz}, {wdq});
        OnnxGraph::setAttribute(dq, "axis", std::int64_t{0});
        onnx::NodeProto rewritten = node;
        rewritten.set_input(0, xdq);
        rewritten.set_input(1, wdq);
        *g.add_node() = rewritten;
    }
    if (next != layers.size())
        return Error::invalid("The QDQ export matched " + std::to_string(next) + " of the " +
                                  std::to_string(layers.size()) + " INT8 layers to graph nodes.",
                              "This is a bug in the export; export the float model instead.");
    STUDIO_TRY(graph.check("the exported QDQ model"));
    return graph.serialize();
}

}  // namespace studio
