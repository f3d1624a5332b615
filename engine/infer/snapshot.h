#pragma once
// ModelSnapshot: everything a prediction needs, immutable once published and shared between
// the trainer, inference and the UI. Predictions can never drift from how the model was trained.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/data/preprocessing.h"
#include "engine/nn/model.h"

namespace studio {

class Backbone;        // engine/deploy/backbone.h
class QuantizedModel;  // engine/deploy/quantized_model.h

struct ModelSnapshot {
    Model model;
    Preprocessing preprocessing;
    std::vector<std::string> classNames;
    std::string datasetName;
    nlohmann::json trainConfig = nlohmann::json::object();   // TrainConfig::toJson()
    nlohmann::json metrics = nlohmann::json::object();       // final/epoch metrics
    int epoch = 0;                                           // epochs trained when taken
    /// A frozen ONNX backbone in front of `model` (null: none). With one, `model` is the HEAD,
    /// whose input is the backbone's normalized feature vector, and `preprocessing` is still the
    /// image's (what the backbone's input expects); snapshotLogits runs both.
    std::shared_ptr<const Backbone> backbone = nullptr;  // initialized: aggregates may leave it out
    /// The INT8 variant (null: a float model). With one, `model` holds the BatchNorm-folded
    /// architecture with the dequantized weights (for the float-only paths, e.g. saliency), and
    /// snapshotLogits runs the integer kernels instead.
    std::shared_ptr<const QuantizedModel> quantized = nullptr;
};

using SnapshotPtr = std::shared_ptr<const ModelSnapshot>;

}  // namespace studio
