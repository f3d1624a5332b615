#include "engine/infer/saliency.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>

#include "engine/infer/predictor.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/infer/workspace_cache.h"

namespace studio {

namespace {

// Patches per task: enough work per task to hide scheduling, few enough to use both cores on a
// 28×28 input (169 patches → 11 tasks). Fixed, never from the thread count.
constexpr int kPatchChunk = 16;

using Clock = std::chrono::steady_clock;

Error classOutOfRange(int target, int classes) {
    return Error::invalid(
        "Class " + std::to_string(target) + " does not exist: the model has " + std::to_string(classes) +
            " classes (0–" + std::to_string(classes - 1) + ").",
        "Choose a class from 0 to " + std::to_string(classes - 1) + ", or leave it out for the predicted class.");
}

Error notAnImageModel(const Shape& input) {
    return Error::invalid(
        "Saliency maps need a model that takes images; this one takes feature vectors (" + shapeToString(input) + ").",
        "Train a model on an image dataset to see which pixels matter.");
}

// Top-left corners along one side: 0, s, 2s, … and, if the last patch stops short of the edge,
// one more flush with it, so every pixel is covered at least once. Requires 1 ≤ patch ≤ size.
std::vector<int> patchStarts(int size, int patch, int stride) {
    std::vector<int> starts;
    for (int p = 0; p + patch <= size; p += stride) starts.push_back(p);
    if (starts.back() + patch < size) starts.push_back(size - patch);
    return starts;
}

// values ≥ 0 → values / max in float; all zeros stay zeros.
std::vector<float> normalizedByMax(const std::vector<double>& values) {
    const double top = values.empty() ? 0.0 : *std::max_element(values.begin(), values.end());
    std::vector<float> out(values.size(), 0.0f);
    if (top > 0.0)
        for (std::size_t i = 0; i < values.size(); ++i) out[i] = static_cast<float>(values[i] / top);
    return out;
}

// p(target) of softmax(z) in double: max-shifted, summed in class order. Not the float
// probabilities of fillPrediction: 1 − 1e-9 would round to 1 and every drop to 0.
double targetProbability(const float* z, int classes, int target) {
    const double zmax = *std::max_element(z, z + classes);
    double sum = 0.0;
    for (int j = 0; j < classes; ++j) sum += std::exp(static_cast<double>(z[j]) - zmax);
    return std::exp(static_cast<double>(z[target]) - zmax) / sum;
}

// p(target) at x:(1, input...) through the calling thread's workspace (as predictPrepared).
double forwardTarget(const Model& model, const Tensor& x, int target) {
    Workspace& ws = threadWorkspace(model);
    ws.input() = x;
    RunContext ctx;
    ctx.training = false;
    model.forward(ws, ctx);
    return targetProbability(ws.output().data(), model.outputSize(), target);
}

// p(target) at x:(1, input...) through the whole snapshot (a backbone first, then the head).
double snapshotTarget(const ModelSnapshot& snapshot, const Tensor& x, int target) {
    thread_local Tensor logits;
    snapshotLogits(snapshot, x, logits);
    return targetProbability(logits.data(), snapshotClasses(snapshot), target);
}

// The occlusion patch and stride for an H×W input, or the Error for the ones given.
Result<std::pair<int, int>> occlusionGeometry(const SaliencyOptions& options, int height, int width) {
    const int side = std::min(height, width);
    const int patch = options.patch > 0 ? options.patch : std::max(1, static_cast<int>(std::lround(side / 7.0)));
    const int stride = options.stride != 0 ? options.stride : std::max(1, patch / 2);
    if (patch > side)
        return Error::invalid("An occlusion patch of " + std::to_string(patch) + " pixels does not fit the " +
                                  std::to_string(height) + "×" + std::to_string(width) + " input.",
                              "Use a patch of at most " + std::to_string(side) + " pixels, or 0 for the default.");
    if (stride < 1 || stride > patch)
        return Error::invalid("The occlusion stride must be from 1 to the patch size (" + std::to_string(patch) +
                                  " pixels), not " + std::to_string(stride) + ": wider steps skip pixels.",
                              "Use 0 for the default (half the patch).");
    return std::make_pair(patch, stride);
}

// x:(1, C, H, W) → (H, W): per pixel, max(0, mean of p_base − p_occluded over the patches covering it).
// probability(x') is p(target) at x'; it runs concurrently on the pool's threads.
std::vector<double> occlusionDrops(const std::function<double(const Tensor&)>& probability, const Tensor& x,
                                   int patch, int stride, ThreadPool* pool) {
    const int channels = x.dim(1), height = x.dim(2), width = x.dim(3);
    const std::vector<int> ys = patchStarts(height, patch, stride), xs = patchStarts(width, patch, stride);
    const int across = static_cast<int>(xs.size());
    const int patches = static_cast<int>(ys.size()) * across;
    const double base = probability(x);
    std::vector<double> drop(static_cast<std::size_t>(patches));  // task c writes only its own patches
    auto runChunk = [&](int c) {
        Tensor occluded(x.shape());
        const int last = std::min(patches, (c + 1) * kPatchChunk);
        for (int i = c * kPatchChunk; i < last; ++i) {
            std::copy(x.data(), x.data() + x.size(), occluded.data());
            const int y0 = ys[static_cast<std::size_t>(i / across)], x0 = xs[static_cast<std::size_t>(i % across)];
            for (int ch = 0; ch < channels; ++ch)
                for (int y = y0; y < y0 + patch; ++y) {
                    float* row = occluded.data() + (static_cast<std::size_t>(ch) * height + y) * width + x0;
                    std::fill(row, row + patch, 0.0f);  // 0 = the channel mean after normalization
                }
            drop[static_cast<std::size_t>(i)] = base - probability(occluded);
        }
    };
    const int chunks = (patches + kPatchChunk - 1) / kPatchChunk;
    if (pool)
        pool->forEach(chunks, runChunk);
    else
        for (int c = 0; c < chunks; ++c) runChunk(c);

    // Accumulated serially in patch order: the sums do not depend on the scheduling.
    const std::size_t plane = static_cast<std::size_t>(height) * width;
    std::vector<double> sum(plane, 0.0);
    std::vector<int> count(plane, 0);
    for (int i = 0; i < patches; ++i) {
        const int y0 = ys[static_cast<std::size_t>(i / across)], x0 = xs[static_cast<std::size_t>(i % across)];
        for (int y = y0; y < y0 + patch; ++y)
            for (int xx = x0; xx < x0 + patch; ++xx) {
                const std::size_t k = static_cast<std::size_t>(y) * width + xx;
                sum[k] += drop[static_cast<std::size_t>(i)];
                ++count[k];
            }
    }
    for (std::size_t k = 0; k < plane; ++k) sum[k] = std::max(0.0, sum[k] / count[k]);
    return sum;
}

// max over channels of |g|:(1, C, H, W) → (H, W).
std::vector<double> gradientMagnitude(const Tensor& g) {
    const int channels = g.dim(1);
    const std::size_t plane = static_cast<std::size_t>(g.dim(2)) * g.dim(3);
    std::vector<double> out(plane, 0.0);
    for (int ch = 0; ch < channels; ++ch)
        for (std::size_t k = 0; k < plane; ++k)
            out[k] = std::max(out[k], static_cast<double>(std::abs(g[static_cast<std::size_t>(ch) * plane + k])));
    return out;
}

// matplotlib's "inferno" at 0, 0.1, …, 1 (viridisLite::inferno(11)); linear in between.
const std::array<std::array<std::uint8_t, 3>, 256>& infernoTable() {
    static const auto table = [] {
        constexpr std::uint8_t stops[11][3] = {{0, 0, 4},      {22, 11, 57},   {66, 10, 104},  {106, 23, 110},
                                               {147, 38, 103}, {188, 55, 84},  {221, 81, 58},  {243, 120, 25},
                                               {252, 165, 10}, {246, 215, 70}, {252, 255, 164}};
        std::array<std::array<std::uint8_t, 3>, 256> t{};
        for (int i = 0; i < 256; ++i) {
            const double pos = i / 255.0 * 10.0;
            const int s = std::min(static_cast<int>(pos), 9);
            const double f = pos - s;
            for (int c = 0; c < 3; ++c)
                t[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)] =
                    static_cast<std::uint8_t>(std::lround(stops[s][c] + f * (stops[s + 1][c] - stops[s][c])));
        }
        return t;
    }();
    return table;
}

const std::array<std::uint8_t, 3>& colourOf(float v) {
    const float clamped = std::isfinite(v) ? std::clamp(v, 0.0f, 1.0f) : 0.0f;
    return infernoTable()[static_cast<std::size_t>(std::lround(clamped * 255.0f))];
}

// map:(h, w) → (outH, outW), bilinear with pixel centres aligned (clamped at the borders).
std::vector<float> resizeMap(const std::vector<float>& map, int h, int w, int outH, int outW) {
    std::vector<float> out(static_cast<std::size_t>(outH) * outW);
    auto source = [](int i, int from, int to, int& i0, int& i1, float& f) {
        const float s = std::clamp((static_cast<float>(i) + 0.5f) * static_cast<float>(from) / to - 0.5f, 0.0f,
                                   static_cast<float>(from - 1));
        i0 = static_cast<int>(s);
        i1 = std::min(i0 + 1, from - 1);
        f = s - static_cast<float>(i0);
    };
    for (int y = 0; y < outH; ++y) {
        int y0, y1;
        float fy;
        source(y, h, outH, y0, y1, fy);
        for (int x = 0; x < outW; ++x) {
            int x0, x1;
            float fx;
            source(x, w, outW, x0, x1, fx);
            auto at = [&](int yy, int xx) { return map[static_cast<std::size_t>(yy) * w + xx]; };
            const float top = at(y0, x0) + fx * (at(y0, x1) - at(y0, x0));
            const float bottom = at(y1, x0) + fx * (at(y1, x1) - at(y1, x0));
            out[static_cast<std::size_t>(y) * outW + x] = top + fy * (bottom - top);
        }
    }
    return out;
}

}  // namespace

