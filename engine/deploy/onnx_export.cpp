#include "engine/deploy/onnx_export.h"

#include <cmath>
#include <set>

#include "engine/deploy/backbone_export.h"
#include "engine/deploy/onnx_graph.h"
#include "engine/nn/batchnorm.h"
#include "engine/nn/conv2d.h"

namespace studio {

namespace {

using Dims = std::vector<std::int64_t>;

const Param* findParam(const Layer& layer, const std::string& name) {
    for (const auto& p : layer.params())
        if (p.name == name) return &p;
    return nullptr;
}

/// A BatchNorm in inference form: y = scale·x + shift per channel (unit), computed in double.
struct BnAffine {
    std::vector<double> scale, shift;
};

BnAffine bnAffine(const Layer& bn) {
    const Param* gamma = findParam(bn, "gamma");
    const Param* beta = findParam(bn, "beta");
    const Param* mean = findParam(bn, "running_mean");
    const Param* var = findParam(bn, "running_var");
    STUDIO_ASSERT(gamma && beta && mean && var, "ONNX export: batchnorm without its four params");
    const double eps = dynamic_cast<const BatchNorm&>(bn).epsilon();
    BnAffine a;
    const std::size_t c = gamma->value.size();
    a.scale.resize(c);
    a.shift.resize(c);
    for (std::size_t i = 0; i < c; ++i) {
        const double s = gamma->value[i] / std::sqrt(static_cast<double>(var->value[i]) + eps);
        a.scale[i] = s;
        a.shift[i] = beta->value[i] - mean->value[i] * s;
    }
    return a;
}

/// W:(Out, rest...) and b:(Out) of a conv or dense layer, with a following BatchNorm folded:
/// W'[o] = W[o]·s[o],  b'[o] = b[o]·s[o] + t[o]  (s, t from bnAffine).
struct LinearWeights {
    std::vector<float> weight, bias;
};

LinearWeights linearWeights(const Layer& layer, int outputs, const Layer* foldedBn) {
    const Param* w = findParam(layer, "weight");
    const Param* b = findParam(layer, "bias");
    STUDIO_ASSERT(w != nullptr, "ONNX export: linear layer without weight");
    LinearWeights lw;
    lw.weight.assign(w->value.data(), w->value.data() + w->value.size());
    lw.bias.assign(static_cast<std::size_t>(outputs), 0.0f);
    if (b) lw.bias.assign(b->value.data(), b->value.data() + b->value.size());
    if (!foldedBn) return lw;
    const BnAffine a = bnAffine(*foldedBn);
    STUDIO_ASSERT(static_cast<int>(a.scale.size()) == outputs, "ONNX export: batchnorm width mismatch");
    const std::size_t per = lw.weight.size() / static_cast<std::size_t>(outputs);
    for (std::size_t o = 0; o < static_cast<std::size_t>(outputs); ++o) {
        for (std::size_t k = 0; k < per; ++k)
            lw.weight[o * per + k] = static_cast<float>(lw.weight[o * per + k] * a.scale[o]);
        lw.bias[o] = static_cast<float>(lw.bias[o] * a.scale[o] + a.shift[o]);
    }
    return lw;
}

/// Walks the layers, keeping the current tensor's name and its per-sample shape as ONNX sees it.
class LayerLowering {
public:
    LayerLowering(OnnxGraph& g, const Model& model, std::string input, Shape perSample)
        : m_g(g), m_model(model), m_cur(std::move(input)), m_shape(std::move(perSample)) {}

    Result<std::string> run() {
        for (int i = 0; i < m_model.layerCount(); ++i) {
            if (m_folded.count(i)) continue;
            if (auto s = lower(i); !s) return s.error();
        }
        reshapeTo({m_model.outputSize()});
        return m_cur;
    }

private:
    std::string prefix(int i) const { return "layer" + std::to_string(i + 1) + "." + m_model.layer(i).kind(); }

    /// The BatchNorm that directly follows layer i (past any Dropout, an identity at inference).
    const Layer* followingBatchNorm(int i) {
        int j = i + 1;
        while (j < m_model.layerCount() && m_model.layer(j).kind() == "dropout") ++j;
        if (j < m_model.layerCount() && m_model.layer(j).kind() == "batchnorm") {
            m_folded.insert(j);
            return &m_model.layer(j);
        }
        return nullptr;
    }

