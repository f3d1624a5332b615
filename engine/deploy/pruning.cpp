#include "engine/deploy/pruning.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <set>

#include "engine/core/assert.h"

namespace studio {

namespace {

bool hasPrunableWeight(const Layer& layer) {
    return (layer.kind() == "dense" || layer.kind() == "conv2d") && !layer.params().empty();
}

// First index into Model::params() of each layer.
std::vector<std::size_t> paramOffsets(const Model& model) {
    std::vector<std::size_t> out;
    std::size_t offset = 0;
    for (int i = 0; i < model.layerCount(); ++i) {
        out.push_back(offset);
        offset += model.layer(i).params().size();
    }
    return out;
}

std::string formatValue(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// A weight of the flattened set of prunable weights: |w| and where it is.
struct Ranked {
    float magnitude;
    std::size_t param;
    std::size_t index;
};

// Marks the k entries of smallest magnitude (ties: earlier param, then earlier index) as pruned.
void pruneSmallest(std::vector<Ranked>& ranked, std::int64_t k, ParamMasks& masks) {
    if (k <= 0) return;
    auto less = [](const Ranked& a, const Ranked& b) {
        if (a.magnitude != b.magnitude) return a.magnitude < b.magnitude;
        if (a.param != b.param) return a.param < b.param;
        return a.index < b.index;
    };
    const auto nth = ranked.begin() + static_cast<std::ptrdiff_t>(k);
    std::nth_element(ranked.begin(), nth - 1, ranked.end(), less);
    for (auto it = ranked.begin(); it != nth; ++it) masks[it->param].data()[it->index] = 0.0f;
}

// Layers that map a zero channel to a zero channel (inference and training alike); BatchNorm
// does once its gamma and beta for that channel are zero, which structuredMasks sees to.
bool keepsZeroChannels(const std::string& kind) {
    static const std::set<std::string> kinds = {"relu",      "leakyrelu", "elu",           "gelu",    "tanh",
                                                "maxpool2d", "avgpool2d", "globalavgpool", "dropout", "flatten",
                                                "batchnorm"};
    return kinds.count(kind) > 0;
}

// The Conv2D or Dense layer that consumes layer i's outputs, or -1 when there is none reached
// only through zero-keeping layers.
int consumerOf(const Model& model, int i) {
    for (int j = i + 1; j < model.layerCount(); ++j) {
        const std::string kind = model.layer(j).kind();
        if (kind == "conv2d" || kind == "dense") return j;
        if (!keepsZeroChannels(kind)) return -1;
    }
    return -1;
}

// Norm of each output channel of a Dense (Out, In) or Conv2D (F, C, K, K) weight.
std::vector<double> channelNorms(const Tensor& w, FilterNorm norm) {
    const int channels = w.dim(0);
    const std::size_t per = w.size() / static_cast<std::size_t>(channels);
    std::vector<double> out(static_cast<std::size_t>(channels), 0.0);
    for (int c = 0; c < channels; ++c) {
        const float* row = w.data() + static_cast<std::size_t>(c) * per;
        double sum = 0.0;
        for (std::size_t e = 0; e < per; ++e)
            sum += norm == FilterNorm::L1 ? std::fabs(static_cast<double>(row[e]))
                                          : static_cast<double>(row[e]) * static_cast<double>(row[e]);
        out[static_cast<std::size_t>(c)] = norm == FilterNorm::L1 ? sum : std::sqrt(sum);
    }
    return out;
}

// Kept channels of dim 0 expanded to flat per-sample positions: channel c covers
// [c·plane, (c+1)·plane) of an (C, H, W) sample read flat.
std::vector<int> expandChannels(const std::vector<int>& channels, const Shape& sampleShape) {
    const int plane = static_cast<int>(shapeSize(sampleShape) / static_cast<std::size_t>(sampleShape[0]));
    std::vector<int> out;
    out.reserve(channels.size() * static_cast<std::size_t>(plane));
    for (int c : channels)
        for (int p = 0; p < plane; ++p) out.push_back(c * plane + p);
    return out;
}

std::vector<int> allOf(int n) {
    std::vector<int> out(static_cast<std::size_t>(n));
    std::iota(out.begin(), out.end(), 0);
    return out;
}

}  // namespace

Status checkSparsity(double sparsity) {
    if (!(sparsity >= 0.0 && sparsity < 1.0))
        return Error::invalid("A sparsity of " + formatValue(sparsity) + " is outside [0, 1).",
                              "Give the fraction of weights to remove, e.g. 0.5 for half; 1 would remove all of them.");
    return Status::success();
}

Result<ParamMasks> magnitudeMasks(const Model& model, double sparsity, PruningScope scope) {
    STUDIO_TRY(checkSparsity(sparsity));
    const auto params = model.params();
    const auto offsets = paramOffsets(model);
    ParamMasks masks(params.size());
    std::vector<std::size_t> weights;  // index into params of every prunable weight tensor
    for (int i = 0; i < model.layerCount(); ++i)
        if (hasPrunableWeight(model.layer(i))) weights.push_back(offsets[static_cast<std::size_t>(i)]);
    for (std::size_t p : weights) masks[p] = Tensor(params[p]->value.shape(), 1.0f);

    auto rank = [&](std::size_t p, std::vector<Ranked>& out) {
        const float* w = params[p]->value.data();
        for (std::size_t e = 0; e < params[p]->value.size(); ++e) out.push_back({std::fabs(w[e]), p, e});
    };
    if (scope == PruningScope::Global) {
        std::vector<Ranked> ranked;
        for (std::size_t p : weights) rank(p, ranked);
        pruneSmallest(ranked, std::llround(sparsity * static_cast<double>(ranked.size())), masks);
    } else {
        for (std::size_t p : weights) {
            std::vector<Ranked> ranked;
            rank(p, ranked);
            pruneSmallest(ranked, std::llround(sparsity * static_cast<double>(ranked.size())), masks);
        }
    }
    return masks;
}

ParamMasks zeroMasks(const Model& model) {
    const auto params = model.params();
    const auto offsets = paramOffsets(model);
    ParamMasks masks(params.size());
    bool any = false;
    for (int i = 0; i < model.layerCount(); ++i) {
        if (!hasPrunableWeight(model.layer(i))) continue;
        const std::size_t p = offsets[static_cast<std::size_t>(i)];
        const Tensor& w = params[p]->value;
        Tensor mask(w.shape(), 1.0f);
        bool zero = false;
        for (std::size_t e = 0; e < w.size(); ++e)
            if (w.data()[e] == 0.0f) {
                mask.data()[e] = 0.0f;
                zero = true;
            }
        if (zero) {
            masks[p] = std::move(mask);
            any = true;
        }
    }
    return any ? masks : ParamMasks{};
}

ParamMasks combineMasks(const ParamMasks& a, const ParamMasks& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    STUDIO_ASSERT(a.size() == b.size(), "combineMasks: masks of different models");
    ParamMasks out(a.size());
    for (std::size_t p = 0; p < a.size(); ++p) {
        if (a[p].empty() || b[p].empty()) {
            out[p] = a[p].empty() ? b[p] : a[p];
            continue;
        }
        STUDIO_ASSERT(a[p].size() == b[p].size(), "combineMasks: mask sizes differ");
        out[p] = a[p];
        for (std::size_t e = 0; e < out[p].size(); ++e)
            if (b[p].data()[e] == 0.0f) out[p].data()[e] = 0.0f;
    }
    return out;
}

void applyMasks(Model& model, const ParamMasks& masks) {
    if (masks.empty()) return;
    auto params = model.params();
    STUDIO_ASSERT(masks.size() == params.size(), "applyMasks: masks are not aligned with the parameters");
    for (std::size_t p = 0; p < params.size(); ++p) {
        if (masks[p].empty()) continue;
        STUDIO_ASSERT(masks[p].size() == params[p]->value.size(), "applyMasks: a mask's size differs");
        float* w = params[p]->value.data();
        const float* m = masks[p].data();
        for (std::size_t e = 0; e < masks[p].size(); ++e)
            if (m[e] == 0.0f) w[e] = 0.0f;
    }
}

std::int64_t prunedCount(const ParamMasks& masks) {
    std::int64_t n = 0;
    for (const Tensor& m : masks)
        for (std::size_t e = 0; e < m.size(); ++e) n += m.data()[e] == 0.0f ? 1 : 0;
    return n;
}

std::vector<LayerSparsity> weightSparsity(const Model& model) {
    std::vector<LayerSparsity> out;
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& layer = model.layer(i);
        if (!hasPrunableWeight(layer)) continue;
        const Tensor& w = layer.params().front().value;
        LayerSparsity s;
        s.layer = i + 1;
        s.kind = layer.kind();
        s.weights = static_cast<std::int64_t>(w.size());
        for (std::size_t e = 0; e < w.size(); ++e) s.zeros += w.data()[e] == 0.0f ? 1 : 0;
        out.push_back(s);
    }
    return out;
}

double overallSparsity(const Model& model) {
    std::int64_t weights = 0, zeros = 0;
    for (const LayerSparsity& s : weightSparsity(model)) {
        weights += s.weights;
        zeros += s.zeros;
    }
    return weights > 0 ? static_cast<double>(zeros) / static_cast<double>(weights) : 0.0;
}

int StructuredPlan::removed() const {
    int n = 0;
    for (std::size_t i = 0; i < keep.size() && i < channels.size(); ++i)
        if (!keep[i].empty()) n += channels[i] - static_cast<int>(keep[i].size());
    return n;
}

bool channelsPrunable(const Model& model, int i) {
    return i >= 0 && i < model.layerCount() && hasPrunableWeight(model.layer(i)) && consumerOf(model, i) >= 0 &&
           model.layer(i).params().front().value.dim(0) > 1;
}

Result<StructuredPlan> planStructuredPruning(const Model& model, double fraction, FilterNorm norm) {
    STUDIO_TRY(checkSparsity(fraction));
    StructuredPlan plan;
    plan.keep.resize(static_cast<std::size_t>(model.layerCount()));
    plan.channels.assign(static_cast<std::size_t>(model.layerCount()), 0);
    for (int i = 0; i < model.layerCount(); ++i) {
        if (hasPrunableWeight(model.layer(i)))
            plan.channels[static_cast<std::size_t>(i)] = model.layer(i).params().front().value.dim(0);
        if (!channelsPrunable(model, i)) continue;
        const Tensor& w = model.layer(i).params().front().value;
        const int channels = w.dim(0);
        const int remove = std::min(channels - 1, static_cast<int>(std::floor(fraction * channels)));
        if (remove <= 0) continue;
        const std::vector<double> norms = channelNorms(w, norm);
        std::vector<int> order = allOf(channels);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
            return norms[static_cast<std::size_t>(a)] < norms[static_cast<std::size_t>(b)];
        });
        std::vector<int> kept(order.begin() + remove, order.end());
        std::sort(kept.begin(), kept.end());
        plan.keep[static_cast<std::size_t>(i)] = std::move(kept);
    }
    return plan;
}

