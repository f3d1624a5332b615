#pragma once
// What each layer of a model computes for one image, and what its first layers have learned:
// the feature maps and filters the studio's Feature maps view shows (teaching: "what does the
// network see?").
//
//   snapshotActivations  one prepared sample through the snapshot's layers, one by one, exactly
//                        as Model::forward runs them (inference mode: dropout off, BatchNorm
//                        running statistics); every layer's output is kept. An INT8 snapshot
//                        shows its float (dequantized) model; a backbone snapshot shows its head,
//                        whose input is the backbone's normalized features.
//   firstConvFilters     the first conv2d layer's weights W:(F, C, K, K) as F images of C×K×K.
//   firstDenseTemplates  the first dense layer's weights W:(U, In) as U images of the model's
//                        input shape C×H×W — only when the input is an image and nothing but
//                        flatten/dropout stands between it and that dense layer (each row of W
//                        then weighs input pixels: the classic "digit template" picture).

#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/infer/snapshot.h"

namespace studio {

struct LayerActivation {
    int layer = 0;              // index into the model (0-based)
    std::string kind;           // "conv2d", "relu", …
    Shape shape;                // per-sample output shape: {C, H, W} for maps, {F} for vectors
    std::vector<float> values;  // the sample's output, shapeSize(shape) values, row-major
    float minValue = 0.0f, maxValue = 0.0f;
};

/// x:(1, input...), prepared as for training (prepareImage) → one entry per layer, in order.
/// Errors: x is not one sample of the snapshot's input; the backbone cannot compute features.
/// Threads: any thread; allocates its own buffers (nothing shared with predictions).
Result<std::vector<LayerActivation>> snapshotActivations(const ModelSnapshot& snapshot, const Tensor& x);

/// One image of weights: channels × height × width values, row-major, and their range.
struct WeightImage {
    int channels = 0, height = 0, width = 0;
    std::vector<float> values;
    float minValue = 0.0f, maxValue = 0.0f;
};

struct LayerWeights {
    int layer = 0;
    std::string kind;
    std::vector<WeightImage> images;  // one per filter (conv2d) or unit (dense)
};

/// nullopt: the model has no conv2d layer.
std::optional<LayerWeights> firstConvFilters(const Model& model);
/// nullopt: the input is not an image, there is no dense layer, or something other than
/// flatten/dropout comes before the first one.
std::optional<LayerWeights> firstDenseTemplates(const Model& model);

/// The smallest and largest of `count` values (0, 0 when empty).
void valueRange(const float* values, std::size_t count, float& lo, float& hi);

}  // namespace studio
