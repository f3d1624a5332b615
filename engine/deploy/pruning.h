#pragma once
// Pruning: a smaller model from a trained one.
//
// Unstructured (magnitude) pruning sets the weights of smallest |w| to zero, to a target
// sparsity over every Dense and Conv2D weight tensor together (Global) or in each tensor
// (PerLayer). The model keeps its shape; a mask per weight tensor says which entries are pruned,
// and the optimizer keeps them at exactly 0.0f while the model is fine-tuned
// (Optimizer::setMasks, TrainingSetup::masks). A pruned file stores its masks implicitly as
// zeros: zeroMasks() reads them back for a later fine-tune.
//
// Structured pruning removes whole conv filters and dense units of lowest L1 (or L2) norm and
// rebuilds a smaller ModelSpec and Model: removing filter f of a conv also removes input channel
// f of the next Conv2D or Dense (through activations, pools, dropout and flatten) and channel f
// of any BatchNorm in between. The last Dense (its outputs are the classes) is never pruned.
// structuredMasks() gives the same cut as masks on the unchanged model; both compute the same
// outputs up to float rounding (tests/engine/tst_pruning.cpp).
//
// Masks (ParamMasks) are aligned with Model::params(): an empty tensor where a parameter is not
// masked, else a tensor of its shape holding 1 (kept) or 0 (pruned). An empty vector: no masks.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/nn/model.h"

namespace studio {

using ParamMasks = std::vector<Tensor>;

enum class PruningScope { Global, PerLayer };
enum class FilterNorm { L1, L2 };

/// Ok for a sparsity in [0, 1); otherwise an Error naming the value and the range.
Status checkSparsity(double sparsity);

/// Masks pruning the round(s·n) weights of smallest |w| (ties: the earlier position first, so the
/// count is exact) among the n weights of every Dense and Conv2D weight tensor together (Global)
/// or of each tensor on its own (PerLayer). Biases and BatchNorm are never masked. Weights that
/// are already zero rank first. Error when the sparsity is outside [0, 1).
Result<ParamMasks> magnitudeMasks(const Model& model, double sparsity, PruningScope scope);

/// Masks that keep the exact zeros of the model's Dense and Conv2D weights (a pruned file being
/// fine-tuned again); empty when it has none.
ParamMasks zeroMasks(const Model& model);
/// An entry is kept only where both keep it; either list may be empty (no masks).
ParamMasks combineMasks(const ParamMasks& a, const ParamMasks& b);
/// Sets every masked entry of the model's parameters to 0.0f.
/// Requires: masks empty or aligned with model.params() (sizes equal where not empty).
void applyMasks(Model& model, const ParamMasks& masks);
/// How many entries the masks prune (zeros in them).
std::int64_t prunedCount(const ParamMasks& masks);

struct LayerSparsity {
    int layer = 0;  // 1-based, as people count
    std::string kind;
    std::int64_t weights = 0;  // entries of its weight tensor
    std::int64_t zeros = 0;    // of which exactly 0.0f
};
/// Every Dense and Conv2D weight tensor's size and zeros, in layer order.
std::vector<LayerSparsity> weightSparsity(const Model& model);
/// zeros / weights over all of weightSparsity (0 for a model without such layers).
double overallSparsity(const Model& model);

/// For each layer, the output channels (filters, units) it keeps, ascending; empty for a layer
/// that is not pruned.
struct StructuredPlan {
    std::vector<std::vector<int>> keep;
    std::vector<int> channels;  // each layer's output channels before pruning (0: no weights)
    /// Filters and units removed over all layers.
    int removed() const;
};

/// True when layer `i` (a Conv2D or Dense) can lose output channels: they reach a next Conv2D or
/// Dense only through layers that map 0 to 0 (ReLU, LeakyReLU, ELU, GELU, Tanh, pools, dropout,
/// flatten, BatchNorm). The last Dense, a layer followed by a sigmoid, or one whose outputs reach
/// the model's output directly cannot.
bool channelsPrunable(const Model& model, int i);

/// Removes floor(fraction·F) of the F filters (units) of lowest norm from every prunable layer,
/// keeping at least one (ties: the earlier filter is removed first). Error when the fraction is
/// outside [0, 1).
Result<StructuredPlan> planStructuredPruning(const Model& model, double fraction, FilterNorm norm);

/// The plan as masks on the unchanged model: weights and bias of every removed filter or unit,
/// and gamma and beta of the BatchNorm channels it feeds.
/// Requires: plan made for this model's architecture.
ParamMasks structuredMasks(const Model& model, const StructuredPlan& plan);

/// The smaller model: the spec with fewer filters/units (same name) and the kept channels'
/// weights, biases and BatchNorm parameters and statistics copied.
/// Requires: plan made for this model's architecture.
Model rebuildPruned(const Model& model, const StructuredPlan& plan);

}  // namespace studio
