#include "engine/deploy/onnx_parity.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <limits>

#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>

#include "engine/deploy/onnx_graph.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/train/train_config.h"

namespace studio {

namespace {

constexpr int kChunk = 250;   // images per forward call in both runtimes

std::string figure(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// Softmax in double of one row of logits (what the graph's Softmax node computes).
void softmaxRow(const float* logits, int classes, std::vector<double>& p) {
    p.resize(static_cast<std::size_t>(classes));
    double m = logits[0];
    for (int c = 1; c < classes; ++c) m = std::max(m, static_cast<double>(logits[c]));
    double sum = 0.0;
    for (int c = 0; c < classes; ++c) sum += p[static_cast<std::size_t>(c)] = std::exp(logits[c] - m);
    for (auto& v : p) v /= sum;
}

template <typename T>
int argmax(const T* v, int n) {
    int best = 0;
    for (int c = 1; c < n; ++c)
        if (v[c] > v[best]) best = c;
    return best;
}

// Gap between the largest and the second largest probability.
double topTwoGap(const std::vector<double>& p) {
    double a = -1.0, b = -1.0;
    for (double v : p) {
        if (v > a) {
            b = a;
            a = v;
        } else if (v > b) {
            b = v;
        }
    }
    return b < 0.0 ? 1.0 : a - b;
}

Result<cv::dnn::Net> loadInOpenCv(std::span<const std::uint8_t> onnx, const std::string& label) {
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(onnx.data()), onnx.size());
        if (net.empty())
            return Error::corrupt("OpenCV DNN loaded no layers from '" + label + "'.",
                                  "Export the model again; the file may be truncated.");
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return net;
    } catch (const std::exception& e) {
        return Error::corrupt("OpenCV DNN cannot load '" + label + "': " + e.what(),
                              "Export the model again; if it keeps failing, report it with the .tsmodel file.");
    }
}

}  // namespace

Result<ParityImages> parityImages(const DatasetBundle& bundle, const ModelSnapshot& snapshot, int max) {
    ParityImages out;
    if (bundle.test) {
        out.data = &*bundle.test;
        out.where = "official test set";
        for (int i = 0; i < bundle.test->size(); ++i) out.indices.push_back(i);
    } else {
        TrainConfig config;
        if (auto c = TrainConfig::fromJson(snapshot.trainConfig)) config = *c;
        const DataSplit split = splitDataset(bundle, config.validationFraction, config.testFraction, config.seed);
        out.data = &bundle.pool;
        out.indices = split.test;
        out.where = "test split";
        if (out.indices.empty()) {
            out.indices = split.validation;
            out.where = "validation split";
        }
    }
    if (out.indices.empty())
        return Error::invalid("Dataset '" + bundle.pool.name() + "' has no test or validation images to check the export on.",
                              "Choose a dataset with a test set, or train with a validation or test fraction above 0.");
    // An even spread over the whole set, not only its first classes or files.
    if (static_cast<int>(out.indices.size()) > max) {
        std::vector<int> picked;
        const double step = static_cast<double>(out.indices.size()) / max;
        for (int k = 0; k < max; ++k) picked.push_back(out.indices[static_cast<std::size_t>(k * step)]);
        out.indices = std::move(picked);
    }
    return out;
}

Status checkOnnxBytes(std::span<const std::uint8_t> onnx, const std::string& label) {
    auto model = parseOnnxModel(onnx, label);
    if (!model) return model.error();
    return checkOnnxModel(*model, "'" + label + "'");
}

Result<OnnxSummary> readOnnxSummary(std::span<const std::uint8_t> onnx, const std::string& label) {
    auto model = parseOnnxModel(onnx, label);
    if (!model) return model.error();
    OnnxSummary s;
    for (const auto& p : model->metadata_props()) s.metadata[p.key()] = p.value();
    for (const auto& n : model->graph().node()) s.opTypes.push_back(n.op_type());
    s.opset = OnnxGraph(std::move(*model)).opset();
    return s;
}