    /// Makes the current tensor (N, want...): Flatten for a vector, else Reshape (0 keeps N).
    void reshapeTo(const Shape& want) {
        if (m_shape == want) return;
        STUDIO_ASSERT(shapeSize(m_shape) == shapeSize(want), "ONNX export: reshape changes the value count");
        const std::string out = m_g.uniqueName(m_cur + ".reshaped");
        if (want.size() == 1) {
            auto& n = m_g.addNode("Flatten", {m_cur}, {out});
            OnnxGraph::setAttribute(n, "axis", std::int64_t{1});
        } else {
            Dims target{0};
            for (int d : want) target.push_back(d);
            const std::string shape = m_g.addInt64Initializer(out + ".shape", {static_cast<std::int64_t>(target.size())}, target);
            m_g.addNode("Reshape", {m_cur, shape}, {out});
        }
        m_cur = out;
        m_shape = want;
    }

    std::string node(const std::string& op, const std::vector<std::string>& inputs, const std::string& outName,
                     onnx::NodeProto** made = nullptr) {
        const std::string out = m_g.uniqueName(outName);
        auto& n = m_g.addNode(op, inputs, {out});
        if (made) *made = &n;
        return out;
    }

    std::string scalar(const std::string& name, float v) { return m_g.addFloatInitializer(name, {1}, std::span<const float>(&v, 1)); }

    Status lower(int i) {
        const Layer& layer = m_model.layer(i);
        const std::string kind = layer.kind();
        const std::string p = prefix(i);
        if (kind == "dropout") return Status::success();
        if (kind == "dense") return lowerDense(i, p);
        if (kind == "conv2d") return lowerConv(i, p);
        reshapeTo(layer.inputShape());
        onnx::NodeProto* n = nullptr;
        if (kind == "flatten") {
            reshapeTo(layer.outputShape());
        } else if (kind == "maxpool2d" || kind == "avgpool2d") {
            const auto o = layer.options();
            const std::int64_t size = o.value("size", 2);
            const std::int64_t stride = o.value("stride", size);
            m_cur = node(kind == "maxpool2d" ? "MaxPool" : "AveragePool", {m_cur}, p, &n);
            OnnxGraph::setAttribute(*n, "kernel_shape", Dims{size, size});
            OnnxGraph::setAttribute(*n, "strides", Dims{stride, stride});
            m_shape = layer.outputShape();
        } else if (kind == "globalavgpool") {
            m_cur = node("GlobalAveragePool", {m_cur}, p);
            m_shape = {layer.outputShape()[0], 1, 1};
        } else if (kind == "relu") {
            m_cur = node("Relu", {m_cur}, p);
        } else if (kind == "sigmoid") {
            m_cur = node("Sigmoid", {m_cur}, p);
        } else if (kind == "tanh") {
            m_cur = node("Tanh", {m_cur}, p);
        } else if (kind == "leakyrelu" || kind == "elu") {
            m_cur = node(kind == "leakyrelu" ? "LeakyRelu" : "Elu", {m_cur}, p, &n);
            OnnxGraph::setAttribute(*n, "alpha", layer.options().value("alpha", kind == "elu" ? 1.0f : 0.01f));
        } else if (kind == "gelu") {
            lowerGelu(p);
        } else if (kind == "batchnorm") {
            lowerBatchNorm(layer, p);
        } else {
            return Error::unsupported("Layer " + std::to_string(i + 1) + " (" + kind + ") has no ONNX export.",
                                      "Replace it with a supported layer kind to export this model.");
        }
        return Status::success();
    }

    Status lowerDense(int i, const std::string& p) {
        const Layer& layer = m_model.layer(i);
        reshapeTo({static_cast<int>(shapeSize(layer.inputShape()))});
        const int out = layer.outputShape()[0];
        const LinearWeights lw = linearWeights(layer, out, followingBatchNorm(i));
        const std::string w = m_g.addFloatInitializer(p + ".weight", {out, m_shape[0]}, lw.weight);
        const std::string b = m_g.addFloatInitializer(p + ".bias", {out}, lw.bias);
        onnx::NodeProto* n = nullptr;
        m_cur = node("Gemm", {m_cur, w, b}, p, &n);
        OnnxGraph::setAttribute(*n, "transB", std::int64_t{1});
        m_shape = {out};
        return Status::success();
    }

