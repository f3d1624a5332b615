#pragma once
// pruneModel: a pruned variant of a saved model, end to end — prune (pruning.h), measure, fine-tune
// through the Trainer on the model's own training split with the pruned weights held at zero,
// measure again. The CLI's `prune` and the studio's Deploy tab both call it (on a worker thread:
// it blocks for the fine-tune).
//
// The variant is an ordinary float model: unstructured pruning leaves zeros in its weights (a
// later fine-tune of the file keeps them: zeroMasks), structured pruning leaves a smaller spec.
// Its metrics carry {"pruning": {...}} (see PruningSummary::toJson) and the source's
// "dataset_options", so `evaluate` rebuilds the same split and the Deploy tab can show how the
// variant was made.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/deploy/pruning.h"
#include "engine/infer/snapshot.h"
#include "engine/train/metrics.h"

namespace studio {

struct PruningRequest {
    double sparsity = 0.5;  // in [0, 1): of the weights, or of each layer's filters/units (structured)
    bool structured = false;
    PruningScope scope = PruningScope::Global;  // unstructured only; structured cuts each layer alike
    FilterNorm norm = FilterNorm::L1;           // structured only
    int fineTuneEpochs = 1;                     // 0: no fine-tune
    float learningRate = 0.0f;                  // fine-tune base rate; 0: the model's own
    int threads = 0;                            // 0: all cores
    std::string source;                         // the source file, recorded in the variant ("" if none)
};

struct PruningSummary {
    double requested = 0.0;
    bool structured = false;
    std::string scope;          // "global" | "per-layer" | "per-layer filters"
    std::string norm;           // structured: "l1" | "l2"
    double weightSparsity = 0.0;  // zeros among the Dense/Conv2D weights of the variant
    int removedChannels = 0;      // structured: filters and units removed
    std::int64_t paramsBefore = 0, paramsAfter = 0;
    std::int64_t nonzeroParamsAfter = 0;  // parameters that are not exactly 0
    int fineTuneEpochs = 0;
    float learningRate = 0.0f;
    double accuracyBefore = 0.0;     // on the test set (official, else the model's test split)
    double accuracyPruned = 0.0;     // right after pruning
    double accuracyFineTuned = 0.0;  // after the fine-tune (= accuracyPruned without one)
    int testSamples = 0;
    std::string testSet;  // "official test set" | "test split"
    std::string source;

    nlohmann::json toJson() const;
};

struct PrunedVariant {
    SnapshotPtr snapshot;
    PruningSummary summary;
};

/// Requires: `data` is the data the source was trained on (same sample shape and classes,
/// checked: an Error names the dataset otherwise). The split is rebuilt from the source's train
/// config (seed, fractions). onEvent sees the fine-tune's events (on the calling thread).
/// Errors: a sparsity outside [0, 1), an INT8 model or one with a backbone (not pruned: prune
/// the float model first, then quantize), no layer that structured pruning can cut, a fine-tune
/// that fails (its message), a dataset that leaves no test samples.
Result<PrunedVariant> pruneModel(const ModelSnapshot& source, std::shared_ptr<const DatasetBundle> data,
                                 const PruningRequest& request,
                                 const std::function<void(const TrainingEvent&)>& onEvent = {});

}  // namespace studio
