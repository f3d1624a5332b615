#pragma once
// Preprocessing: exactly what turns a stored sample or a new image into the model's input.
// Saved inside the model file, so predictions use the same code and numbers as training.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/data/table_layout.h"

namespace studio {

class Dataset;

struct Preprocessing {
    Shape inputShape;               // {C, H, W} or {F}
    bool isImage = true;            // false for feature vectors
    std::vector<float> mean;        // per channel, on the [0,1] scale (features: per feature)
    std::vector<float> stddev;      // per channel (never 0)
    std::string resize = "stretch"; // how a new image of another size is fitted: "stretch" | "pad"
    std::optional<TableLayout> table; // features from a CSV table: its columns (JSON "table", absent otherwise)

    /// Per-channel mean/std from the given samples of a dataset (the training split).
    static Preprocessing fitted(const Dataset& data, const std::vector<int>& indices);
    /// Identity normalization (mean 0, std 1) for a shape.
    static Preprocessing identity(const Shape& inputShape, bool isImage);

    /// raw (pixels/255 or features), CHW → normalized model input, in place.
    void normalize(float* sample) const;
    void denormalize(float* sample) const;

    nlohmann::json toJson() const;
    static Result<Preprocessing> fromJson(const nlohmann::json& j);
};

}  // namespace studio
