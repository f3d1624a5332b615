#pragma once
// Fused, numerically stable softmax cross-entropy.
//   logits:(N,K)  labels:(N) in [0,K)  → returns Σ_n loss_n (not the mean) and the number of
//   samples whose arg-max equals the label; dlogits:(N,K) = gradScale·(softmax − target) where
//   target = (1−ε)·onehot + ε/K (label smoothing ε). With gradScale = 1/batchSize the shards'
//   gradients add up to the gradient of the batch mean.

#include <cstdint>
#include <span>

#include "engine/core/tensor.h"

namespace studio {

struct LossSum {
    double loss = 0.0;   // Σ over samples
    int correct = 0;     // arg-max == label
};

LossSum softmaxCrossEntropy(const Tensor& logits, std::span<const std::int32_t> labels, float labelSmoothing,
                            float gradScale, Tensor* dlogits);

/// Softmax of each row, in place-safe (probs may alias logits' copy).
void softmaxRows(const Tensor& logits, Tensor& probs);

// Mean squared error: returns Σ_n Σ_k ½(y−t)²; dy = gradScale·(y − t).   y,t:(N,K)
double meanSquaredError(const Tensor& y, const Tensor& target, float gradScale, Tensor* dy);

}  // namespace studio