Result<SaliencyMethod> parseSaliencyMethod(const std::string& name) {
    if (name == "occlusion") return SaliencyMethod::Occlusion;
    if (name == "gradient") return SaliencyMethod::Gradient;
    return Error::invalid("Unknown saliency method '" + name + "'.", "Use \"occlusion\" or \"gradient\".");
}

const char* saliencyMethodName(SaliencyMethod method) {
    return method == SaliencyMethod::Gradient ? "gradient" : "occlusion";
}

Result<Tensor> probabilityGradient(const Model& model, const Tensor& x, int target) {
    const int classes = model.outputSize();
    if (target < 0 || target >= classes) return classOutOfRange(target, classes);
    STUDIO_ASSERT(x.rank() >= 1 && x.dim(0) == 1 && x.sampleSize() == shapeSize(model.inputShape()),
                  "probabilityGradient: x must be (1, input...)");
    Workspace ws(model);  // its own: backward accumulates into grads, which a cached one must not collect
    ws.input() = x;
    RunContext ctx;
    ctx.training = false;
    model.forward(ws, ctx);
    // p = softmax(z) in double; ∂p_t/∂z_j = p_t·(δ_tj − p_j), with 1 − p_t summed from the other
    // classes so a confident p_t ≈ 1 keeps its gradient.
    const float* z = ws.output().data();
    const double zmax = *std::max_element(z, z + classes);
    std::vector<double> p(static_cast<std::size_t>(classes));
    double total = 0.0;
    for (int j = 0; j < classes; ++j) total += p[static_cast<std::size_t>(j)] = std::exp(z[j] - zmax);
    double others = 0.0;
    for (int j = 0; j < classes; ++j) {
        p[static_cast<std::size_t>(j)] /= total;
        if (j != target) others += p[static_cast<std::size_t>(j)];
    }
    const double pt = p[static_cast<std::size_t>(target)];
    Tensor dOut(ws.output().shape());
    for (int j = 0; j < classes; ++j)
        dOut[static_cast<std::size_t>(j)] =
            static_cast<float>(j == target ? pt * others : -pt * p[static_cast<std::size_t>(j)]);
    Tensor dx(x.shape());
    if (model.layerCount() == 0) {  // the output is the input
        std::copy(dOut.data(), dOut.data() + dOut.size(), dx.data());
        return dx;
    }
    model.backward(ws, dOut, ctx, &dx);
    return dx;
}