Result<OnnxParityReport> checkOnnxParity(const ModelSnapshot& snapshot, std::span<const std::uint8_t> onnx,
                                         const Dataset& data, const std::vector<int>& indices,
                                         const std::string& label) {
    const auto start = std::chrono::steady_clock::now();
    const Shape& in = snapshot.preprocessing.inputShape;  // the whole model's input (a backbone's too)
    if (data.sampleShape() != in)
        return Error::invalid("Dataset '" + data.name() + "' has samples of " + shapeToString(data.sampleShape()) +
                                  " but the model takes " + shapeToString(in) + ".",
                              "Check the export on the dataset the model was trained on.");
    if (data.classCount() != snapshotClasses(snapshot))
        return Error::invalid("Dataset '" + data.name() + "' has " + std::to_string(data.classCount()) +
                                  " classes but the model knows " + std::to_string(snapshotClasses(snapshot)) + ".",
                              "Check the export on the dataset the model was trained on.");
    if (indices.empty())
        return Error::invalid("No images to check the ONNX export '" + label + "' on.",
                              "Choose a dataset with test or validation images.");

    auto parsed = parseOnnxModel(onnx, label);
    if (!parsed) return parsed.error();
    STUDIO_TRY(checkOnnxModel(*parsed, "'" + label + "'"));
    OnnxParityReport r;
    r.opset = OnnxGraph(std::move(*parsed)).opset();
    auto net = loadInOpenCv(onnx, label);
    if (!net) return net.error();

    const int classes = snapshotClasses(snapshot);
    const std::size_t per = shapeSize(in);
    std::vector<double> p;
    Tensor x, logits;
    for (std::size_t first = 0; first < indices.size(); first += kChunk) {
        const int n = static_cast<int>(std::min<std::size_t>(kChunk, indices.size() - first));
        Shape xs{n};
        xs.insert(xs.end(), in.begin(), in.end());
        x.resize(xs);
        std::vector<int> blobDims(xs.begin(), xs.end());
        cv::Mat blob(static_cast<int>(blobDims.size()), blobDims.data(), CV_32F);
        for (int k = 0; k < n; ++k) {
            float* sample = x.sample(k);
            data.sampleAsFloat(indices[first + static_cast<std::size_t>(k)], sample);
            std::copy(sample, sample + per, blob.ptr<float>() + static_cast<std::size_t>(k) * per);
            snapshot.preprocessing.normalize(sample);
        }
        snapshotLogits(snapshot, x, logits);
        cv::Mat out;
        try {
            net->setInput(blob);
            out = net->forward();
        } catch (const std::exception& e) {
            return Error::corrupt("OpenCV DNN cannot run '" + label + "': " + e.what(),
                                  "Export the model again; if it keeps failing, report it with the .tsmodel file.");
        }
        if (out.type() != CV_32F || out.total() != static_cast<std::size_t>(n) * static_cast<std::size_t>(classes))
            return Error::corrupt("OpenCV DNN returned " + std::to_string(out.total()) + " values for " +
                                      std::to_string(n) + " images of " + std::to_string(classes) + " classes from '" +
                                      label + "'.",
                                  "The file's output is not (N, classes) probabilities: export it again.");
        const cv::Mat flat = out.isContinuous() ? out : out.clone();
        for (int k = 0; k < n; ++k) {
            softmaxRow(logits.sample(k), classes, p);
            const float* q = flat.ptr<float>() + static_cast<std::size_t>(k) * static_cast<std::size_t>(classes);
            for (int c = 0; c < classes; ++c) {
                const double d = std::abs(p[static_cast<std::size_t>(c)] - q[c]);
                // NaN from either runtime (a model whose activations overflow) must fail too:
                // std::max would drop it.
                r.maxAbsDiff = std::isfinite(d) ? std::max(r.maxAbsDiff, d) : std::numeric_limits<double>::infinity();
            }
            if (argmax(p.data(), classes) == argmax(q, classes)) {
                ++r.top1Agreements;
            } else if (topTwoGap(p) > kParityTieMargin) {
                ++r.decisiveMismatches;
            }
        }
        r.images += n;
    }
    r.top1Agreement = static_cast<double>(r.top1Agreements) / r.images;
    r.passed = r.maxAbsDiff <= kParityMaxAbsDiff && r.decisiveMismatches == 0;
    const std::string figures = "top-1 agreement " + std::to_string(r.top1Agreements) + "/" + std::to_string(r.images) +
                                ", max |Δp| " + figure(r.maxAbsDiff);
    if (r.passed)
        r.verdict = "Parity passed: " + figures + " (limit " + figure(kParityMaxAbsDiff) + ").";
    else if (r.decisiveMismatches > 0)
        r.verdict = "Parity FAILED: " + std::to_string(r.decisiveMismatches) +
                    " images get another class in OpenCV DNN although the engine's top two differ by more than " +
                    figure(kParityTieMargin) + "; " + figures + ".";
    else if (!std::isfinite(r.maxAbsDiff))
        r.verdict = "Parity FAILED: non-finite probabilities (the model's activations overflow float32); " + figures + ".";
    else
        r.verdict = "Parity FAILED: max |Δp| " + figure(r.maxAbsDiff) + " is above " + figure(kParityMaxAbsDiff) +
                    "; " + figures + ".";
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

}  // namespace studio