    Status lowerConv(int i, const std::string& p) {
        const auto& layer = dynamic_cast<const Conv2D&>(m_model.layer(i));
        reshapeTo(layer.inputShape());
        const ConvGeometry& geo = layer.geometry();
        const int f = layer.filters();
        const LinearWeights lw = linearWeights(layer, f, followingBatchNorm(i));
        const std::string w = m_g.addFloatInitializer(p + ".weight", {f, geo.channels, geo.kernel, geo.kernel}, lw.weight);
        const std::string b = m_g.addFloatInitializer(p + ".bias", {f}, lw.bias);
        onnx::NodeProto* n = nullptr;
        m_cur = node("Conv", {m_cur, w, b}, p, &n);
        const std::int64_t k = geo.kernel, s = geo.stride, pad = geo.padding;
        OnnxGraph::setAttribute(*n, "kernel_shape", Dims{k, k});
        OnnxGraph::setAttribute(*n, "strides", Dims{s, s});
        OnnxGraph::setAttribute(*n, "pads", Dims{pad, pad, pad, pad});
        m_shape = layer.outputShape();
        return Status::success();
    }

    // The engine's tanh form, as PyTorch's approximate='tanh': 0.5·x·(1 + tanh(c·(x + k·x³))).
    void lowerGelu(const std::string& p) {
        const std::string x = m_cur;
        const std::string x2 = node("Mul", {x, x}, p + ".x2");
        const std::string x3 = node("Mul", {x2, x}, p + ".x3");
        const std::string kx3 = node("Mul", {x3, scalar(p + ".k", 0.044715f)}, p + ".kx3");
        const std::string inner = node("Add", {x, kx3}, p + ".inner");
        const std::string u = node("Mul", {inner, scalar(p + ".c", 0.7978845608028654f)}, p + ".u");
        const std::string t = node("Tanh", {u}, p + ".tanh");
        const std::string t1 = node("Add", {t, scalar(p + ".one", 1.0f)}, p + ".t1");
        const std::string xt = node("Mul", {x, t1}, p + ".xt");
        m_cur = node("Mul", {xt, scalar(p + ".half", 0.5f)}, p);
    }

    // A BatchNorm with no Conv/Dense right before it (after an activation, or first).
    void lowerBatchNorm(const Layer& bn, const std::string& p) {
        const BnAffine a = bnAffine(bn);
        std::vector<float> scale(a.scale.begin(), a.scale.end()), shift(a.shift.begin(), a.shift.end());
        const std::vector<float> zeros(scale.size(), 0.0f), ones(scale.size(), 1.0f);
        const Dims d{static_cast<std::int64_t>(scale.size())};
        // Inference form y = scale·x + shift, written as a BatchNormalization with mean 0, var 1.
        const std::string s = m_g.addFloatInitializer(p + ".scale", d, scale);
        const std::string t = m_g.addFloatInitializer(p + ".shift", d, shift);
        const std::string m = m_g.addFloatInitializer(p + ".mean", d, zeros);
        const std::string v = m_g.addFloatInitializer(p + ".var", d, ones);
        onnx::NodeProto* n = nullptr;
        m_cur = node("BatchNormalization", {m_cur, s, t, m, v}, p, &n);
        OnnxGraph::setAttribute(*n, "epsilon", 0.0f);
    }

