#pragma once
// Optimizers update parameters from the batch-mean gradient, element by element in a fixed
// order (parallel over parameter tensors/rows is fine: each element is written by one task).

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

struct OptimizerConfig {
    std::string kind = "adam";   // sgd | momentum | nesterov | adam | adamw | rmsprop
    float momentum = 0.9f;       // momentum / nesterov
    float beta1 = 0.9f, beta2 = 0.999f, epsilon = 1e-8f;  // adam, adamw (epsilon also rmsprop)
    float rmsAlpha = 0.99f;      // rmsprop smoothing
    float weightDecay = 0.0f;    // L2 added to the gradient; decoupled for adamw
    float clipNorm = 0.0f;       // global gradient-norm clipping (0 = off)

    nlohmann::json toJson() const;
    static Result<OptimizerConfig> fromJson(const nlohmann::json& j);
    static std::vector<std::string> kinds();
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    static Result<std::unique_ptr<Optimizer>> create(const OptimizerConfig& config);

    /// One update. params and grads are aligned (Model::params(), Workspace::grads()); only
    /// trainable params are touched. grads hold dL/dθ of the batch mean and may be modified
    /// (weight decay, clipping). lr is this step's learning rate.
    virtual void step(const std::vector<Param*>& params, std::vector<Tensor>& grads, float lr) = 0;
    const OptimizerConfig& config() const { return m_config; }

protected:
    explicit Optimizer(OptimizerConfig config) : m_config(std::move(config)) {}
    OptimizerConfig m_config;
};

/// Global L2 norm over the trainable gradients (fixed order, double accumulation).
double gradientNorm(const std::vector<Param*>& params, const std::vector<Tensor>& grads);
/// Scales grads so their global norm is at most maxNorm; returns the norm before clipping.
double clipGradientNorm(const std::vector<Param*>& params, std::vector<Tensor>& grads, double maxNorm);

}  // namespace studio
