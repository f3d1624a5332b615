#include "engine/deploy/backbone_export.h"

#include <unordered_set>

#include "engine/deploy/backbone.h"
#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_graph.h"

namespace studio {

namespace {

constexpr char kNodePrefix[] = "onnx_node!";
constexpr char kOutputPrefix[] = "onnx_node_output_";

Result<std::string> tensorOf(const onnx::ModelProto& model, const std::string& layer, const std::string& label) {
    const auto& nodes = model.graph().node();
    const std::string prefix = kNodePrefix;
    if (layer.rfind(prefix, 0) == 0) {
        const std::string nodeName = layer.substr(prefix.size());
        for (const auto& n : nodes)
            if (n.name() == nodeName && n.output_size() > 0) return n.output(0);
    }
    std::string tensor = layer;
    if (layer.rfind(kOutputPrefix, 0) == 0)
        if (const auto bang = layer.find('!'); bang != std::string::npos) tensor = layer.substr(bang + 1);
    for (const auto& n : nodes)
        for (const auto& o : n.output())
            if (o == tensor) return tensor;
    return Error::invalid("The backbone '" + label + "' layer '" + layer +
                              "' is not the output of one ONNX node, so the export cannot cut the graph there.",
                          "Train the head on a layer that is a node's output (backbone-layers lists them; a "
                          "pooling or activation output works).");
}

// The backbone's (non-constant) input name.
std::string graphInput(const onnx::GraphProto& g) {
    std::unordered_set<std::string> constants;
    for (const auto& t : g.initializer()) constants.insert(t.name());
    for (const auto& in : g.input())
        if (!constants.count(in.name())) return in.name();
    return {};
}

}  // namespace

Result<std::string> featureTensorName(const std::vector<std::uint8_t>& onnx, const std::string& layer,
                                      const std::string& label) {
    auto model = parseOnnxModel(onnx, label);
    if (!model) return model.error();
    return tensorOf(*model, layer, label);
}

Result<std::vector<std::uint8_t>> exportBackboneOnnx(const ModelSnapshot& s) {
    STUDIO_ASSERT(s.backbone, "exportBackboneOnnx: the snapshot has no backbone");
    const Backbone& backbone = *s.backbone;
    const std::string& label = backbone.label();
    auto parsed = parseOnnxModel(backbone.onnxBytes(), label);
    if (!parsed) return parsed.error();
    onnx::ModelProto model = std::move(*parsed);
    auto feature = tensorOf(model, backbone.featureLayer(), label);
    if (!feature) return feature.error();
    const std::string oldInput = graphInput(model.graph());

    // Keep the nodes the feature tensor depends on, in their order; drop outputs, shapes and
    // constants nothing kept reads.
    onnx::GraphProto& g = *model.mutable_graph();
    std::unordered_set<std::string> needed = {*feature};
    std::vector<bool> keep(static_cast<std::size_t>(g.node_size()), false);
    for (int i = g.node_size() - 1; i >= 0; --i) {
        const auto& n = g.node(i);
        bool used = false;
        for (const auto& o : n.output()) used = used || needed.count(o) > 0;
        if (!used) continue;
        keep[static_cast<std::size_t>(i)] = true;
        for (const auto& in : n.input()) needed.insert(in);
    }
    google::protobuf::RepeatedPtrField<onnx::NodeProto> kept;
    for (int i = 0; i < g.node_size(); ++i)
        if (keep[static_cast<std::size_t>(i)]) *kept.Add() = g.node(i);
    g.mutable_node()->Swap(&kept);
    g.clear_output();
    g.clear_value_info();
    google::protobuf::RepeatedPtrField<onnx::TensorProto> initializers;
    for (const auto& t : g.initializer())
        if (needed.count(t.name())) *initializers.Add() = t;
    g.mutable_initializer()->Swap(&initializers);
    google::protobuf::RepeatedPtrField<onnx::ValueInfoProto> inputs;
    for (const auto& in : g.input())
        if (in.name() != oldInput && needed.count(in.name())) *inputs.Add() = in;
    g.mutable_input()->Swap(&inputs);
    model.clear_metadata_props();

    OnnxGraph graph(std::move(model));  // reserves every name the kept nodes use
    const int backboneNodes = graph.graph().node_size();
    if (graph.opset() < 11)
        return Error::unsupported("The backbone '" + label + "' uses ONNX opset " + std::to_string(graph.opset()) +
                                      "; the export appends the head at opset 11 or later.",
                                  "Convert the backbone to opset 11–13 (onnx.version_converter) and train again.");
    const Shape& in = s.preprocessing.inputShape;
    const std::string pixels = graph.addInput(kOnnxInputName, in);
    const std::string normalized = appendNormalization(graph, s.preprocessing, pixels);
    // The normalization's nodes were appended; they run first (nodes are in topological order).
    auto& nodes = *graph.graph().mutable_node();
    for (int i = 0; i < backboneNodes; ++i)
        for (auto& input : *nodes.Mutable(i)->mutable_input())
            if (input == oldInput) input = normalized;
    for (int k = backboneNodes; k < nodes.size(); ++k)
        for (int j = k; j > k - backboneNodes; --j) nodes.SwapElements(j, j - 1);
    // The features as (N, F, 1, 1), normalized per "channel": OpenCV 4.6 runs a (1, C, 1, 1)
    // broadcast Sub/Mul on any batch, but refuses a (1, F) one on (N, F) for N > 1.
    const int features = backbone.featureSize();
    const std::vector<std::int64_t> columnShape = {-1, features, 1, 1};
    const std::string shape = graph.addInt64Initializer("backbone_features.shape", {4}, columnShape);
    const std::string column = graph.uniqueName("backbone_features");
    graph.addNode("Reshape", {*feature, shape}, {column});
    Preprocessing perFeature = backbone.featureNormalization();
    perFeature.inputShape = {features, 1, 1};
    perFeature.isImage = true;
    const std::string headInput = appendNormalization(graph, perFeature, column);
    auto logits = appendModelLayers(graph, s.model, headInput, Shape{features, 1, 1});
    if (!logits) return logits.error();
    const std::string probs = appendSoftmax(graph, *logits, kOnnxOutputName);
    graph.addOutput(probs, {s.model.outputSize()});
    setSnapshotMetadata(graph, s);
    graph.setMetadata("backbone_sha256", backbone.sha256());
    graph.setMetadata("backbone_feature_layer", backbone.featureLayer());
    graph.setMetadata("backbone_features", std::to_string(features));
    STUDIO_TRY(graph.check("the exported model with its backbone"));
    return graph.serialize();
}

}  // namespace studio
