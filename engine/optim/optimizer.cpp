#include "engine/optim/optimizer.h"

#include <algorithm>
#include <cmath>

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>

#include "engine/nn/spec_reader.h"
#include "engine/optim/adam.h"
#include "engine/optim/rmsprop.h"
#include "engine/optim/sgd.h"

namespace studio {

namespace {

const char* const kOptimizerHint =
    "Optimizer settings look like {\"kind\": \"adam\", \"beta1\": 0.9, \"beta2\": 0.999, \"weightDecay\": 0}; "
    "kinds: sgd, momentum, nesterov, adam, adamw, rmsprop.";

// Reads and range-checks every field; the same checks serve fromJson and create().
Result<OptimizerConfig> readConfig(const nlohmann::json& j) {
    if (!j.is_object()) return Error::invalid("Optimizer settings must be a JSON object.", kOptimizerHint);
    SpecReader r(j);
    if (r.has("type")) r.problem("unknown option 'type' (did you mean 'kind'?)");
    OptimizerConfig c;
    c.kind = r.text("kind", c.kind, OptimizerConfig::kinds());
    c.momentum = static_cast<float>(r.number("momentum", c.momentum, 0.0, 0.9999));
    c.beta1 = static_cast<float>(r.number("beta1", c.beta1, 0.0, 0.999999));
    c.beta2 = static_cast<float>(r.number("beta2", c.beta2, 0.0, 0.999999));
    c.epsilon = static_cast<float>(r.number("epsilon", c.epsilon, 1e-30, 1.0));
    c.rmsAlpha = static_cast<float>(r.number("rmsAlpha", c.rmsAlpha, 0.0, 0.999999));
    c.weightDecay = static_cast<float>(r.number("weightDecay", c.weightDecay, 0.0, 1.0));
    c.clipNorm = static_cast<float>(r.number("clipNorm", c.clipNorm, 0.0, 1e6));
    if (c.kind == "nesterov" && !(c.momentum > 0.0f))
        r.problem("'momentum' must be above 0 for nesterov (Nesterov momentum needs momentum)");
    if (auto e = r.finish()) return Error::invalid("Optimizer settings: " + *e + ".", kOptimizerHint);
    return c;
}

// v[e] ← 0 where mask[e] is 0, for e in [begin, end): a select, so ±Inf or NaN cannot leak through.
void maskEntries(float* v, const float* mask, std::size_t begin, std::size_t end) {
    for (std::size_t e = begin; e < end; ++e) v[e] = mask[e] != 0.0f ? v[e] : 0.0f;
}

}  // namespace

nlohmann::json OptimizerConfig::toJson() const {
    return {{"kind", kind},
            {"momentum", momentum},
            {"beta1", beta1},
            {"beta2", beta2},
            {"epsilon", epsilon},
            {"rmsAlpha", rmsAlpha},
            {"weightDecay", weightDecay},
            {"clipNorm", clipNorm}};
}

Result<OptimizerConfig> OptimizerConfig::fromJson(const nlohmann::json& j) {
    return readConfig(j);
}

std::vector<std::string> OptimizerConfig::kinds() {
    return {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"};
}

Result<std::unique_ptr<Optimizer>> Optimizer::create(const OptimizerConfig& config) {
    auto checked = readConfig(config.toJson());
    if (!checked.ok()) return checked.error();
    const std::string& k = config.kind;
    std::unique_ptr<Optimizer> opt;
    if (k == "sgd")
        opt = std::make_unique<SgdOptimizer>(config, SgdOptimizer::Mode::Plain);
    else if (k == "momentum")
        opt = std::make_unique<SgdOptimizer>(config, SgdOptimizer::Mode::Momentum);
    else if (k == "nesterov")
        opt = std::make_unique<SgdOptimizer>(config, SgdOptimizer::Mode::Nesterov);
    else if (k == "adam")
        opt = std::make_unique<AdamOptimizer>(config, /*decoupled=*/false);
    else if (k == "adamw")
        opt = std::make_unique<AdamOptimizer>(config, /*decoupled=*/true);
    else
        opt = std::make_unique<RmsPropOptimizer>(config);
    return opt;
}

void Optimizer::step(const std::vector<Param*>& params, std::vector<Tensor>& grads, float lr,
                     StepObserver* observer) {
    STUDIO_ASSERT(params.size() == grads.size(), "Optimizer::step: params and grads are not aligned");
    ++m_steps;
    const bool masked = !m_masks.empty();
    if (masked && m_config.clipNorm > 0.0f)  // pruned weights have no gradient, so none in the norm
        for (std::size_t i = 0; i < params.size(); ++i)
            if (!m_masks[i].empty()) maskEntries(grads[i].data(), m_masks[i].data(), 0, grads[i].size());
    m_lastNorm = m_config.clipNorm > 0.0f ? clipGradientNorm(params, grads, m_config.clipNorm) : 0.0;
    prepare(params);
    const float decay = m_config.weightDecay;
    const bool l2 = decay > 0.0f && !decoupledDecay();
    const std::int64_t t = m_steps;
    struct Chunk {
        std::size_t param, begin, end;
    };
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i]->trainable) continue;
        STUDIO_ASSERT(grads[i].size() == params[i]->value.size(),
                      "Optimizer::step: gradient size differs from its parameter");
        const std::size_t n = grads[i].size();
        for (std::size_t b = 0; b < n; b += kOptimizerChunk) chunks.push_back({i, b, std::min(n, b + kOptimizerChunk)});
    }
    auto one = [&](const Chunk& c) {
        Param& p = *params[c.param];
        Tensor& g = grads[c.param];
        const float* mask = masked && !m_masks[c.param].empty() ? m_masks[c.param].data() : nullptr;
        if (mask) maskEntries(g.data(), mask, c.begin, c.end);
        if (l2 && p.decay) {
            // g ← g + λ·θ
            const float* w = p.value.data();
            float* gd = g.data();
            for (std::size_t e = c.begin; e < c.end; ++e) gd[e] += decay * w[e];
        }
        if (observer) observer->beforeUpdate(c.param, c.begin, c.end);
        update(c.param, p, g, lr, t, c.begin, c.end);
        if (mask) maskEntries(p.value.data(), mask, c.begin, c.end);
        if (observer) observer->afterUpdate(c.param, c.begin, c.end);
    };
    if (chunks.size() < 2) {
        for (const Chunk& c : chunks) one(c);
    } else {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks.size(), 1),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                              for (std::size_t c = r.begin(); c < r.end(); ++c) one(chunks[c]);
                          });
    }
}

