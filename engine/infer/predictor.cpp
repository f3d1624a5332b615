#include "engine/infer/predictor.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>

#include "engine/infer/snapshot_forward.h"
#include "engine/infer/workspace_cache.h"

namespace studio {

namespace {

constexpr int kBatchChunk = 32;

using Clock = std::chrono::steady_clock;

double microsecondsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

Result<Prediction> predictDecoded(const ModelSnapshot& snapshot, Result<DecodedImage> image, int topK) {
    if (!image.ok()) return image.error();
    auto x = prepareImage(snapshot.preprocessing, *image);
    if (!x.ok()) return x.error();
    return predictPrepared(snapshot, *x, topK);
}

}  // namespace

void fillPrediction(const float* z, int classes, int topK, Prediction& out) {
    out.probabilities.resize(static_cast<std::size_t>(classes));
    if (classes <= 0) {
        out.top.clear();
        return;
    }
    const float zmax = *std::max_element(z, z + classes);
    double sum = 0.0;
    for (int j = 0; j < classes; ++j) sum += std::exp(static_cast<double>(z[j] - zmax));
    for (int j = 0; j < classes; ++j)
        out.probabilities[static_cast<std::size_t>(j)] =
            static_cast<float>(std::exp(static_cast<double>(z[j] - zmax)) / sum);

    const int k = std::clamp(topK, 0, classes);
    out.top.clear();
    out.top.reserve(static_cast<std::size_t>(k));
    // k passes of arg-max (k is small): the most likely first, the lower class on ties.
    for (int r = 0; r < k; ++r) {
        int best = -1;
        for (int j = 0; j < classes; ++j) {
            bool taken = false;
            for (const auto& t : out.top) taken |= t.first == j;
            if (taken) continue;
            if (best < 0 ||
                out.probabilities[static_cast<std::size_t>(j)] > out.probabilities[static_cast<std::size_t>(best)])
                best = j;
        }
        out.top.emplace_back(best, out.probabilities[static_cast<std::size_t>(best)]);
    }
}

Result<DecodedImage> modelView(const Preprocessing& p, const DecodedImage& image) {
    if (!p.isImage || p.inputShape.size() != 3)
        return Error::invalid("This model takes feature vectors (" + shapeToString(p.inputShape) + "), not images.",
                              "Predict with a model trained on an image dataset.");
    const int channels = p.inputShape[0], height = p.inputShape[1], width = p.inputShape[2];
    if (channels != 1 && channels != 3)
        return Error::unsupported(
            "This model takes " + std::to_string(channels) + "-channel inputs; images have 1 or 3.",
            "Predict with a model trained on gray or RGB images.");
    if (image.channels <= 0 || image.height <= 0 || image.width <= 0 ||
        image.chw.size() != static_cast<std::size_t>(image.channels) * static_cast<std::size_t>(image.height) *
                                static_cast<std::size_t>(image.width))
        return Error::invalid("The image is empty or its pixel data does not match its size.", "Choose another image.");
    return fitImage(image, channels, height, width, p.resize);
}

Result<Tensor> prepareImage(const Preprocessing& p, const DecodedImage& image) {
    auto fitted = modelView(p, image);
    if (!fitted.ok()) return fitted.error();
    Tensor x({1, p.inputShape[0], p.inputShape[1], p.inputShape[2]});
    STUDIO_ASSERT(fitted->chw.size() == x.size(), "prepareImage: fitImage returned another size");
    // Exactly Dataset::sampleAsFloat: pixel · (1/255) in float.
    constexpr float scale = 1.0f / 255.0f;
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(fitted->chw[k]) * scale;
    p.normalize(x.data());
    return x;
}

Prediction predictPrepared(const Model& model, const Tensor& x, int topK) {
    STUDIO_ASSERT(x.rank() >= 1 && x.dim(0) == 1 && x.sampleSize() == shapeSize(model.inputShape()),
                  "predictPrepared: x must be (1, input...)");
    const auto start = Clock::now();
    Workspace& ws = threadWorkspace(model);
    ws.input() = x;
    RunContext ctx;
    ctx.training = false;
    model.forward(ws, ctx);
    Prediction out;
    fillPrediction(ws.output().data(), model.outputSize(), topK, out);
    out.microseconds = microsecondsSince(start);
    return out;
}

Prediction predictPrepared(const ModelSnapshot& snapshot, const Tensor& x, int topK) {
    STUDIO_ASSERT(x.rank() >= 1 && x.dim(0) == 1, "predictPrepared: x must be (1, input...)");
    const auto start = Clock::now();
    thread_local Tensor logits;  // a batch-1 prediction allocates nothing after the first call
    snapshotLogits(snapshot, x, logits);
    Prediction out;
    fillPrediction(logits.data(), snapshotClasses(snapshot), topK, out);
    out.microseconds = microsecondsSince(start);
    return out;
}

Result<Prediction> predictFile(const ModelSnapshot& snapshot, const std::string& path, int topK) {
    return predictDecoded(snapshot, readImageFile(path), topK);
}

Result<Prediction> predictBytes(const ModelSnapshot& snapshot, const std::vector<std::uint8_t>& bytes,
                                const std::string& label, int topK) {
    return predictDecoded(snapshot, decodeImageBytes(bytes, label), topK);
}

std::vector<Prediction> predictBatch(const ModelSnapshot& snapshot, const Tensor& inputs, int topK, ThreadPool* pool) {
    const Shape& input = snapshot.preprocessing.inputShape;
    const std::size_t per = shapeSize(input);
    STUDIO_ASSERT(inputs.rank() >= 1 && inputs.sampleSize() == per, "predictBatch: inputs do not match the model");
    const int n = inputs.dim(0);
    std::vector<Prediction> out(static_cast<std::size_t>(n));
    const int chunks = (n + kBatchChunk - 1) / kBatchChunk;
    const int classes = snapshotClasses(snapshot);
    auto runChunk = [&](int c) {
        const auto start = Clock::now();
        const int first = c * kBatchChunk, count = std::min(kBatchChunk, n - first);
        Shape shape{count};
        shape.insert(shape.end(), input.begin(), input.end());
        Tensor x(shape), logits;
        std::memcpy(x.data(), inputs.sample(first), static_cast<std::size_t>(count) * per * sizeof(float));
        snapshotLogits(snapshot, x, logits);
        for (int i = 0; i < count; ++i)
            fillPrediction(logits.sample(i), classes, topK, out[static_cast<std::size_t>(first + i)]);
        const double each = microsecondsSince(start) / count;
        for (int i = 0; i < count; ++i) out[static_cast<std::size_t>(first + i)].microseconds = each;
    };
    if (pool)
        pool->forEach(chunks, runChunk);
    else
        for (int c = 0; c < chunks; ++c) runChunk(c);
    return out;
}

}  // namespace studio
