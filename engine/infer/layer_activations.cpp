#include "engine/infer/layer_activations.h"

#include <algorithm>

#include "engine/deploy/backbone.h"
#include "engine/nn/model.h"

namespace studio {

void valueRange(const float* values, std::size_t count, float& lo, float& hi) {
    lo = hi = 0.0f;
    if (count == 0) return;
    const auto [mn, mx] = std::minmax_element(values, values + count);
    lo = *mn;
    hi = *mx;
}

namespace {

// The layers one by one as Model::forward does (same RunContext per layer, own scratch), so
// each output is kept; Model's Workspace keeps them private.
std::vector<LayerActivation> forwardKeepingOutputs(const Model& model, const Tensor& x) {
    std::vector<LayerActivation> out;
    out.reserve(static_cast<std::size_t>(model.layerCount()));
    Tensor current = x, next;
    RunContext ctx;
    ctx.training = false;
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& layer = model.layer(i);
        LayerScratch scratch;
        ctx.layerIndex = i;
        layer.forward(current, next, scratch, ctx);
        LayerActivation a;
        a.layer = i;
        a.kind = layer.kind();
        a.shape = layer.outputShape();
        a.values.assign(next.data(), next.data() + next.sampleSize());
        valueRange(a.values.data(), a.values.size(), a.minValue, a.maxValue);
        out.push_back(std::move(a));
        std::swap(current, next);
    }
    return out;
}

WeightImage weightImage(const float* w, int channels, int height, int width) {
    WeightImage img;
    img.channels = channels;
    img.height = height;
    img.width = width;
    img.values.assign(w, w + static_cast<std::size_t>(channels) * height * width);
    valueRange(img.values.data(), img.values.size(), img.minValue, img.maxValue);
    return img;
}

}  // namespace

Result<std::vector<LayerActivation>> snapshotActivations(const ModelSnapshot& snapshot, const Tensor& x) {
    const Shape& wanted = snapshot.preprocessing.inputShape.empty() ? snapshot.model.inputShape()
                                                                    : snapshot.preprocessing.inputShape;
    if (x.rank() < 1 || x.dim(0) != 1 || x.sampleSize() != shapeSize(wanted))
        return Error::invalid("Feature maps need one prepared sample of " + shapeToString(wanted) + "; got " +
                                  shapeToString(x.shape()) + ".",
                              "Prepare the image with the model's own preprocessing first.");
    if (!snapshot.backbone) return forwardKeepingOutputs(snapshot.model, x);
    Tensor features;
    if (Status s = snapshot.backbone->headInput(x, features); !s.ok()) return s.error();
    return forwardKeepingOutputs(snapshot.model, features);
}

std::optional<LayerWeights> firstConvFilters(const Model& model) {
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& layer = model.layer(i);
        if (layer.kind() != "conv2d") continue;
        const Tensor& w = layer.params().at(0).value;  // W:(F, C, K, K)
        if (w.rank() != 4 || w.data() == nullptr) return std::nullopt;
        LayerWeights out{i, layer.kind(), {}};
        const int filters = w.dim(0), c = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        const std::size_t each = static_cast<std::size_t>(c) * kh * kw;
        for (int f = 0; f < filters; ++f) out.images.push_back(weightImage(w.data() + f * each, c, kh, kw));
        return out;
    }
    return std::nullopt;
}

std::optional<LayerWeights> firstDenseTemplates(const Model& model) {
    const Shape& input = model.inputShape();
    if (input.size() != 3) return std::nullopt;
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& layer = model.layer(i);
        const std::string kind = layer.kind();
        if (kind == "flatten" || kind == "dropout") continue;
        if (kind != "dense") return std::nullopt;
        const Tensor& w = layer.params().at(0).value;  // W:(Out, In), In = C·H·W of the input
        if (w.rank() != 2 || w.data() == nullptr || static_cast<std::size_t>(w.dim(1)) != shapeSize(input))
            return std::nullopt;
        LayerWeights out{i, kind, {}};
        const std::size_t each = static_cast<std::size_t>(w.dim(1));
        for (int u = 0; u < w.dim(0); ++u)
            out.images.push_back(weightImage(w.data() + u * each, input[0], input[1], input[2]));
        return out;
    }
    return std::nullopt;
}

}  // namespace studio
