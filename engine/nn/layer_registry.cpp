#include "engine/nn/layer_registry.h"

#include "engine/nn/activation.h"
#include "engine/nn/dense.h"
#include "engine/nn/flatten.h"

namespace studio {

namespace {

using T = LayerOptionInfo::Type;

LayerFactory activation(Activation::Function f) {
    return [f](const nlohmann::json& o, const Shape& in) { return Activation::create(f, o, in); };
}

std::vector<LayerKindInfo> makeKinds() {
    std::vector<LayerKindInfo> k;
    k.push_back({"dense", "Dense", "Every output is a weighted sum of all inputs plus a bias.",
                 {{"units", T::Integer, nullptr, 1, 1 << 20, {}, "How many outputs (neurons) the layer has; \"classes\" for the last layer."},
                  {"bias", T::Boolean, true, 0, 0, {}, "Whether each output adds a learned bias."},
                  {"init", T::Choice, "he", 0, 0, {"he", "glorot"}, "How the weights start: He suits ReLU, Glorot suits tanh/sigmoid."}},
                 Dense::create});
    k.push_back({"flatten", "Flatten", "Turns an image-shaped input into one long vector.", {}, Flatten::create});
    k.push_back({"relu", "ReLU", "max(0, x): the usual default activation.", {}, activation(Activation::Function::ReLU)});
    k.push_back({"leakyrelu", "Leaky ReLU", "Like ReLU but lets a small slope through for negative inputs.",
                 {{"alpha", T::Number, 0.01, 0, 1, {}, "Slope for negative inputs."}},
                 activation(Activation::Function::LeakyReLU)});
    k.push_back({"elu", "ELU", "Smooth exponential curve for negative inputs.",
                 {{"alpha", T::Number, 1.0, 0, 10, {}, "Value the curve approaches for very negative inputs (−alpha)."}},
                 activation(Activation::Function::ELU)});
    k.push_back({"gelu", "GELU", "Smooth ReLU used in transformers (tanh approximation).", {}, activation(Activation::Function::GELU)});
    k.push_back({"tanh", "Tanh", "Squashes values into (−1, 1).", {}, activation(Activation::Function::Tanh)});
    k.push_back({"sigmoid", "Sigmoid", "Squashes values into (0, 1).", {}, activation(Activation::Function::Sigmoid)});
    return k;
}

}  // namespace

const std::vector<LayerKindInfo>& layerKinds() {
    static const std::vector<LayerKindInfo> kinds = makeKinds();
    return kinds;
}

const LayerKindInfo* findLayerKind(const std::string& kind) {
    for (const auto& k : layerKinds())
        if (k.kind == kind) return &k;
    return nullptr;
}

Result<std::unique_ptr<Layer>> createLayer(const std::string& kind, const nlohmann::json& options, const Shape& input) {
    const LayerKindInfo* info = findLayerKind(kind);
    if (!info) {
        std::string names;
        for (const auto& k : layerKinds()) names += (names.empty() ? "" : ", ") + k.kind;
        return Error::invalid("unknown layer type '" + kind + "' (known: " + names + ")");
    }
    return info->create(options, input);
}

}  // namespace studio