void Optimizer::ensureBuffers(std::vector<Tensor>& buffers, const std::vector<Param*>& params) {
    STUDIO_ASSERT(buffers.empty() || buffers.size() == params.size(), "Optimizer: the parameter list changed");
    buffers.resize(params.size());
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i]->trainable && buffers[i].empty()) buffers[i] = Tensor(params[i]->value.shape());
        STUDIO_ASSERT(buffers[i].empty() || buffers[i].size() == params[i]->value.size(),
                      "Optimizer: a parameter's shape changed");
    }
}

double gradientNorm(const std::vector<Param*>& params, const std::vector<Tensor>& grads) {
    STUDIO_ASSERT(params.size() == grads.size(), "gradientNorm: params and grads are not aligned");
    double sum = 0.0;
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (!params[i]->trainable) continue;
        const float* g = grads[i].data();
        for (std::size_t e = 0; e < grads[i].size(); ++e) sum += static_cast<double>(g[e]) * g[e];
    }
    return std::sqrt(sum);
}

double clipGradientNorm(const std::vector<Param*>& params, std::vector<Tensor>& grads, double maxNorm) {
    const double norm = gradientNorm(params, grads);
    const double coef = maxNorm / (norm + 1e-6);
    if (coef < 1.0) {
        const float f = static_cast<float>(coef);
        for (std::size_t i = 0; i < params.size(); ++i) {
            if (!params[i]->trainable) continue;
            float* g = grads[i].data();
            for (std::size_t e = 0; e < grads[i].size(); ++e) g[e] *= f;
        }
    }
    return norm;
}

Status Optimizer::setMasks(std::vector<Tensor> masks, const std::vector<Param*>& params) {
    const std::string hint = "Prune the model these parameters belong to, or train without masks.";
    if (!masks.empty() && masks.size() != params.size())
        return Error::invalid("The pruning masks cover " + std::to_string(masks.size()) + " parameter tensors but the model has " +
                                  std::to_string(params.size()) + ".",
                              hint);
    for (std::size_t i = 0; i < masks.size(); ++i) {
        if (masks[i].empty()) continue;
        if (masks[i].size() != params[i]->value.size() || !params[i]->trainable)
            return Error::invalid("The pruning mask of parameter tensor " + std::to_string(i + 1) + " (" + params[i]->name +
                                      ") does not fit it: " + shapeToString(masks[i].shape()) + " against " +
                                      shapeToString(params[i]->value.shape()) +
                                      (params[i]->trainable ? "." : ", and it is a statistic, which is never pruned."),
                                  hint);
    }
    for (std::size_t i = 0; i < masks.size(); ++i)
        if (!masks[i].empty()) maskEntries(params[i]->value.data(), masks[i].data(), 0, masks[i].size());
    m_masks = std::move(masks);
    return Status::success();
}

void Optimizer::setConfig(const OptimizerConfig& config) {
    STUDIO_ASSERT(config.kind == m_config.kind, "Optimizer::setConfig: the kind cannot change during a run");
    m_config = config;
}

Status Optimizer::restore(OptimizerState state, const std::vector<Param*>& params) {
    const Error mismatch = Error::invalid("The optimizer state in the checkpoint does not fit this model (" +
                                              std::to_string(params.size()) + " parameter tensors).",
                                          "Resume from a checkpoint of the same run, or start a new run.");
    if (state.steps < 0) return mismatch;
    if (!params.empty() && !state.buffers.empty()) {
        const std::size_t per = state.buffers.size() / params.size();
        if (per == 0 || state.buffers.size() != per * params.size()) return mismatch;
        for (std::size_t b = 0; b < state.buffers.size(); ++b)
            if (!state.buffers[b].empty() && state.buffers[b].size() != params[b / per]->value.size()) return mismatch;
    }
    if (!setBuffers(std::move(state.buffers), params.size())) return mismatch;
    m_steps = state.steps;
    return Status::success();
}

}  // namespace studio
