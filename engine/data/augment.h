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
void augmentSample(float* chw, const Shape& shape, const AugmentConfig& config, Rng& rng);

}  // namespace studio
