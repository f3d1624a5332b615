#pragma once
// Optimizers update parameters from the batch-mean gradient, element by element in a fixed
// order: parallel over fixed chunks of kOptimizerChunk elements of each parameter tensor, so each
// element is written by exactly one task and always by the same code path (vector body or tail),
// whatever the thread count.
//
// One step, for every trainable parameter θ with gradient g (PyTorch's formulas):
//   clipping     if clipNorm > 0: n = ‖g‖ over all trainable grads; if n > clipNorm:
//                g ← g · clipNorm / (n + 1e-6)                   (torch.nn.utils.clip_grad_norm_)
//   L2 decay     g ← g + λ·θ           only where Param::decay (not for adamw, see adam.h)
//   update       see sgd.h, adam.h, rmsprop.h
// Non-trainable params (BatchNorm running statistics) are never touched.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

/// Elements per optimizer task: fixed, so the split never depends on the thread count.
constexpr std::size_t kOptimizerChunk = 16384;

struct OptimizerConfig {
    std::string kind = "adam";                            // sgd | momentum | nesterov | adam | adamw | rmsprop
    float momentum = 0.9f;                                // momentum / nesterov
    float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // adam, adamw (epsilon also rmsprop)
    float rmsAlpha = 0.99f;                               // rmsprop smoothing
    float weightDecay = 0.0f;                             // L2 added to the gradient; decoupled for adamw
    float clipNorm = 0.0f;                                // global gradient-norm clipping (0 = off)

    /// Every field, keys as above.
    nlohmann::json toJson() const;
    /// Missing keys keep their defaults; unknown keys and out-of-range values are errors that
    /// name the option ("Optimizer settings: 'beta1' is 1.5 but must be between 0 and 0.999999.").
    static Result<OptimizerConfig> fromJson(const nlohmann::json& j);
    static std::vector<std::string> kinds();
};

/// Everything an optimizer's next step depends on besides the parameters: the steps taken and
/// its per-parameter buffers (Adam: m₀, v₀, m₁, v₁, …; momentum: b per parameter; RMSProp: v per
/// parameter), an empty tensor where a buffer was not created yet. A checkpoint keeps it so a
/// resumed run continues bit for bit.
struct OptimizerState {
    std::int64_t steps = 0;
    std::vector<Tensor> buffers;
};

/// Watches Optimizer::step chunk by chunk, on the thread that updates the chunk: TrainingRun keeps
/// each chunk's old weights and checks the new ones while they are in cache, instead of two more
/// passes over every weight per step.
class StepObserver {
public:
    virtual void beforeUpdate(std::size_t param, std::size_t begin, std::size_t end) = 0;
    virtual void afterUpdate(std::size_t param, std::size_t begin, std::size_t end) = 0;

protected:
    ~StepObserver() = default;
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    /// Validates the config (same checks as fromJson) and builds the optimizer it names.
    static Result<std::unique_ptr<Optimizer>> create(const OptimizerConfig& config);

    /// One update. params and grads are aligned (Model::params(), Workspace::grads()); only
    /// trainable params are touched. grads hold dL/dθ of the batch mean and may be modified
    /// (weight decay, clipping). lr is this step's learning rate.
    /// Requires: the same parameter list (count and shapes) on every call.
    /// Threads:  runs tbb::parallel_for over fixed element chunks in the caller's arena.
    /// observer (optional) sees every chunk of every trainable parameter before and after its update.
    void step(const std::vector<Param*>& params, std::vector<Tensor>& grads, float lr,
              StepObserver* observer = nullptr);

    const OptimizerConfig& config() const { return m_config; }
    /// A live edit (learning rate lives in the schedule; momentum, clipping and decay here).
    /// Requires: the same kind.
    void setConfig(const OptimizerConfig& config);
    OptimizerState state() const { return {m_steps, buffers()}; }
    /// Error when the buffers do not fit `params` (a checkpoint of another model).
    Status restore(OptimizerState state, const std::vector<Param*>& params);
    /// Steps taken so far (Adam's t after the last step).
    std::int64_t steps() const { return m_steps; }
    /// Global gradient norm before clipping, measured by the last step (0 when clipping is off).
    double lastGradientNorm() const { return m_lastNorm; }
    /// Pruning masks (engine/deploy/pruning.h), aligned with params: 1 keeps an entry, 0 prunes
    /// it; an empty tensor (or an empty list) masks nothing. From now on every step zeroes the
    /// gradient of a pruned entry before clipping, decay and the update, and sets the entry to
    /// exactly 0.0f after its update, so pruned weights stay zero with every kind. The masked
    /// entries of `params` are set to 0.0f now. Unmasked steps are unchanged, bit for bit.
    /// Error when the masks do not fit `params` or mask a statistic.
    Status setMasks(std::vector<Tensor> masks, const std::vector<Param*>& params);

protected:
    explicit Optimizer(OptimizerConfig config) : m_config(std::move(config)) {}

    /// Called once per step, serially, before any update: size the state vectors and create the
    /// buffers of every trainable parameter that has none yet.
    virtual void prepare(const std::vector<Param*>& params) = 0;
    /// Updates elements [begin, end) of one trainable parameter. g already has clipping and L2
    /// decay applied. `t` is the 1-based step number. Must touch only those elements of the
    /// parameter and its state; other chunks of the same parameter run concurrently.
    virtual void update(std::size_t index, Param& param, const Tensor& g, float lr, std::int64_t t,
                        std::size_t begin, std::size_t end) = 0;
    virtual std::vector<Tensor> buffers() const = 0;
    /// Takes buffers as buffers() returns them; false when their count does not fit.
    virtual bool setBuffers(std::vector<Tensor> buffers, std::size_t paramCount) = 0;
    /// For prepare(): one buffer per parameter, shaped like it and zero, created for every
    /// trainable parameter that has none yet; asserts the list and shapes did not change.
    static void ensureBuffers(std::vector<Tensor>& buffers, const std::vector<Param*>& params);
    /// True when decay is decoupled (AdamW): the base class then does not add λ·θ to g.
    virtual bool decoupledDecay() const { return false; }

    OptimizerConfig m_config;

private:
    std::int64_t m_steps = 0;
    double m_lastNorm = 0.0;
    std::vector<Tensor> m_masks;  // see setMasks; empty: no pruning
};

/// Global L2 norm over the trainable gradients (fixed order, double accumulation).
double gradientNorm(const std::vector<Param*>& params, const std::vector<Tensor>& grads);
/// Scales grads so their global norm is at most maxNorm (factor maxNorm / (norm + 1e-6), as
/// PyTorch); returns the norm before clipping.
double clipGradientNorm(const std::vector<Param*>& params, std::vector<Tensor>& grads, double maxNorm);

}  // namespace studio