Result<SaliencyMap> computeSaliency(const Model& model, const Tensor& x, const SaliencyOptions& options,
                                    ThreadPool* pool) {
    const auto start = Clock::now();
    const Shape& input = model.inputShape();
    if (input.size() != 3) return notAnImageModel(input);
    STUDIO_ASSERT(x.rank() == 4 && x.dim(0) == 1 && x.sampleSize() == shapeSize(input),
                  "computeSaliency: x must be (1, C, H, W) of the model's input");
    const int classes = model.outputSize(), height = input[1], width = input[2];
    const Prediction base = predictPrepared(model, x, 1);
    SaliencyMap map;
    map.method = options.method;
    map.height = height;
    map.width = width;
    map.predictedClass = base.top.empty() ? 0 : base.top[0].first;
    map.targetClass = options.targetClass < 0 ? map.predictedClass : options.targetClass;
    if (map.targetClass >= classes) return classOutOfRange(map.targetClass, classes);
    map.probability = base.probabilities[static_cast<std::size_t>(map.targetClass)];

    if (options.method == SaliencyMethod::Gradient) {
        auto g = probabilityGradient(model, x, map.targetClass);
        if (!g.ok()) return g.error();
        map.values = normalizedByMax(gradientMagnitude(*g));
    } else {
        auto geometry = occlusionGeometry(options, height, width);
        if (!geometry) return geometry.error();
        const int target = map.targetClass;
        map.values = normalizedByMax(occlusionDrops([&](const Tensor& t) { return forwardTarget(model, t, target); },
                                                    x, geometry->first, geometry->second, pool));
    }
    map.microseconds = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    return map;
}

