#include "engine/deploy/quantize.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/nn/batchnorm.h"

namespace studio {

namespace {

bool quantizable(const Layer& layer) { return layer.kind() == "dense" || layer.kind() == "conv2d"; }

// What calibration records of one quantized layer's input.
struct InputRange {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -std::numeric_limits<float>::infinity();
    std::vector<std::uint64_t> histogram;  // over [lo, hi], second pass (percentile)
    std::uint64_t count = 0;
};

constexpr int kBins = 4096;
constexpr int kChunk = 64;

// Runs the float model over the calibration samples chunk by chunk and hands each quantized
// layer's input (the output of the layer before it) to `visit(layerIndex, tensor)`.
template <typename Visit>
void forEachLayerInput(const Model& model, const Preprocessing& prep, const Dataset& data,
                       const std::vector<int>& indices, Visit&& visit) {
    const int layers = model.layerCount();
    std::vector<Tensor> acts(static_cast<std::size_t>(layers) + 1);
    std::vector<LayerScratch> scratch(static_cast<std::size_t>(layers));
    RunContext ctx;
    ctx.training = false;
    const std::size_t sampleSize = shapeSize(model.inputShape());
    for (std::size_t first = 0; first < indices.size(); first += kChunk) {
        const int n = static_cast<int>(std::min<std::size_t>(kChunk, indices.size() - first));
        Shape shape = model.inputShape();
        shape.insert(shape.begin(), n);
        acts[0].resize(shape);
        for (int i = 0; i < n; ++i) {
            float* x = acts[0].data() + static_cast<std::size_t>(i) * sampleSize;
            data.sampleAsFloat(indices[first + static_cast<std::size_t>(i)], x);
            prep.normalize(x);
        }
        for (int l = 0; l < layers; ++l) {
            const auto u = static_cast<std::size_t>(l);
            if (quantizable(model.layer(l))) visit(l, acts[u]);
            ctx.layerIndex = l;
            model.layer(l).forward(acts[u], acts[u + 1], scratch[u], ctx);
        }
    }
}

// The value below which `share` of the histogrammed values lie (bin edges, linear in the bin).
float histogramQuantile(const InputRange& r, double share) {
    const double target = share * static_cast<double>(r.count);
    const double width = (static_cast<double>(r.hi) - r.lo) / kBins;
    double seen = 0;
    for (int b = 0; b < kBins; ++b) {
        const double inBin = static_cast<double>(r.histogram[static_cast<std::size_t>(b)]);
        if (seen + inBin >= target && inBin > 0) {
            const double t = (target - seen) / inBin;
            return static_cast<float>(r.lo + width * (b + t));
        }
        seen += inBin;
    }
    return r.hi;
}

// [lo, hi] (which must hold 0: padding and ReLU zeros are exact) → u8 scale and zero point.
ActivationQuantization activationQuantization(float lo, float hi) {
    lo = std::min(lo, 0.0f);
    hi = std::max(hi, 0.0f);
    if (!(hi - lo > 1e-12f)) return {1.0f, 0};  // a constant zero input: any scale works
    ActivationQuantization q;
    if (lo >= 0.0f) {
        q.scale = hi / 255.0f;
        q.zeroPoint = 0;
    } else {
        q.scale = (hi - lo) / 255.0f;
        q.zeroPoint = std::clamp(static_cast<int>(std::nearbyint(-lo / q.scale)), 0, 255);
    }
    return q;
}

}  // namespace

Result<CalibrationMethod> calibrationMethodFromName(const std::string& name) {
    if (name == "minmax") return CalibrationMethod::MinMax;
    if (name == "percentile") return CalibrationMethod::Percentile;
    return Error::invalid("Unknown calibration method '" + name + "'.", "Use minmax or percentile.");
}

std::string calibrationMethodName(CalibrationMethod method) {
    return method == CalibrationMethod::MinMax ? "minmax" : "percentile";
}

Result<Model> foldBatchNorm(const Model& model) {
    ModelSpec spec = model.spec();
    std::vector<int> kept;       // source layer of each layer of the folded model
    std::vector<int> foldedInto; // per source layer: the folded model's layer a BN folds into, or −1
    spec.layers.clear();
    foldedInto.assign(static_cast<std::size_t>(model.layerCount()), -1);
    for (int i = 0; i < model.layerCount(); ++i) {
        const bool bnAfterLinear = model.layer(i).kind() == "batchnorm" && i > 0 && quantizable(model.layer(i - 1));
        if (bnAfterLinear) {
            foldedInto[static_cast<std::size_t>(i)] = static_cast<int>(kept.size()) - 1;
            spec.layers.back().options.erase("bias");  // the folded layer needs a bias (default on)
            continue;
        }
        spec.layers.push_back(model.spec().layers[static_cast<std::size_t>(i)]);
        kept.push_back(i);
    }
    auto folded = Model::build(spec);
    if (!folded) return folded.error();
    for (std::size_t j = 0; j < kept.size(); ++j) {
        const Layer& src = model.layer(kept[j]);
        Layer& dst = folded->layer(static_cast<int>(j));
        for (std::size_t p = 0; p < src.params().size(); ++p) dst.params()[p].value = src.params()[p].value;
    }
    for (int i = 0; i < model.layerCount(); ++i) {
        const int into = foldedInto[static_cast<std::size_t>(i)];
        if (into < 0) continue;
        const auto& bn = static_cast<const BatchNorm&>(model.layer(i));
        const Tensor& gamma = bn.params()[0].value;
        const Tensor& beta = bn.params()[1].value;
        const Tensor& mean = bn.params()[2].value;
        const Tensor& var = bn.params()[3].value;
        Layer& dst = folded->layer(into);
        Tensor& w = dst.params()[0].value;
        Tensor& b = dst.params()[1].value;
        const int outputs = w.shape()[0];
        const std::size_t perOutput = w.size() / static_cast<std::size_t>(outputs);
        for (int o = 0; o < outputs; ++o) {
            const auto u = static_cast<std::size_t>(o);
            const double factor = gamma[u] / std::sqrt(static_cast<double>(var[u]) + bn.epsilon());
            for (std::size_t k = 0; k < perOutput; ++k) w[u * perOutput + k] = static_cast<float>(w[u * perOutput + k] * factor);
            b[u] = static_cast<float>((static_cast<double>(b[u]) - mean[u]) * factor + beta[u]);
        }
    }
    return std::move(*folded);
}

QuantizedLayer quantizeWeights(const Tensor& weight, int layerIndex) {
    QuantizedLayer q;
    q.layerIndex = layerIndex;
    const int outputs = weight.shape()[0];
    const std::size_t perOutput = weight.size() / static_cast<std::size_t>(outputs);
    q.values.resize(weight.size());
    for (int o = 0; o < outputs; ++o) {
        const float* w = weight.data() + static_cast<std::size_t>(o) * perOutput;
        float maxAbs = 0.0f;
        for (std::size_t k = 0; k < perOutput; ++k) maxAbs = std::max(maxAbs, std::abs(w[k]));
        const float scale = maxAbs > 0.0f ? maxAbs / 127.0f : 1.0f;
        q.scales.push_back(scale);
        for (std::size_t k = 0; k < perOutput; ++k)
            q.values[static_cast<std::size_t>(o) * perOutput + k] =
                static_cast<std::int8_t>(std::clamp(static_cast<int>(std::nearbyint(w[k] / scale)), -127, 127));
    }
    return q;
}

Result<ModelSnapshot> quantizeSnapshot(const ModelSnapshot& snapshot, const Dataset& data,
                                       const std::vector<int>& indices, const QuantizeOptions& options,
                                       const std::string& dataLabel) {
    if (snapshot.quantized)
        return Error::invalid("The model is already INT8.", "Quantize the float model it was made from.");
    if (snapshot.backbone)
        return Error::unsupported("INT8 quantization of a model with a frozen ONNX backbone is not supported.",
                                  "Quantize a model trained without a backbone.");
    if (indices.empty())
        return Error::invalid("Cannot calibrate INT8 activations on an empty set: " + dataLabel +
                                  " gives no calibration samples.",
                              "Calibrate on at least 1 image (--calibration N, e.g. 1000) of a dataset that has training samples.");
    if (data.sampleShape() != snapshot.model.inputShape())
        return Error::invalid("The calibration data " + dataLabel + " has samples of " +
                                  shapeToString(data.sampleShape()) + " but the model takes " +
                                  shapeToString(snapshot.model.inputShape()) + ".",
                              "Calibrate on the dataset the model was trained on.");
    if (options.method == CalibrationMethod::Percentile && !(options.percentile > 50.0 && options.percentile <= 100.0))
        return Error::invalid("The calibration percentile " + std::to_string(options.percentile) + " is outside (50, 100].",
                              "Use a percentile such as 99.99.");
    for (int i : indices)
        if (i < 0 || i >= data.size())
            return Error::invalid("A calibration index is outside " + dataLabel + ".", "Use indices of its samples.");

    auto folded = foldBatchNorm(snapshot.model);
    if (!folded) return folded.error();
    const Model& model = *folded;

    std::vector<InputRange> ranges(static_cast<std::size_t>(model.layerCount()));
    bool finite = true;
    forEachLayerInput(model, snapshot.preprocessing, data, indices, [&](int l, const Tensor& x) {
        InputRange& r = ranges[static_cast<std::size_t>(l)];
        for (std::size_t e = 0; e < x.size(); ++e) {
            finite = finite && std::isfinite(x[e]);
            r.lo = std::min(r.lo, x[e]);
            r.hi = std::max(r.hi, x[e]);
        }
    });
    if (!finite)
        return Error::numerical("The model gives activations that are not finite numbers on " + dataLabel + ".",
                                "Retrain the model with a lower learning rate.");
    if (options.method == CalibrationMethod::Percentile) {
        for (InputRange& r : ranges) r.histogram.assign(kBins, 0);
        forEachLayerInput(model, snapshot.preprocessing, data, indices, [&](int l, const Tensor& x) {
            InputRange& r = ranges[static_cast<std::size_t>(l)];
            const double width = static_cast<double>(r.hi) - r.lo;
            if (!(width > 0)) {
                r.count += x.size();
                r.histogram[0] += x.size();
                return;
            }
            for (std::size_t e = 0; e < x.size(); ++e) {
                const int b = std::min(kBins - 1, static_cast<int>((x[e] - r.lo) / width * kBins));
                ++r.histogram[static_cast<std::size_t>(std::max(b, 0))];
            }
            r.count += x.size();
        });
    }

    std::vector<QuantizedLayer> layers;
    for (int l = 0; l < model.layerCount(); ++l) {
        if (!quantizable(model.layer(l))) continue;
        const InputRange& r = ranges[static_cast<std::size_t>(l)];
        float lo = r.lo, hi = r.hi;
        if (options.method == CalibrationMethod::Percentile && r.count > 0) {
            const double keep = options.percentile / 100.0;
            hi = histogramQuantile(r, keep);
            if (lo < 0.0f) lo = histogramQuantile(r, 1.0 - keep);
        }
        QuantizedLayer q = quantizeWeights(model.layer(l).params()[0].value, l);
        q.input = activationQuantization(lo, hi);
        layers.push_back(std::move(q));
    }

    ModelSnapshot out = snapshot;
    out.model = model;
    QuantizedModel::dequantizeInto(out.model, layers);
    auto quantized = QuantizedModel::create(out.model, std::move(layers), "quantization");
    if (!quantized) return quantized.error();
    out.quantized = std::move(*quantized);
    out.metrics["quantization"] = {{"method", calibrationMethodName(options.method)},
                                   {"percentile", options.method == CalibrationMethod::Percentile
                                                      ? nlohmann::json(options.percentile)
                                                      : nlohmann::json(nullptr)},
                                   {"calibration_samples", indices.size()},
                                   {"calibration_data", dataLabel}};
    return out;
}

}  // namespace studio
