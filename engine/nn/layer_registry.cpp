#include "engine/nn/layer_registry.h"

#include "engine/nn/activation.h"
#include "engine/nn/batchnorm.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/dense.h"
#include "engine/nn/dropout.h"
#include "engine/nn/flatten.h"
#include "engine/nn/global_avg_pool.h"
#include "engine/nn/pool2d.h"

namespace studio {

namespace {

using T = LayerOptionInfo::Type;

LayerFactory activation(Activation::Function f) {
    return [f](const nlohmann::json& o, const Shape& in, ParamStorage) { return Activation::create(f, o, in); };
}

LayerFactory pool(Pool2D::Mode mode) {
    return [mode](const nlohmann::json& o, const Shape& in, ParamStorage) { return Pool2D::create(mode, o, in); };
}

// A layer without parameters builds the same either way.
template <Result<std::unique_ptr<Layer>> (*Create)(const nlohmann::json&, const Shape&)>
LayerFactory withoutParams() {
    return [](const nlohmann::json& o, const Shape& in, ParamStorage) { return Create(o, in); };
}

std::vector<LayerKindInfo> makeKinds() {
    std::vector<LayerKindInfo> k;
    k.push_back({"dense", "Dense", "Every output is a weighted sum of all inputs plus a bias.",
                 {{"units", T::Integer, nullptr, 1, 1 << 20, {}, "How many outputs (neurons) the layer has; \"classes\" for the last layer."},
                  {"bias", T::Boolean, true, 0, 0, {}, "Whether each output adds a learned bias."},
                  {"init", T::Choice, "he", 0, 0, {"he", "glorot"}, "How the weights start: He suits ReLU, Glorot suits tanh/sigmoid."}},
                 Dense::create});
    k.push_back({"conv2d", "Conv 2D", "Slides small learned filters over the image; each filter finds one kind of local pattern.",
                 {{"filters", T::Integer, nullptr, 1, 4096, {}, "How many filters, i.e. output channels (feature maps), the layer learns."},
                  {"kernel", T::Integer, 3, 1, 64, {}, "Width and height of each filter in pixels; 3 is the usual choice."},
                  {"stride", T::Integer, 1, 1, 64, {}, "Step between filter positions; 2 halves the output's width and height."},
                  {"padding", T::Integer, 0, 0, 64, {}, "Zero pixels added around the image; kernel/2 keeps the size unchanged."},
                  {"bias", T::Boolean, true, 0, 0, {}, "Whether each filter adds a learned bias (not needed right before batch norm)."},
                  {"init", T::Choice, "he", 0, 0, {"he", "glorot"}, "How the weights start: He suits ReLU, Glorot suits tanh/sigmoid."}},
                 Conv2D::create});
    k.push_back({"maxpool2d", "Max Pool 2D", "Keeps the largest value of each window, shrinking the image while keeping strong features.",
                 {{"size", T::Integer, 2, 1, 64, {}, "Width and height of each pooling window; 2 halves the image."},
                  {"stride", T::Integer, 2, 1, 64, {}, "Step between windows; when not given it equals the window size, so windows do not overlap."}},
                 pool(Pool2D::Mode::Max)});
    k.push_back({"avgpool2d", "Average Pool 2D", "Replaces each window by its average, shrinking the image smoothly.",
                 {{"size", T::Integer, 2, 1, 64, {}, "Width and height of each pooling window; 2 halves the image."},
                  {"stride", T::Integer, 2, 1, 64, {}, "Step between windows; when not given it equals the window size, so windows do not overlap."}},
                 pool(Pool2D::Mode::Average)});
    k.push_back({"globalavgpool",
                 "Global Average Pool",
                 "Averages each channel over the whole image, giving one number per channel.",
                 {},
                 withoutParams<GlobalAvgPool::create>()});
    k.push_back({"batchnorm", "Batch Norm", "Normalizes each channel to zero mean and unit variance over the batch, which lets higher learning rates work.",
                 {{"momentum", T::Number, 0.1, 0, 1, {}, "How fast the running averages used for prediction follow each batch's statistics."},
                  {"epsilon", T::Number, 1e-5, 1e-12, 1, {}, "Small number added to the variance so it never divides by zero."}},
                 BatchNorm::create});
    k.push_back({"dropout",
                 "Dropout",
                 "Randomly zeroes a fraction of values during training so the network cannot rely on any single one.",
                 {{"rate",
                   T::Number,
                   0.5,
                   0,
                   0.99,
                   {},
                   "Fraction of values dropped in each training step (0 turns dropout off)."}},
                 withoutParams<Dropout::create>()});
    k.push_back({"flatten",
                 "Flatten",
                 "Turns an image-shaped input into one long vector.",
                 {},
                 withoutParams<Flatten::create>()});
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

Result<std::unique_ptr<Layer>> createLayer(const std::string& kind, const nlohmann::json& options, const Shape& input,
                                           ParamStorage storage) {
    const LayerKindInfo* info = findLayerKind(kind);
    if (!info) {
        std::string names;
        for (const auto& k : layerKinds()) names += (names.empty() ? "" : ", ") + k.kind;
        return Error::invalid("unknown layer type '" + kind + "' (known: " + names + ")");
    }
    return info->create(options, input, storage);
}

}  // namespace studio