Result<SaliencyMap> snapshotOcclusion(const ModelSnapshot& snapshot, const Tensor& x, const SaliencyOptions& options,
                                      ThreadPool* pool) {
    const auto start = Clock::now();
    const Shape& input = snapshot.preprocessing.inputShape;
    if (input.size() != 3 || !snapshot.preprocessing.isImage) return notAnImageModel(input);
    STUDIO_ASSERT(x.rank() == 4 && x.dim(0) == 1 && x.sampleSize() == shapeSize(input),
                  "snapshotOcclusion: x must be (1, C, H, W) of the snapshot's input");
    const int classes = snapshotClasses(snapshot), height = input[1], width = input[2];
    const Prediction base = predictPrepared(snapshot, x, 1);
    SaliencyMap map;
    map.method = SaliencyMethod::Occlusion;
    map.height = height;
    map.width = width;
    map.predictedClass = base.top.empty() ? 0 : base.top[0].first;
    map.targetClass = options.targetClass < 0 ? map.predictedClass : options.targetClass;
    if (map.targetClass >= classes) return classOutOfRange(map.targetClass, classes);
    map.probability = base.probabilities[static_cast<std::size_t>(map.targetClass)];
    auto geometry = occlusionGeometry(options, height, width);
    if (!geometry) return geometry.error();
    const int target = map.targetClass;
    map.values = normalizedByMax(occlusionDrops([&](const Tensor& t) { return snapshotTarget(snapshot, t, target); },
                                                x, geometry->first, geometry->second, pool));
    map.microseconds = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    return map;
}