ParamMasks structuredMasks(const Model& model, const StructuredPlan& plan) {
    STUDIO_ASSERT(plan.keep.size() == static_cast<std::size_t>(model.layerCount()),
                  "structuredMasks: the plan is for another architecture");
    const auto params = model.params();
    const auto offsets = paramOffsets(model);
    ParamMasks masks(params.size());
    // Zeroes channel c (of dim 0) in the mask of param p, creating the mask when needed.
    auto cut = [&](std::size_t p, int c) {
        if (masks[p].empty()) masks[p] = Tensor(params[p]->value.shape(), 1.0f);
        const std::size_t per = masks[p].size() / static_cast<std::size_t>(masks[p].dim(0));
        std::fill_n(masks[p].data() + static_cast<std::size_t>(c) * per, per, 0.0f);
    };
    for (int i = 0; i < model.layerCount(); ++i) {
        const auto& kept = plan.keep[static_cast<std::size_t>(i)];
        if (kept.empty()) continue;
        const Layer& layer = model.layer(i);
        const int channels = layer.params().front().value.dim(0);
        std::vector<bool> keep(static_cast<std::size_t>(channels), false);
        for (int c : kept) keep[static_cast<std::size_t>(c)] = true;
        const int consumer = consumerOf(model, i);
        STUDIO_ASSERT(consumer > i, "structuredMasks: the plan prunes a layer that cannot be pruned");
        for (int c = 0; c < channels; ++c) {
            if (keep[static_cast<std::size_t>(c)]) continue;
            for (std::size_t k = 0; k < layer.params().size(); ++k) cut(offsets[static_cast<std::size_t>(i)] + k, c);
            for (int j = i + 1; j < consumer; ++j) {
                const Layer& between = model.layer(j);
                if (between.kind() != "batchnorm") continue;
                for (std::size_t k = 0; k < between.params().size(); ++k)
                    if (between.params()[k].trainable) cut(offsets[static_cast<std::size_t>(j)] + k, c);
            }
        }
    }
    return masks;
}

