#include "engine/loss/distillation_loss.h"

#include <cmath>

#include "engine/core/assert.h"

namespace studio {

namespace {

// log-sum-exp of s·v[0..k) and the arg-max of v, in double.
struct RowStats {
    double max = 0.0;     // max_j s·v_j
    double logSum = 0.0;  // log Σ_j exp(s·v_j − max)
    int arg = 0;
};

template <typename R>
RowStats rowStats(const R* v, int k, double scale) {
    RowStats r;
    r.max = scale * static_cast<double>(v[0]);
    for (int j = 1; j < k; ++j)
        if (scale * static_cast<double>(v[j]) > r.max) {
            r.max = scale * static_cast<double>(v[j]);
            r.arg = j;
        }
    double sum = 0.0;
    for (int j = 0; j < k; ++j) sum += std::exp(scale * static_cast<double>(v[j]) - r.max);
    r.logSum = std::log(sum);
    return r;
}

// One sample: returns L_n, writes gradScale·dL/dz into d when given. R is float (training) or
// double (the oracle); the arithmetic is double either way.
template <typename R>
double sampleLoss(const R* z, const R* t, int label, int k, const DistillationParams& p, double gradScale, R* d,
                  bool& correct, double& crossEntropy) {
    const double invT = 1.0 / p.temperature;
    const double alpha = p.alpha, eps = p.labelSmoothing;
    const RowStats hard = rowStats(z, k, 1.0);    // softmax(z)
    const RowStats soft = rowStats(z, k, invT);   // softmax(z/T)
    const RowStats teach = rowStats(t, k, invT);  // softmax(t/T)
    correct = hard.arg == label;

    auto logP = [&](int j) { return static_cast<double>(z[j]) - hard.max - hard.logSum; };
    double ce = -(1.0 - eps) * logP(label);
    if (eps > 0.0) {
        double meanLogP = 0.0;
        for (int j = 0; j < k; ++j) meanLogP += logP(j);
        ce -= eps * meanLogP / k;
    }
    crossEntropy = ce;
    double kl = 0.0;
    for (int j = 0; j < k; ++j) {
        const double logQ = invT * static_cast<double>(t[j]) - teach.max - teach.logSum;  // teacher
        const double q = std::exp(logQ);
        if (q > 0.0) kl += q * (logQ - (invT * static_cast<double>(z[j]) - soft.max - soft.logSum));
        if (d) {
            const double ps = std::exp(static_cast<double>(z[j]) - hard.max - hard.logSum);
            const double target = (j == label ? 1.0 - eps : 0.0) + eps / k;
            const double psT = std::exp(invT * static_cast<double>(z[j]) - soft.max - soft.logSum);
            d[j] = static_cast<R>(gradScale * ((1.0 - alpha) * (ps - target) + alpha * p.temperature * (psT - q)));
        }
    }
    return (1.0 - alpha) * ce + alpha * p.temperature * p.temperature * kl;
}

}  // namespace

LossSum distillationLoss(const Tensor& studentLogits, const Tensor& teacherLogits,
                         std::span<const std::int32_t> labels, const DistillationParams& params, float gradScale,
                         Tensor* dlogits, double* objective) {
    const int n = studentLogits.dim(0);
    const int k = static_cast<int>(studentLogits.sampleSize());
    STUDIO_ASSERT(teacherLogits.rank() >= 1 && teacherLogits.dim(0) == n &&
                      static_cast<int>(teacherLogits.sampleSize()) == k,
                  "distillationLoss: teacher and student logits differ in shape");
    STUDIO_ASSERT(labels.size() == static_cast<std::size_t>(n), "distillationLoss: label count mismatch");
    STUDIO_ASSERT(params.temperature > 0.0, "distillationLoss: temperature must be positive");
    if (dlogits) dlogits->resize(studentLogits.shape());
    LossSum out;
    double total = 0.0;
    for (int i = 0; i < n; ++i) {
        const int label = labels[static_cast<std::size_t>(i)];
        STUDIO_ASSERT(label >= 0 && label < k, "distillationLoss: label out of range");
        bool correct = false;
        double crossEntropy = 0.0;
        total += sampleLoss(studentLogits.sample(i), teacherLogits.sample(i), label, k, params, gradScale,
                            dlogits ? dlogits->sample(i) : static_cast<float*>(nullptr), correct, crossEntropy);
        out.loss += crossEntropy;
        out.correct += correct ? 1 : 0;
    }
    if (objective) *objective = total;
    return out;
}

double distillationLossRows(const double* z, const double* t, const std::int32_t* labels, int n, int k,
                            const DistillationParams& params, double gradScale, double* dz) {
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        bool correct = false;
        double crossEntropy = 0.0;
        const auto row = static_cast<std::size_t>(i) * static_cast<std::size_t>(k);
        sum += sampleLoss(z + row, t + row, labels[i], k, params, gradScale, dz ? dz + row : nullptr, correct,
                          crossEntropy);
    }
    return sum;
}

}  // namespace studio