Result<SaliencyMap> imageSaliency(const ModelSnapshot& snapshot, const DecodedImage& image,
                                  const SaliencyOptions& options, ThreadPool* pool) {
    if (!snapshot.preprocessing.isImage || snapshot.preprocessing.inputShape.size() != 3)
        return notAnImageModel(snapshot.preprocessing.inputShape);
    auto x = prepareImage(snapshot.preprocessing, image);
    if (!x.ok()) return x.error();
    // Gradients cannot pass back through OpenCV DNN: a backbone's snapshot is always occluded.
    if (snapshot.backbone) return snapshotOcclusion(snapshot, *x, options, pool);
    return computeSaliency(snapshot.model, *x, options, pool);
}

SaliencyMap mapToImageFrame(const SaliencyMap& map, const Preprocessing& p, int imageHeight, int imageWidth) {
    if (p.resize != "pad" || imageHeight <= 0 || imageWidth <= 0) return map;
    // The letterbox of fitImage (engine/data/image_io.cpp); tst_saliency checks they agree.
    const int height = map.height, width = map.width;
    const double scale = std::min(static_cast<double>(width) / imageWidth, static_cast<double>(height) / imageHeight);
    const int w = std::clamp(static_cast<int>(std::lround(imageWidth * scale)), 1, width);
    const int h = std::clamp(static_cast<int>(std::lround(imageHeight * scale)), 1, height);
    const int x0 = (width - w) / 2, y0 = (height - h) / 2;
    SaliencyMap out = map;
    out.height = h;
    out.width = w;
    std::vector<double> cropped(static_cast<std::size_t>(h) * w);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            cropped[static_cast<std::size_t>(y) * w + x] =
                map.values[static_cast<std::size_t>(y0 + y) * width + static_cast<std::size_t>(x0 + x)];
    out.values = normalizedByMax(cropped);
    return out;
}

DecodedImage heatmapImage(const std::vector<float>& map, int mapH, int mapW) {
    STUDIO_ASSERT(mapH > 0 && mapW > 0 && map.size() == static_cast<std::size_t>(mapH) * mapW,
                  "heatmapImage: map size does not match mapH × mapW");
    DecodedImage out;
    out.channels = 3;
    out.height = mapH;
    out.width = mapW;
    const std::size_t plane = map.size();
    out.chw.resize(3 * plane);
    for (std::size_t k = 0; k < plane; ++k) {
        const auto& rgb = colourOf(map[k]);
        for (std::size_t c = 0; c < 3; ++c) out.chw[c * plane + k] = rgb[c];
    }
    return out;
}

DecodedImage heatmapOverlay(const DecodedImage& image, const std::vector<float>& map, int mapH, int mapW, float alpha) {
    STUDIO_ASSERT(mapH > 0 && mapW > 0 && map.size() == static_cast<std::size_t>(mapH) * mapW,
                  "heatmapOverlay: map size does not match mapH × mapW");
    STUDIO_ASSERT((image.channels == 1 || image.channels == 3) && image.height > 0 && image.width > 0 &&
                      image.chw.size() == static_cast<std::size_t>(image.channels) * image.height * image.width,
                  "heatmapOverlay: not a decoded gray or RGB image");
    const float a = std::isfinite(alpha) ? std::clamp(alpha, 0.0f, 1.0f) : 0.5f;
    const std::vector<float> scaled = resizeMap(map, mapH, mapW, image.height, image.width);
    DecodedImage out;
    out.channels = 3;
    out.height = image.height;
    out.width = image.width;
    const std::size_t plane = scaled.size();
    out.chw.resize(3 * plane);
    for (std::size_t k = 0; k < plane; ++k) {
        const auto& rgb = colourOf(scaled[k]);
        for (std::size_t c = 0; c < 3; ++c) {
            const float pixel = image.chw[(image.channels == 3 ? c : 0) * plane + k];
            out.chw[c * plane + k] = static_cast<std::uint8_t>(std::lround((1.0f - a) * pixel + a * rgb[c]));
        }
    }
    return out;
}

}  // namespace studio
