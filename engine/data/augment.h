#pragma once
// Augmentation of raw samples (values in [0,1], CHW) before normalization. Deterministic:
// the caller passes the stream Rng::forStream(seed, Augment, epoch, sampleIndex).

#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/rng.h"
#include "engine/core/tensor.h"

namespace studio {

struct AugmentConfig {
    float shift = 0.0f;        // max translation, fraction of the side (0.1 = ±10%)
    bool flipHorizontal = false;
    bool flipVertical = false;
    float rotateDegrees = 0.0f;// max rotation, ±degrees
    float brightness = 0.0f;   // ± additive
    float contrast = 0.0f;     // ± relative (0.2 → ×[0.8, 1.2])
    float noise = 0.0f;        // Gaussian noise stddev

    bool any() const;
    /// "shift,flip,rotate,brightness,contrast,noise" or with values "shift=0.1,rotate=15";
    /// "none" or "" for nothing. Errors name the unknown word.
    static Result<AugmentConfig> parse(const std::string& list);
    std::string toString() const;
    nlohmann::json toJson() const;
    static Result<AugmentConfig> fromJson(const nlohmann::json& j);
};

/// Applies every enabled augmentation to one sample in place. shape = {C, H, W}.
/// Order: flips (each with probability ½), then one warp for shift (whole pixels) and rotation
/// (bilinear about the centre; pixels from outside replicate the nearest edge, so a shape's
/// background stays its own colour), then contrast about the sample's channel mean,
/// brightness, Gaussian noise; results are clamped to [0, 1]. A feature vector (shape {F})
/// only gets noise. The Rng draws depend only on the config, so a sample is reproducible.
void augmentSample(float* chw, const Shape& shape, const AugmentConfig& config, Rng& rng);

/// The building blocks, for tests and previews. shape = {C, H, W}.
void flipSample(float* chw, const Shape& shape, bool horizontal);
/// Moves content by (dx, dy) pixels and rotates it by `degrees` (counter-clockwise) about the
/// centre; replicate border, bilinear when degrees != 0, an exact copy for pure shifts.
void warpSample(float* chw, const Shape& shape, int dx, int dy, float degrees);

}  // namespace studio