    OnnxGraph& m_g;
    const Model& m_model;
    std::string m_cur;
    Shape m_shape;
    std::set<int> m_folded;
};

}  // namespace

std::string appendNormalization(OnnxGraph& graph, const Preprocessing& pre, const std::string& input) {
    bool identity = true;
    for (std::size_t g = 0; g < pre.mean.size(); ++g)
        if (pre.mean[g] != 0.0f || pre.stddev[g] != 1.0f) identity = false;
    if (identity || pre.mean.empty()) return input;
    // Broadcast over (N, C, H, W) as (C, 1, 1); over (N, F) as (F). OpenCV 4.6 turns these
    // into its Scale layer, which fails on the equally valid (1, C, 1, 1).
    Dims d{static_cast<std::int64_t>(pre.mean.size())};
    if (pre.isImage && pre.inputShape.size() == 3) d = {static_cast<std::int64_t>(pre.mean.size()), 1, 1};
    std::vector<float> inv(pre.stddev.size());
    for (std::size_t g = 0; g < inv.size(); ++g) inv[g] = 1.0f / pre.stddev[g];   // as Preprocessing::normalize
    const std::string mean = graph.addFloatInitializer("normalize.mean", d, pre.mean);
    const std::string scale = graph.addFloatInitializer("normalize.inv_std", d, inv);
    const std::string centered = graph.uniqueName("normalize.centered");
    graph.addNode("Sub", {input, mean}, {centered});
    const std::string out = graph.uniqueName("normalized");
    graph.addNode("Mul", {centered, scale}, {out});
    return out;
}

Result<std::string> appendModelLayers(OnnxGraph& graph, const Model& model, const std::string& input,
                                      const Shape& perSample) {
    if (shapeSize(perSample) != shapeSize(model.inputShape()))
        return Error::invalid("The ONNX tensor '" + input + "' has " + shapeToString(perSample) +
                                  " values per sample but the model takes " + shapeToString(model.inputShape()) + ".",
                              "Feed the head a tensor of the size it was trained on.");
    return LayerLowering(graph, model, input, perSample).run();
}

std::string appendSoftmax(OnnxGraph& graph, const std::string& logits, const std::string& outputName) {
    const std::string out = graph.uniqueName(outputName.empty() ? std::string(kOnnxOutputName) : outputName);
    auto& n = graph.addNode("Softmax", {logits}, {out});
    OnnxGraph::setAttribute(n, "axis", std::int64_t{1});
    return out;
}

void setSnapshotMetadata(OnnxGraph& graph, const ModelSnapshot& s) {
    const Preprocessing& pre = s.preprocessing;
    const bool image = pre.isImage && pre.inputShape.size() == 3;
    graph.setMetadata("class_names", nlohmann::json(s.classNames).dump());
    if (image) {
        graph.setMetadata("input_size", std::to_string(pre.inputShape[2]) + "x" + std::to_string(pre.inputShape[1]));
        graph.setMetadata("input_width", std::to_string(pre.inputShape[2]));
        graph.setMetadata("input_height", std::to_string(pre.inputShape[1]));
        graph.setMetadata("channels", std::to_string(pre.inputShape[0]));
        graph.setMetadata("resize_mode", pre.resize);
        graph.setMetadata("input", "NCHW float32 pixels in [0,1] (RGB or gray), normalization inside the graph");
    } else {
        graph.setMetadata("input_size", std::to_string(shapeSize(pre.inputShape)));
        graph.setMetadata("channels", "0");
        graph.setMetadata("resize_mode", "none");
        graph.setMetadata("input", "N×F float32 features as in the dataset, normalization inside the graph");
    }
    graph.setMetadata("output", "N×classes float32 probabilities (softmax), in class_names order");
    graph.setMetadata("normalization", nlohmann::json{{"mean", pre.mean}, {"std", pre.stddev}}.dump());
    graph.setMetadata("dataset", s.datasetName);
    graph.setMetadata("epochs", std::to_string(s.epoch));
    graph.setMetadata("architecture", s.model.spec().name);
    const nlohmann::json summary = {{"dataset", s.datasetName},
                                    {"epochs", s.epoch},
                                    {"parameters", s.model.paramCount()},
                                    {"train_config", s.trainConfig},
                                    {"metrics", s.metrics}};
    graph.setMetadata("training_summary", summary.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

Result<std::vector<std::uint8_t>> exportOnnx(const ModelSnapshot& s) {
    if (s.backbone) return exportBackboneOnnx(s);  // backbone and head as one graph
    const Shape& inShape = s.model.inputShape();
    if (s.preprocessing.inputShape != inShape)
        return Error::invalid("The model's preprocessing is for " + shapeToString(s.preprocessing.inputShape) +
                                  " inputs but its first layer takes " + shapeToString(inShape) + ".",
                              "Re-save the model from the studio or the CLI; this file is inconsistent.");
    OnnxGraph graph(s.model.spec().name.empty() ? std::string("training_studio_model") : s.model.spec().name);
    const std::string input = graph.addInput(kOnnxInputName, inShape);
    const std::string normalized = appendNormalization(graph, s.preprocessing, input);
    auto logits = appendModelLayers(graph, s.model, normalized, inShape);
    if (!logits) return logits.error();
    const std::string probs = appendSoftmax(graph, *logits, kOnnxOutputName);
    graph.addOutput(probs, {s.model.outputSize()});
    setSnapshotMetadata(graph, s);
    STUDIO_TRY(graph.check("the exported model"));
    return graph.serialize();
}

}  // namespace studio
