#pragma once
// Saliency maps: which input pixels a prediction of one class depends on, for one image.
//
//   Occlusion  slide a patch filled with 0 (the channel mean after normalization) over the
//              prepared input; a pixel's value is the mean drop of p(target) over the patches
//              covering it, negatives clamped to 0. Model-agnostic, P+1 forward passes. p is
//              computed in double from the logits, so a model 99.9999999 % sure still has drops.
//   Gradient   |∂p(target)/∂x| (of the softmax probability, not the logit), max over channels.
//              One forward and one backward pass.
// Both are normalized to [0, 1] by their maximum (all 0 when nothing changes the probability).
//
// Every forward pass is a batch-1 pass through the calling thread's workspace, exactly as
// predictPrepared: the map's `probability` is the one the prediction shows, the result does not
// depend on the thread count, and a naive loop over Model::predictLogits reproduces it bit for bit.
// (Batched passes would not: Eigen sums a 1-row product in another order than a 32-row one.
// They are not faster either: on lenet and cnn a conv net costs the same per sample at batch 1.)

#include <string>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"

namespace studio {

enum class SaliencyMethod { Occlusion, Gradient };

/// "occlusion" | "gradient"; anything else is an Error naming it and listing both.
Result<SaliencyMethod> parseSaliencyMethod(const std::string& name);
const char* saliencyMethodName(SaliencyMethod method);

struct SaliencyOptions {
    SaliencyMethod method = SaliencyMethod::Occlusion;
    int targetClass = -1;  // -1: the predicted class
    int patch = 0;         // occlusion: patch side in input pixels; 0: max(1, round(min(H, W) / 7))
    int stride = 0;        // occlusion: step between patches, 1..patch; 0: max(1, patch / 2)
};

struct SaliencyMap {
    SaliencyMethod method = SaliencyMethod::Occlusion;
    int height = 0, width = 0;  // the model's input resolution (or the image frame, see below)
    std::vector<float> values;  // height × width, row-major, in [0, 1]
    int targetClass = 0;
    int predictedClass = 0;     // the unoccluded input's most likely class
    float probability = 0.0f;   // p(targetClass) on the unoccluded input, as predictPrepared
    double microseconds = 0.0;  // computing the map, without decoding
};

/// x:(1, C, H, W), a prepared input (prepareImage) → map:(H, W).
/// Errors: the model takes feature vectors; the target class is outside [0, classes); the
/// occlusion patch is larger than the input, or the stride outside [1, patch].
/// Threads: occlusion splits fixed chunks of patches over `pool` (may be null); gradient runs
/// on the calling thread. Same map, bit for bit, for any pool.
Result<SaliencyMap> computeSaliency(const Model& model, const Tensor& x, const SaliencyOptions& options,
                                    ThreadPool* pool = nullptr);

/// Occlusion through the whole snapshot (snapshotLogits: a backbone, INT8, …), batch-1 passes
/// as predictPrepared(snapshot, …); options.method is ignored. x:(1, C, H, W) prepared.
/// Errors: as computeSaliency.
Result<SaliencyMap> snapshotOcclusion(const ModelSnapshot& snapshot, const Tensor& x, const SaliencyOptions& options,
                                      ThreadPool* pool = nullptr);

/// prepareImage with the snapshot's preprocessing, then computeSaliency. A snapshot with a
/// backbone falls back to occlusion (snapshotOcclusion; map.method says so): gradients cannot
/// pass through OpenCV DNN. Errors as both.
Result<SaliencyMap> imageSaliency(const ModelSnapshot& snapshot, const DecodedImage& image,
                                  const SaliencyOptions& options, ThreadPool* pool = nullptr);

/// ∂p(target)/∂x:(1, C, H, W) at a prepared input x:(1, input...), training off (dropout passes
/// through, BatchNorm uses its running statistics). p is the softmax of the model's outputs.
/// Errors: the target class is outside [0, classes).
Result<Tensor> probabilityGradient(const Model& model, const Tensor& x, int targetClass);

/// The map in the frame of an imageHeight × imageWidth source image: with the "pad" resize
/// mode the letterbox bars are cropped off (the geometry of fitImage) and the rest rescaled to
/// [0, 1]; with "stretch" the map is returned as is. Stretch the result over the image.
SaliencyMap mapToImageFrame(const SaliencyMap& map, const Preprocessing& preprocessing, int imageHeight,
                            int imageWidth);

/// map:(mapH, mapW) in [0, 1] → RGB 3 × mapH × mapW through an "inferno" colour map (black →
/// purple → orange → pale yellow; perceptually uniform, readable in gray and by colour-blind eyes).
DecodedImage heatmapImage(const std::vector<float>& map, int mapH, int mapW);

/// The map stretched (bilinear, pixel centres aligned) to the image's size, coloured as
/// heatmapImage and blended: out = (1 − alpha)·image + alpha·colour, alpha clamped to [0, 1].
/// A gray image is shown as RGB. Output: RGB 3 × image.height × image.width.
DecodedImage heatmapOverlay(const DecodedImage& image, const std::vector<float>& map, int mapH, int mapW,
                            float alpha = 0.5f);

}  // namespace studio
