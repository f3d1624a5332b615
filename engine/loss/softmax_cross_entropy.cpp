#include "engine/loss/softmax_cross_entropy.h"

#include <algorithm>
#include <cmath>

namespace studio {

LossSum softmaxCrossEntropy(const Tensor& logits, std::span<const std::int32_t> labels, float labelSmoothing,
                            float gradScale, Tensor* dlogits) {
    const int n = logits.dim(0);
    const int k = static_cast<int>(logits.sampleSize());
    STUDIO_ASSERT(labels.size() == static_cast<std::size_t>(n), "softmaxCrossEntropy: label count mismatch");
    if (dlogits) dlogits->resize(logits.shape());
    LossSum out;
    const double eps = labelSmoothing;
    for (int i = 0; i < n; ++i) {
        const float* z = logits.sample(i);
        const int label = labels[static_cast<std::size_t>(i)];
        STUDIO_ASSERT(label >= 0 && label < k, "softmaxCrossEntropy: label out of range");
        int arg = 0;
        float zmax = z[0];
        for (int j = 1; j < k; ++j)
            if (z[j] > zmax) { zmax = z[j]; arg = j; }
        if (arg == label) ++out.correct;
        double sum = 0.0;
        for (int j = 0; j < k; ++j) sum += std::exp(static_cast<double>(z[j] - zmax));
        const double logSum = std::log(sum);
        // loss = −Σ_j t_j log p_j,  log p_j = z_j − zmax − logSum
        double loss = 0.0;
        if (eps > 0.0) {
            double meanLogP = 0.0;
            for (int j = 0; j < k; ++j) meanLogP += static_cast<double>(z[j] - zmax) - logSum;
            meanLogP /= k;
            loss = -(1.0 - eps) * (static_cast<double>(z[label] - zmax) - logSum) - eps * meanLogP;
        } else {
            loss = -(static_cast<double>(z[label] - zmax) - logSum);
        }
        out.loss += loss;
        if (dlogits) {
            float* d = dlogits->sample(i);
            const double inv = 1.0 / sum;
            for (int j = 0; j < k; ++j) {
                const double p = std::exp(static_cast<double>(z[j] - zmax)) * inv;
                const double t = (j == label ? 1.0 - eps : 0.0) + eps / k;
                d[j] = static_cast<float>(gradScale * (p - t));
            }
        }
    }
    return out;
}

void softmaxRows(const Tensor& logits, Tensor& probs) {
    const int n = logits.dim(0);
    const int k = static_cast<int>(logits.sampleSize());
    probs.resize(logits.shape());
    for (int i = 0; i < n; ++i) {
        const float* z = logits.sample(i);
        float* p = probs.sample(i);
        const float zmax = *std::max_element(z, z + k);
        double sum = 0.0;
        for (int j = 0; j < k; ++j) sum += std::exp(static_cast<double>(z[j] - zmax));
        for (int j = 0; j < k; ++j) p[j] = static_cast<float>(std::exp(static_cast<double>(z[j] - zmax)) / sum);
    }
}

double meanSquaredError(const Tensor& y, const Tensor& target, float gradScale, Tensor* dy) {
    STUDIO_ASSERT(y.size() == target.size(), "meanSquaredError: size mismatch");
    if (dy) dy->resize(y.shape());
    double sum = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double diff = static_cast<double>(y[i]) - target[i];
        sum += 0.5 * diff * diff;
        if (dy) (*dy)[i] = static_cast<float>(gradScale * diff);
    }
    return sum;
}

}  // namespace studio
