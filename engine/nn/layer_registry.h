#pragma once
// Every layer kind the spec knows: its name, what its options are, and how to build it.
// The architecture editor reads `options` to draw its editors; the validator calls `create`.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

struct LayerOptionInfo {
    enum class Type { Integer, Number, Boolean, Choice };
    std::string key;
    Type type = Type::Integer;
    nlohmann::json fallback;           // default value (null: required)
    double min = 0, max = 0;           // Integer/Number
    std::vector<std::string> choices;  // Choice
    std::string help;                  // one sentence for tooltips
};

/// Builds a layer for a per-sample input shape. The error message is about the layer alone
/// ("kernel 7 is larger than its 5×5 input"); the validator prefixes "layer 3 conv2d: ".
/// With ParamStorage::ShapesOnly the layer's Params have shapes but no storage (validation).
using LayerFactory = std::function<Result<std::unique_ptr<Layer>>(const nlohmann::json& options, const Shape& input,
                                                                  ParamStorage storage)>;

struct LayerKindInfo {
    std::string kind;                      // "conv2d"
    std::string label;                     // "Conv 2D"
    std::string help;                      // one sentence
    std::vector<LayerOptionInfo> options;
    LayerFactory create;
};

const std::vector<LayerKindInfo>& layerKinds();
const LayerKindInfo* findLayerKind(const std::string& kind);
Result<std::unique_ptr<Layer>> createLayer(const std::string& kind, const nlohmann::json& options, const Shape& input,
                                           ParamStorage storage = ParamStorage::Allocate);

}  // namespace studio
