#pragma once
// Knowledge distillation loss (Hinton, Vinyals, Dean 2015): the student follows the labels and
// the teacher's softened probabilities.
//   z,t:(N,K) student and teacher logits, y:(N) labels in [0,K), T > 0, α in [0,1]
//   L_n   = (1−α)·CE(z_n, y_n) + α·T²·KL(softmax(t_n/T) ‖ softmax(z_n/T))
//   dL/dz = (1−α)·(softmax(z) − target) + α·T·(softmax(z/T) − softmax(t/T))
// CE is softmaxCrossEntropy's, label smoothing ε included (target = (1−ε)·onehot + ε/K). The T²
// keeps the soft term's gradient on the scale of the hard one as T grows.

#include <cstdint>
#include <span>

#include "engine/core/tensor.h"
#include "engine/loss/softmax_cross_entropy.h"

namespace studio {

struct DistillationParams {
    double temperature = 4.0;  // T > 0
    double alpha = 0.5;        // weight on the soft (teacher) term
    double labelSmoothing = 0.0;
};

/// Returns Σ_n CE(z_n, y_n) — the label term alone, exactly as softmaxCrossEntropy reports it, so
/// a distilled run's training loss reads like any other run's and like its validation loss — and
/// the samples whose arg-max of z equals the label. *objective (when given) gets Σ_n L_n.
/// dlogits:(N,K) overwritten with gradScale·dL/dz (resized here), when given.
/// Threads: pure function of its arguments.
LossSum distillationLoss(const Tensor& studentLogits, const Tensor& teacherLogits,
                         std::span<const std::int32_t> labels, const DistillationParams& params, float gradScale,
                         Tensor* dlogits, double* objective = nullptr);

/// The same computation in double on raw row-major (n,k) arrays: returns Σ_n L_n, the objective
/// the finite-difference test differentiates. dz (n·k values) overwritten when not null.
double distillationLossRows(const double* z, const double* t, const std::int32_t* labels, int n, int k,
                            const DistillationParams& params, double gradScale, double* dz);

}  // namespace studio
