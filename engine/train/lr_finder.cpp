#include "engine/train/lr_finder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>

#include "engine/core/parallel.h"
#include "engine/data/data_loader.h"
#include "engine/loss/softmax_cross_entropy.h"
#include "engine/optim/optimizer.h"
#include "engine/train/flush_denormals.h"

namespace studio {

namespace {

std::string formatNumber(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

bool allFinite(const Tensor& t) {
    const float* p = t.data();
    for (std::size_t i = 0, n = t.size(); i < n; ++i)
        if (!std::isfinite(p[i])) return false;
    return true;
}

Status checkFinderSetup(const TrainingSetup& setup, const Model& model) {
    STUDIO_TRY(setup.config.validate());
    if (!setup.data) return Error::invalid("No dataset was given to the learning-rate finder.", "Load a dataset first.");
    const Dataset& pool = setup.data->pool;
    if (setup.split.train.empty())
        return Error::invalid("The training split of dataset '" + pool.name() + "' is empty.",
                              "Lower the validation and test fractions or add samples.");
    if (setup.backbone)
        return Error::unsupported("The learning-rate finder does not run behind a frozen backbone yet.",
                                  "Find the rate for the head without --backbone, or choose it by a sweep.");
    if (setup.config.distillation.active())
        return Error::unsupported("The learning-rate finder does not distil.",
                                  "Find the rate without a teacher; distillation changes the loss's scale little.");
    if (model.inputShape() != pool.sampleShape())
        return Error::invalid("The model takes inputs of " + shapeToString(model.inputShape()) + " but dataset '" +
                                  pool.name() + "' has samples of " + shapeToString(pool.sampleShape()) + ".",
                              "Choose a model for this dataset.");
    if (model.outputSize() != pool.classCount())
        return Error::invalid("The model has " + std::to_string(model.outputSize()) + " outputs but dataset '" +
                                  pool.name() + "' has " + std::to_string(pool.classCount()) + " classes.",
                              "Let the last dense layer have \"units\": \"classes\".");
    return Status::success();
}

// One training step at a given rate, as TrainingRun::step does it (shards of config.shardSize,
// shard-order gradient sum, the optimizer), without its recording, distillation and backbone.
class FinderSteps {
public:
    FinderSteps(const TrainingSetup& setup, const Preprocessing& prep, Model& model, Optimizer& optimizer,
                ThreadPool& pool)
        : m_setup(setup), m_prep(prep), m_model(model), m_optimizer(optimizer), m_pool(pool), m_params(model.params()) {
        const int trainSize = static_cast<int>(setup.split.train.size());
        m_batchSize = std::min(setup.config.batchSize, trainSize);
        const int shards = (m_batchSize + setup.config.shardSize - 1) / setup.config.shardSize;
        for (int s = 0; s < shards; ++s) m_workspaces.emplace_back(model);
        m_labels.resize(static_cast<std::size_t>(shards));
        m_dlogits.resize(static_cast<std::size_t>(shards));
        m_shardLoss.resize(static_cast<std::size_t>(shards));
        for (const Param* p : m_params) m_summed.emplace_back(p->value.shape());
    }

    /// The mean loss of batch `step` (the epochs' orders one after another) before its update;
    /// nullopt when the loss or the gradients are not finite (the update is then not applied).
    std::optional<double> run(std::int64_t step, float lr) {
        const TrainConfig& cfg = m_setup.config;
        const Dataset& data = m_setup.data->pool;
        const auto& train = m_setup.split.train;
        const std::int64_t perEpoch = (static_cast<std::int64_t>(train.size()) + m_batchSize - 1) / m_batchSize;
        const auto epoch = static_cast<std::uint64_t>(step / perEpoch);
        if (epoch != m_orderEpoch || m_order.empty()) {
            m_order = epochOrder(train, cfg.seed, epoch);
            m_orderEpoch = epoch;
        }
        const int begin = static_cast<int>(step % perEpoch) * m_batchSize;
        const int count = std::min(m_batchSize, static_cast<int>(m_order.size()) - begin);
        const std::span<const int> batch(m_order.data() + begin, static_cast<std::size_t>(count));
        const int shards = (count + cfg.shardSize - 1) / cfg.shardSize;
        const float gradScale = 1.0f / static_cast<float>(count);
        const AugmentConfig* augment =
            cfg.augment.any() && data.storage() == Dataset::Storage::Pixels8 ? &cfg.augment : nullptr;

        m_pool.forEach(shards, [&](int s) {
            const auto us = static_cast<std::size_t>(s);
            const int first = s * cfg.shardSize;
            const int n = std::min(cfg.shardSize, count - first);
            Workspace& ws = m_workspaces[us];
            assembleBatch(data, batch.subspan(static_cast<std::size_t>(first), static_cast<std::size_t>(n)),
                          m_prep, augment, cfg.seed, epoch, ws.input(), m_labels[us]);
            RunContext ctx;
            ctx.training = true;
            ctx.seed = cfg.seed;
            ctx.step = static_cast<std::uint64_t>(step);
            ctx.sampleOffset = first;
            m_model.forward(ws, ctx);
            m_shardLoss[us] =
                softmaxCrossEntropy(ws.output(), m_labels[us], cfg.labelSmoothing, gradScale, &m_dlogits[us]);
            ws.zeroGrads();
            m_model.backward(ws, m_dlogits[us], ctx);
        });
        // Σ over shards in shard order; a task owns one parameter.
        m_pool.forEach(static_cast<int>(m_params.size()), [&](int p) {
            const auto up = static_cast<std::size_t>(p);
            Tensor& out = m_summed[up];
            std::memcpy(out.data(), m_workspaces[0].grads()[up].data(), out.size() * sizeof(float));
            for (int s = 1; s < shards; ++s) {
                const float* g = m_workspaces[static_cast<std::size_t>(s)].grads()[up].data();
                for (std::size_t i = 0; i < out.size(); ++i) out.data()[i] += g[i];
            }
        });
        double loss = 0.0;
        for (int s = 0; s < shards; ++s) loss += m_shardLoss[static_cast<std::size_t>(s)].loss;
        if (!std::isfinite(loss)) return std::nullopt;
        for (const Tensor& g : m_summed)
            if (!allFinite(g)) return std::nullopt;
        m_pool.execute([&] { m_optimizer.step(m_params, m_summed, lr); });
        m_model.updateStatistics(m_summed, shards);
        return loss / count;
    }

private:
    const TrainingSetup& m_setup;
    const Preprocessing& m_prep;
    Model& m_model;
    Optimizer& m_optimizer;
    ThreadPool& m_pool;
    std::vector<Param*> m_params;
    int m_batchSize = 1;
    std::vector<Workspace> m_workspaces;
    std::vector<std::vector<std::int32_t>> m_labels;
    std::vector<Tensor> m_dlogits;
    std::vector<LossSum> m_shardLoss;
    std::vector<Tensor> m_summed;
    std::vector<int> m_order;
    std::uint64_t m_orderEpoch = 0;
};

}  // namespace

Status LrFinderConfig::validate() const {
    if (!(startLr >= 1e-10 && startLr <= 100.0))
        return Error::invalid("The finder's start rate " + formatNumber(startLr) + " must be between 1e-10 and 100.",
                              "Start at a rate too small to learn, e.g. 1e-7.");
    if (!(endLr > startLr && endLr <= 1000.0))
        return Error::invalid("The finder's end rate " + formatNumber(endLr) + " must be above its start rate " +
                                  formatNumber(startLr) + " and at most 1000.",
                              "End at a rate that diverges, e.g. 10.");
    if (steps < 10 || steps > 100000)
        return Error::invalid("The finder's step count " + std::to_string(steps) + " must be between 10 and 100000.",
                              "A few hundred steps are enough, e.g. 200.");
    if (!(divergence > 1.0)) return Error::invalid("The finder's divergence factor must be above 1.", "Use 4.");
    if (smoothingSteps < 0 || smoothingSteps > steps / 2)
        return Error::invalid("The finder's smoothing half-width " + std::to_string(smoothingSteps) +
                                  " must be between 0 (automatic) and half the steps.",
                              "Use 0.");
    return Status::success();
}

double LrFinderConfig::lrAt(int step) const {
    return startLr * std::pow(endLr / startLr, static_cast<double>(step) / static_cast<double>(steps - 1));
}

int LrFinderConfig::halfWidth() const {
    return smoothingSteps > 0 ? smoothingSteps : std::max(2, steps / 40);
}

void smoothLrCurve(std::vector<LrCurvePoint>& curve, int halfWidth) {
    const int n = static_cast<int>(curve.size());
    for (int i = 0; i < n; ++i) {
        const int lo = std::max(0, i - halfWidth), hi = std::min(n - 1, i + halfWidth);
        double sum = 0.0;
        for (int j = lo; j <= hi; ++j) sum += curve[static_cast<std::size_t>(j)].loss;
        curve[static_cast<std::size_t>(i)].smoothed = sum / (hi - lo + 1);
    }
}

std::optional<LrSuggestion> suggestLearningRate(const std::vector<LrCurvePoint>& curve) {
    const int n = static_cast<int>(curve.size());
    if (n < 5) return std::nullopt;
    auto smoothed = [&](int i) { return curve[static_cast<std::size_t>(i)].smoothed; };
    int lowest = 0;
    for (int i = 1; i < n; ++i)
        if (smoothed(i) < smoothed(lowest)) lowest = i;
    const double fall = smoothed(0) - smoothed(lowest);
    if (lowest == 0 || !(fall > 0.01 * std::abs(smoothed(0)))) return std::nullopt;  // it never really fell
    const double within = smoothed(lowest) + 0.2 * fall;
    LrSuggestion s;
    s.rangeLow = 0;
    while (smoothed(s.rangeLow) > within) ++s.rangeLow;  // stops at `lowest` at the latest
    s.rangeHigh = lowest;
    while (s.rangeHigh + 1 < n && smoothed(s.rangeHigh + 1) <= within) ++s.rangeHigh;
    s.index = s.rangeLow + static_cast<int>(std::lround((s.rangeHigh - s.rangeLow) / 3.0));
    return s;
}

Result<LrFinding> findLearningRate(const TrainingSetup& setup, const LrFinderConfig& config,
                                   const LrFinderProgress& progress) {
    STUDIO_TRY(config.validate());
    std::optional<Model> model;  // the throwaway copy
    if (setup.initialModel) {
        model = *setup.initialModel;
    } else {
        auto built = Model::build(setup.spec);
        if (!built) return built.error();
        model = std::move(*built);
        model->initialize(setup.config.seed);
    }
    STUDIO_TRY(checkFinderSetup(setup, *model));
    const Preprocessing prep =
        setup.preprocessing ? *setup.preprocessing : Preprocessing::fitted(setup.data->pool, setup.split.train);

    auto optimizer = Optimizer::create(setup.config.optimizer);
    if (!optimizer) return optimizer.error();
    const ScopedFlushDenormals flushDenormals;  // the same float mode as training (flush_denormals.h)
    ThreadPool pool(setup.config.threads);
    FlushDenormalsObserver observer;
    pool.execute([&] { observer.observe(true); });
    if (auto s = (*optimizer)->setMasks(setup.masks, model->params()); !s) return s.error();

    FinderSteps steps(setup, prep, *model, **optimizer, pool);
    LrFinding finding;
    const int k = config.halfWidth();
    double recentSum = 0.0, best = 0.0;
    for (int i = 0; i < config.steps; ++i) {
        const double lr = config.lrAt(i);
        const auto loss = steps.run(i, static_cast<float>(lr));
        if (!loss) {
            finding.diverged = true;
            break;
        }
        finding.curve.push_back({lr, *loss, 0.0});
        // The mean of the last 2k+1 losses (fewer at the start): the centred average of the
        // point k steps back, and what the divergence test watches.
        recentSum += *loss;
        if (i > 2 * k) recentSum -= finding.curve[static_cast<std::size_t>(i - 2 * k - 1)].loss;
        const double recent = recentSum / std::min(i + 1, 2 * k + 1);
        if (progress && !progress(i + 1, config.steps, {lr, *loss, recent}))
            return Error(Error::Kind::Cancelled, "The learning-rate finder was stopped.");
        if (i == 0 || recent < best) best = recent;
        if (i >= 2 * k && recent > config.divergence * best) {
            finding.diverged = true;
            break;
        }
    }
    smoothLrCurve(finding.curve, k);
    observer.observe(false);
    if (!finding.curve.empty()) {
        std::size_t lowest = 0;
        for (std::size_t i = 1; i < finding.curve.size(); ++i)
            if (finding.curve[i].smoothed < finding.curve[lowest].smoothed) lowest = i;
        finding.minimumLr = finding.curve[lowest].lr;
    }
    if (const auto s = suggestLearningRate(finding.curve)) {
        finding.suggestedIndex = s->index;
        finding.suggestedLr = finding.curve[static_cast<std::size_t>(s->index)].lr;
        finding.rangeLow = finding.curve[static_cast<std::size_t>(s->rangeLow)].lr;
        finding.rangeHigh = finding.curve[static_cast<std::size_t>(s->rangeHigh)].lr;
    }
    return finding;
}

}  // namespace studio