Model rebuildPruned(const Model& model, const StructuredPlan& plan) {
    STUDIO_ASSERT(plan.keep.size() == static_cast<std::size_t>(model.layerCount()),
                  "rebuildPruned: the plan is for another architecture");
    ModelSpec spec = model.spec();
    for (int i = 0; i < model.layerCount(); ++i) {
        const auto& kept = plan.keep[static_cast<std::size_t>(i)];
        if (kept.empty()) continue;
        STUDIO_ASSERT(channelsPrunable(model, i), "rebuildPruned: the plan prunes a layer that cannot be pruned");
        const char* key = model.layer(i).kind() == "conv2d" ? "filters" : "units";
        spec.layers[static_cast<std::size_t>(i)].options[key] = static_cast<int>(kept.size());
    }
    auto built = Model::build(spec);
    STUDIO_ASSERT(built.ok(), "rebuildPruned: the smaller spec does not build");
    Model out = std::move(*built);

    // `in`: the kept positions of dim 0 of the activation entering layer i (nullopt: all).
    std::optional<std::vector<int>> in;
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& from = model.layer(i);
        Layer& to = out.layer(i);
        const std::string kind = from.kind();
        const auto& kept = plan.keep[static_cast<std::size_t>(i)];
        if (kind == "conv2d" || kind == "dense") {
            const Tensor& w = from.params().front().value;
            const std::vector<int> rows = kept.empty() ? allOf(w.dim(0)) : kept;
            std::vector<int> cols;  // kept input channels (conv) or input features (dense)
            if (kind == "conv2d")
                cols = in ? *in : allOf(w.dim(1));
            else
                cols = in ? expandChannels(*in, from.inputShape()) : allOf(static_cast<int>(w.size()) / w.dim(0));
            // Conv2D: a column is a K·K block of one input channel; Dense: one value.
            const std::size_t block = kind == "conv2d" ? w.size() / static_cast<std::size_t>(w.dim(0) * w.dim(1)) : 1;
            const std::size_t rowSize = w.size() / static_cast<std::size_t>(w.dim(0));
            Tensor& nw = to.params().front().value;
            STUDIO_ASSERT(nw.size() == rows.size() * cols.size() * block, "rebuildPruned: weight size mismatch");
            float* dst = nw.data();
            for (int r : rows)
                for (int c : cols) {
                    const float* src = w.data() + static_cast<std::size_t>(r) * rowSize + static_cast<std::size_t>(c) * block;
                    dst = std::copy_n(src, block, dst);
                }
            for (std::size_t k = 1; k < from.params().size(); ++k) {  // the bias
                const Tensor& b = from.params()[k].value;
                Tensor& nb = to.params()[k].value;
                STUDIO_ASSERT(nb.size() == rows.size(), "rebuildPruned: bias size mismatch");
                for (std::size_t r = 0; r < rows.size(); ++r) nb.data()[r] = b.data()[rows[r]];
            }
            in = kept.empty() ? std::nullopt : std::optional<std::vector<int>>(kept);
        } else {
            // Per-channel parameters (BatchNorm: gamma, beta, running mean and variance).
            for (std::size_t k = 0; k < from.params().size(); ++k) {
                const Tensor& v = from.params()[k].value;
                Tensor& nv = to.params()[k].value;
                if (!in) {
                    std::copy_n(v.data(), v.size(), nv.data());
                    continue;
                }
                STUDIO_ASSERT(nv.size() == in->size(), "rebuildPruned: per-channel parameter size mismatch");
                for (std::size_t c = 0; c < in->size(); ++c) nv.data()[c] = v.data()[(*in)[c]];
            }
            if (in && kind == "flatten") in = expandChannels(*in, from.inputShape());
        }
    }
    return out;
}

}  // namespace studio
