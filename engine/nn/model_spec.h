#pragma once
// ModelSpec: the declarative architecture (JSON), its validation and shape inference, presets.
// {"input": [1, 28, 28], "classes": 10, "layers": [{"type": "conv2d", "filters": 6, "kernel": 5,
//  "padding": 2}, {"type": "relu"}, ..., {"type": "dense", "units": "classes"}]}
// A dense layer's "units" may be the word "classes": the dataset's class count.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/tensor.h"

namespace studio {

/// One sample's input, and every layer's output, hold at most this many values (16 M): a
/// batch of activations is allocated from it, so a spec asking 1×65536×65536 would need 16 GiB.
inline constexpr std::size_t kMaxValuesPerSample = std::size_t(1) << 24;

struct LayerSpec {
    std::string type;
    nlohmann::json options = nlohmann::json::object();
};

struct ModelSpec {
    std::string name;  // preset name, or the file's stem, or ""
    Shape input;       // per sample: {C, H, W} for images, {F} for feature vectors
    int classes = 0;
    std::vector<LayerSpec> layers;

    nlohmann::json toJson() const;
    /// `source` names where the JSON came from, for messages ("spec.json").
    static Result<ModelSpec> fromJson(const nlohmann::json& j, const std::string& source = "model spec");
    static Result<ModelSpec> fromFile(const std::string& path);
    /// Options with "classes" replaced by the class count (what the factories see).
    nlohmann::json resolvedOptions(std::size_t layer) const;
};

struct LayerReport {
    int index = 0;  // 1-based, as people count
    std::string kind;
    Shape output;  // empty when unknown
    std::int64_t params = 0;
    std::int64_t storedValues = 0;  // params + statistics: what a model file stores
    std::int64_t flops = 0;
    std::string problem;  // "" when valid
};

struct SpecReport {
    std::vector<LayerReport> layers;
    std::int64_t totalParams = 0;
    std::int64_t totalStoredValues = 0;  // weights a model file holds for this spec
    std::int64_t totalFlops = 0;
    std::vector<std::string> problems;  // every problem, "layer 3 conv2d: …" or about the whole
    bool ok() const { return problems.empty(); }
    std::string problemText() const;  // problems joined by newlines
};

/// Shape inference and validation of every layer; never throws, never stops at the first problem.
/// Allocates no weights (layers are built with ParamStorage::ShapesOnly).
SpecReport analyzeSpec(const ModelSpec& spec);

/// The named presets: mlp, lenet, cnn, cnn-bn (and for feature vectors: mlp).
std::vector<std::string> presetNames();
Result<ModelSpec> presetSpec(const std::string& name, const Shape& input, int classes);
/// A preset name or a spec JSON file; input and classes are filled in from the data when the
/// file leaves them out. Errors name the file or list the presets.
Result<ModelSpec> resolveModelSpec(const std::string& presetOrPath, const Shape& input, int classes);

}  // namespace studio
