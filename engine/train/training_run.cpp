#include "engine/train/training_run.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "engine/data/data_loader.h"
#include "engine/deploy/backbone.h"
#include "engine/loss/softmax_cross_entropy.h"

namespace studio {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

constexpr std::size_t kChunkElements = 16384;  // gradient reduction: elements per task
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool allFinite(const float* p, std::size_t n) {
    // ±Inf and NaN are the floats whose exponent bits are all ones. An OR over integers
    // vectorizes; the float sum this replaces was one serial add chain, 0.3 ms per mlp step.
    std::uint32_t worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t bits;
        std::memcpy(&bits, p + i, sizeof bits);
        worst |= (bits & 0x7f800000u) == 0x7f800000u ? 1u : 0u;
    }
    return worst == 0;
}

// Keeps each optimizer chunk's weights before its update and checks the updated ones for NaN/Inf
// while they are still in cache; the run restores every weight when any chunk went bad.
class BackupAndCheck final : public StepObserver {
public:
    BackupAndCheck(const std::vector<Param*>& params, std::vector<Tensor>& backup) : m_params(params), m_backup(backup) {}
    void beforeUpdate(std::size_t p, std::size_t begin, std::size_t end) override {
        std::memcpy(m_backup[p].data() + begin, m_params[p]->value.data() + begin, (end - begin) * sizeof(float));
    }
    void afterUpdate(std::size_t p, std::size_t begin, std::size_t end) override {
        if (!allFinite(m_params[p]->value.data() + begin, end - begin)) bad.store(true);
    }
    std::atomic<bool> bad{false};  // a flag, not a float sum: the outcome never depends on timing

private:
    const std::vector<Param*>& m_params;
    std::vector<Tensor>& m_backup;
};

std::string formatNumber(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

TrainingRun::TrainingRun(TrainingSetup setup, Model model, RunControl& control, MetricsQueue& queue,
                         std::function<void(SnapshotPtr)> publish)
    : m_setup(std::move(setup)),
      m_model(std::move(model)),
      m_control(control),
      m_queue(queue),
      m_publish(std::move(publish)) {}

void TrainingRun::allocate(int maxShards) {
    m_params = m_model.params();
    m_workspaces.clear();
    m_workspaces.reserve(static_cast<std::size_t>(maxShards));
    for (int s = 0; s < maxShards; ++s) m_workspaces.emplace_back(m_model);
    m_labels.assign(static_cast<std::size_t>(maxShards), {});
    m_dlogits.assign(static_cast<std::size_t>(maxShards), Tensor());
    m_shardLoss.assign(static_cast<std::size_t>(maxShards), LossSum{});
    m_teacherInput.assign(static_cast<std::size_t>(maxShards), Tensor());
    m_teacherLogits.assign(static_cast<std::size_t>(maxShards), Tensor());
    m_backboneImages.assign(static_cast<std::size_t>(maxShards), Tensor());
    m_summed.clear();
    m_backup.clear();
    m_chunks.clear();
    for (std::size_t p = 0; p < m_params.size(); ++p) {
        m_summed.emplace_back(m_params[p]->value.shape());
        m_backup.emplace_back(m_params[p]->value.shape());
        const std::size_t n = m_params[p]->value.size();
        for (std::size_t b = 0; b < n; b += kChunkElements) m_chunks.push_back({p, b, std::min(n, b + kChunkElements)});
    }
    m_chunkBad.assign(m_chunks.size(), 0);
}

void TrainingRun::run() {
    const auto runStart = Clock::now();
    const ScopedFlushDenormals flushDenormals;  // this thread runs shards too (see flush_denormals.h)
    const TrainConfig& cfg = m_setup.config;
    const DatasetBundle& bundle = *m_setup.data;
    const Dataset& pool = bundle.pool;
    const DataSplit& split = m_setup.split;

    m_prep = m_setup.preprocessing ? *m_setup.preprocessing : Preprocessing::fitted(pool, split.train);
    if (m_setup.resume) {
        // The config as it stood at the checkpoint (live edits included); speed and length from now.
        auto resumed = TrainConfig::fromJson(m_setup.resume->config);
        if (!resumed) return fail(resumed.error());
        resumed->threads = m_setup.config.threads;
        resumed->epochs = m_setup.config.epochs;
        m_setup.config = *resumed;
    }
    if (cfg.distillation.active()) {  // α = 0 leaves the teacher out: plain training, bit for bit
        if (!m_setup.teacher)
            return fail(Error::invalid("The distillation teacher '" + cfg.distillation.teacher + "' was not loaded.",
                                       "Start the run through Trainer::start, which loads it."));
        m_teacher.emplace(m_setup.teacher, m_prep);
    }
    auto optimizer = Optimizer::create(cfg.optimizer);
    if (!optimizer) return fail(optimizer.error());
    m_optimizer = std::move(*optimizer);
    m_pool = std::make_unique<ThreadPool>(cfg.threads);
    m_flushDenormals = std::make_unique<FlushDenormalsObserver>();
    m_pool->execute([this] { m_flushDenormals->observe(true); });

    const int trainSize = static_cast<int>(split.train.size());
    const int batchSize = std::min(cfg.batchSize, trainSize);
    m_stepsPerEpoch = (trainSize + batchSize - 1) / batchSize;
    allocate((batchSize + cfg.shardSize - 1) / cfg.shardSize);
    if (cfg.healthEvery > 0) m_health.emplace(m_model, split.train, cfg.healthEvery);

    std::optional<Model> best;
    int bestEpoch = 0;
    double bestValue = 0.0;
    EpochMetrics bestMetrics;
    int sinceImprovement = 0;
    double trainSeconds = 0.0;
    if (m_setup.resume) {
        const TrainingCheckpoint& c = *m_setup.resume;
        if (auto s = restoreWeights(c.weights); !s) return fail(s.error());
        if (auto s = m_optimizer->restore(c.optimizer, m_params); !s) return fail(s.error());
        m_step = c.step;
        m_completedEpochs = c.epoch;
        bestEpoch = c.bestEpoch;
        bestValue = c.bestValue;
        bestMetrics = c.bestMetrics;
        sinceImprovement = c.sinceImprovement;
        trainSeconds = c.trainSeconds;
        if (bestEpoch > 0) {
            best = m_model;
            if (!c.bestWeights.empty()) {
                std::swap(m_model, *best);
                auto s = restoreWeights(c.bestWeights);
                std::swap(m_model, *best);
                m_params = m_model.params();
                if (!s) return fail(s.error());
            }
        }
    }
    if (auto s = m_optimizer->setMasks(m_setup.masks, m_params); !s) return fail(s.error());
    std::size_t nextReplay = 0;
    while (nextReplay < m_setup.replayEdits.size() && m_setup.replayEdits[nextReplay].step < m_step) ++nextReplay;

    const Dataset* testData = split.testFromPool ? &pool : (bundle.test ? &*bundle.test : nullptr);
    RunStarted started;
    started.firstEpoch = m_completedEpochs + 1;
    started.firstStep = m_step;
    started.threads = m_pool->threads();
    started.epochs = cfg.epochs;
    started.stepsPerEpoch = m_stepsPerEpoch;
    started.trainSize = trainSize;
    started.validationSize = static_cast<int>(split.validation.size());
    started.testSize = testData ? static_cast<int>(split.test.size()) : 0;
    started.params = m_model.paramCount();
    started.flops = m_model.flops();
    started.classNames = pool.classNames();
    started.trainClassCounts.assign(started.classNames.size(), 0);
    for (int i : split.train)
        ++started.trainClassCounts[static_cast<std::size_t>(pool.labels()[static_cast<std::size_t>(i)])];
    report(started);

    const bool byAccuracy = cfg.earlyStopping.metric == "val_accuracy";
    Finished::Reason reason = Finished::Reason::Completed;

    for (int epoch = m_completedEpochs; epoch < cfg.epochs; ++epoch) {
        const auto epochStart = Clock::now();
        const std::vector<int> order = epochOrder(split.train, cfg.seed, static_cast<std::uint64_t>(epoch));
        double lossSum = 0.0, epochTrainSeconds = 0.0;
        int correct = 0;
        float lr = 0.0f;
        for (int b = 0; b < m_stepsPerEpoch; ++b) {
            if (!m_control.proceedToStep()) {
                m_publish(makeSnapshot(m_completedEpochs, {{"stopped", true}}));
                report(Stopped{epoch + 1, m_step});
                return;
            }
            while (nextReplay < m_setup.replayEdits.size() && m_setup.replayEdits[nextReplay].step == m_step) {
                const OptionChanged& e = m_setup.replayEdits[nextReplay++];
                applyEdit(e.key, e.value);
            }
            for (auto& [key, value] : m_control.takeEdits()) applyEdit(key, value);
            const auto stepStart = Clock::now();
            const int begin = b * batchSize;
            const int count = std::min(batchSize, trainSize - begin);
            const std::span<const int> batch(order.data() + begin, static_cast<std::size_t>(count));
            lr = m_setup.config.schedule.at(m_step, m_stepsPerEpoch, cfg.epochs);
            double batchLoss = 0.0;
            int batchCorrect = 0;
            if (step(batch, epoch, b, batchLoss, batchCorrect) == StepResult::Failed) return;
            const double seconds = secondsSince(stepStart);
            epochTrainSeconds += seconds;
            lossSum += batchLoss;
            correct += batchCorrect;
            report(BatchMetrics{epoch + 1, m_step, b + 1, batchLoss / count, static_cast<double>(batchCorrect) / count,
                                lr, seconds > 0 ? count / seconds : 0.0});
            // A viewer (the decision boundary) asked for the weights as they are now.
            if (m_control.takePeekRequest())
                m_control.setPeek(makeSnapshot(m_completedEpochs, {{"epoch", epoch + 1}, {"step", m_step}}));
            if (m_health && m_health->due(m_step, b + 1 == m_stepsPerEpoch))
                measureHealth(epoch + 1, b + 1 == m_stepsPerEpoch);
        }
        trainSeconds += epochTrainSeconds;

        EpochMetrics metrics;
        metrics.epoch = epoch + 1;
        metrics.trainLoss = lossSum / trainSize;
        metrics.trainAccuracy = static_cast<double>(correct) / trainSize;
        metrics.learningRate = lr;
        metrics.samplesPerSecond = epochTrainSeconds > 0 ? trainSize / epochTrainSeconds : 0.0;
        metrics.validationLoss = metrics.validationAccuracy = kNaN;
        if (!split.validation.empty()) {
            auto val = score(pool, split.validation, false);
            if (!val) {
                m_publish(makeSnapshot(m_completedEpochs, {{"stopped", true}}));
                report(Stopped{epoch + 1, m_step});
                return;
            }
            metrics.validationLoss = val->loss;
            metrics.validationAccuracy = val->accuracy;
        }
        metrics.seconds = secondsSince(epochStart);
        m_completedEpochs = epoch + 1;

        // Best by the early-stopping metric; without a validation split the latest epoch is best.
        bool improved = true;
        if (!split.validation.empty()) {
            const double value = byAccuracy ? metrics.validationAccuracy : metrics.validationLoss;
            const double delta = cfg.earlyStopping.minDelta;
            improved = !best || (byAccuracy ? value > bestValue + delta : value < bestValue - delta);
            if (improved) bestValue = value;
        }
        if (improved) {
            best = m_model;
            bestEpoch = epoch + 1;
            bestMetrics = metrics;
            sinceImprovement = 0;
        } else {
            ++sinceImprovement;
        }
        // Published before the event, so whoever sees EpochMetrics finds its snapshot.
        m_publish(makeSnapshot(epoch + 1, {{"epoch", epoch + 1},
                                           {"train_loss", metrics.trainLoss},
                                           {"train_accuracy", metrics.trainAccuracy},
                                           {"val_loss", metrics.validationLoss},
                                           {"val_accuracy", metrics.validationAccuracy}}));
        // The checkpoint goes to the recorder before the epoch's metrics: a recorder that flushed
        // the metrics alone would leave a store with epoch k recorded and no checkpoint to resume
        // it from, if the process were killed in between (seen with kill -9 in tst_cli_runs).
        if (m_setup.onCheckpoint)
            m_setup.onCheckpoint(makeCheckpoint(epoch + 1, best ? &*best : nullptr, bestEpoch, bestValue,
                                                sinceImprovement, bestMetrics, trainSeconds));
        report(metrics);
        if (cfg.earlyStopping.patience > 0 && sinceImprovement >= cfg.earlyStopping.patience &&
            epoch + 1 < cfg.epochs) {
            reason = Finished::Reason::EarlyStopped;
            break;
        }
        if (m_setup.stopAfterEpoch > 0 && epoch + 1 >= m_setup.stopAfterEpoch && epoch + 1 < cfg.epochs) {
            reason = Finished::Reason::Suspended;
            break;
        }
    }

    if (best) m_model = std::move(*best);
    Finished finished;
    finished.reason = reason;
    finished.epochs = m_completedEpochs;
    finished.bestEpoch = bestEpoch;
    finished.validationLoss = bestMetrics.validationLoss;
    finished.validationAccuracy = bestMetrics.validationAccuracy;
    finished.testLoss = finished.testAccuracy = kNaN;
    if (testData && !split.test.empty()) {
        auto test = score(*testData, split.test, true);
        if (!test) {
            m_publish(makeSnapshot(bestEpoch, {{"stopped", true}}));
            report(Stopped{m_completedEpochs, m_step});
            return;
        }
        finished.testLoss = test->loss;
        finished.testAccuracy = test->accuracy;
        finished.testSize = test->count;
        finished.testConfusion = std::move(test->confusion);
    }
    finished.seconds = secondsSince(runStart);
    finished.healthSeconds = m_healthSeconds;
    finished.trainSamplesPerSecond =
        trainSeconds > 0 ? static_cast<double>(trainSize) * m_completedEpochs / trainSeconds : 0.0;
    m_publish(makeSnapshot(bestEpoch, {{"best_epoch", bestEpoch},
                                       {"epochs", m_completedEpochs},
                                       {"reason", Finished::reasonText(reason)},
                                       {"val_loss", finished.validationLoss},
                                       {"val_accuracy", finished.validationAccuracy},
                                       {"test_loss", finished.testLoss},
                                       {"test_accuracy", finished.testAccuracy},
                                       {"test_size", finished.testSize},
                                       {"train_samples_per_s", finished.trainSamplesPerSecond}}));
    report(std::move(finished));
}

TrainingRun::StepResult TrainingRun::step(std::span<const int> batch, int epoch, int batchInEpoch, double& lossSum,
                                          int& correct) {
    const TrainConfig& cfg = m_setup.config;
    const Dataset& pool = m_setup.data->pool;
    const int count = static_cast<int>(batch.size());
    const int shards = (count + cfg.shardSize - 1) / cfg.shardSize;
    const float gradScale = 1.0f / static_cast<float>(count);
    const AugmentConfig* augment =
        cfg.augment.any() && pool.storage() == Dataset::Storage::Pixels8 ? &cfg.augment : nullptr;

    m_pool->forEach(shards, [&](int s) {
        const auto us = static_cast<std::size_t>(s);
        const int begin = s * cfg.shardSize;
        const int n = std::min(cfg.shardSize, count - begin);
        Workspace& ws = m_workspaces[us];
        assembleBatch(pool, batch.subspan(static_cast<std::size_t>(begin), static_cast<std::size_t>(n)), m_prep,
                      augment, cfg.seed, static_cast<std::uint64_t>(epoch), ws.input(), m_labels[us]);
        throughBackbone(ws, us);
        RunContext ctx;
        ctx.training = true;
        ctx.seed = cfg.seed;
        ctx.step = static_cast<std::uint64_t>(m_step);
        ctx.sampleOffset = begin;
        if (m_teacher) m_teacher->logits(ws.input(), m_teacherInput[us], m_teacherLogits[us]);
        m_model.forward(ws, ctx);
        if (m_teacher) {
            const DistillationParams params{cfg.distillation.temperature, cfg.distillation.alpha, cfg.labelSmoothing};
            m_shardLoss[us] =
                distillationLoss(ws.output(), m_teacherLogits[us], m_labels[us], params, gradScale, &m_dlogits[us]);
        } else {
            m_shardLoss[us] =
                softmaxCrossEntropy(ws.output(), m_labels[us], cfg.labelSmoothing, gradScale, &m_dlogits[us]);
        }
        ws.zeroGrads();
        m_model.backward(ws, m_dlogits[us], ctx);
    });

    // Σ over shards in shard order; each task owns a range of one parameter's elements.
    m_pool->forEach(static_cast<int>(m_chunks.size()), [&](int c) {
        const Chunk& chunk = m_chunks[static_cast<std::size_t>(c)];
        float* out = m_summed[chunk.param].data();
        const std::size_t n = chunk.end - chunk.begin;
        std::memcpy(out + chunk.begin, m_workspaces[0].grads()[chunk.param].data() + chunk.begin, n * sizeof(float));
        for (int s = 1; s < shards; ++s) {
            const float* g = m_workspaces[static_cast<std::size_t>(s)].grads()[chunk.param].data();
            for (std::size_t i = chunk.begin; i < chunk.end; ++i) out[i] += g[i];
        }
        m_chunkBad[static_cast<std::size_t>(c)] = !allFinite(out + chunk.begin, n);
    });

    double loss = 0.0;
    int right = 0;
    for (int s = 0; s < shards; ++s) {
        loss += m_shardLoss[static_cast<std::size_t>(s)].loss;
        right += m_shardLoss[static_cast<std::size_t>(s)].correct;
    }
    const float lr = cfg.schedule.at(m_step, m_stepsPerEpoch, cfg.epochs);
    if (!std::isfinite(loss)) {
        fail(numericalError(std::isnan(loss) ? "The loss became NaN" : "The loss became infinite", epoch, batchInEpoch,
                            lr));
        return StepResult::Failed;
    }
    if (std::find(m_chunkBad.begin(), m_chunkBad.end(), 1) != m_chunkBad.end()) {
        fail(numericalError("The gradients became NaN or infinite", epoch, batchInEpoch, lr));
        return StepResult::Failed;
    }

    // The optimizer's chunks keep their old weights and check the new ones (BackupAndCheck); the
    // statistics (BatchNorm running mean/var) are not the optimizer's, so they are kept here.
    if (m_health && m_health->due(m_step + 1, batchInEpoch + 1 == m_stepsPerEpoch))
        m_health->captureGradients(m_summed);  // before the optimizer clips or decays them
    BackupAndCheck guard(m_params, m_backup);
    for (std::size_t p = 0; p < m_params.size(); ++p)
        if (!m_params[p]->trainable)
            std::memcpy(m_backup[p].data(), m_params[p]->value.data(), m_backup[p].size() * sizeof(float));
    m_pool->execute([&] { m_optimizer->step(m_params, m_summed, lr, &guard); });
    m_model.updateStatistics(m_summed, shards);
    bool finite = !guard.bad.load();
    for (const Param* p : m_params)
        if (!p->trainable) finite = finite && allFinite(p->value.data(), p->value.size());
    if (!finite) {
        restoreParams(m_backup);
        fail(numericalError("The weights became NaN or infinite", epoch, batchInEpoch, lr));
        return StepResult::Failed;
    }
    ++m_step;
    lossSum += loss;
    correct += right;
    return StepResult::Applied;
}

std::optional<TrainingRun::Score> TrainingRun::score(const Dataset& data, const std::vector<int>& indices,
                                                     bool confusion) {
    const int shardSize = m_setup.config.shardSize;
    const int shards = static_cast<int>(m_workspaces.size());
    const int n = static_cast<int>(indices.size());
    const int classes = m_model.outputSize();
    Score result;
    result.count = n;
    if (confusion)
        result.confusion.assign(static_cast<std::size_t>(classes),
                                std::vector<int>(static_cast<std::size_t>(classes), 0));
    std::vector<std::vector<int>> predicted(static_cast<std::size_t>(shards));
    double loss = 0.0;
    int correct = 0;
    // Groups of `shards` shards reuse the training workspaces; a stop is honoured between groups.
    for (int groupStart = 0; groupStart < n; groupStart += shards * shardSize) {
        if (!m_control.proceed()) return std::nullopt;
        const int groupShards = std::min(shards, (n - groupStart + shardSize - 1) / shardSize);
        m_pool->forEach(groupShards, [&](int s) {
            const auto us = static_cast<std::size_t>(s);
            const int begin = groupStart + s * shardSize;
            const int count = std::min(shardSize, n - begin);
            Workspace& ws = m_workspaces[us];
            assembleBatch(data, std::span<const int>(indices.data() + begin, static_cast<std::size_t>(count)), m_prep,
                          nullptr, 0, 0, ws.input(), m_labels[us]);
            throughBackbone(ws, us);
            RunContext ctx;
            ctx.training = false;
            m_model.forward(ws, ctx);
            m_shardLoss[us] = softmaxCrossEntropy(ws.output(), m_labels[us], 0.0f, 0.0f, nullptr);
            if (confusion) {
                const Tensor& out = ws.output();
                predicted[us].resize(static_cast<std::size_t>(count));
                for (int i = 0; i < count; ++i) {
                    const float* row = out.sample(i);
                    predicted[us][static_cast<std::size_t>(i)] =
                        static_cast<int>(std::max_element(row, row + classes) - row);
                }
            }
        });
        for (int s = 0; s < groupShards; ++s) {
            const auto us = static_cast<std::size_t>(s);
            loss += m_shardLoss[us].loss;
            correct += m_shardLoss[us].correct;
            if (confusion)
                for (std::size_t i = 0; i < predicted[us].size(); ++i)
                    ++result.confusion[static_cast<std::size_t>(m_labels[us][i])]
                                      [static_cast<std::size_t>(predicted[us][i])];
        }
    }
    result.loss = n > 0 ? loss / n : kNaN;
    result.accuracy = n > 0 ? static_cast<double>(correct) / n : kNaN;
    return result;
}

void TrainingRun::report(TrainingEvent event) {
    // A reader stops at the final event, so alerts about one go before it.
    std::vector<TrainingAlert> alerts = m_doctor.observe(event);
    const bool final = isFinal(event);
    if (!final) m_queue.push(std::move(event));
    for (TrainingAlert& alert : alerts) m_queue.push(std::move(alert));
    if (final) m_queue.push(std::move(event));
}

void TrainingRun::measureHealth(int epoch, bool epochEnd) {
    // In the training workspaces, free between steps (as for validation); inference mode reads
    // the weights and draws no random numbers, so the run's weights are the same without it.
    const Clock::time_point start = Clock::now();
    const std::vector<int>& probe = m_health->probe();
    const int shardSize = m_setup.config.shardSize;
    const int shards = static_cast<int>(m_workspaces.size());
    const int n = static_cast<int>(probe.size());
    m_health->begin();
    for (int groupStart = 0; groupStart < n; groupStart += shards * shardSize) {
        const int groupShards = std::min(shards, (n - groupStart + shardSize - 1) / shardSize);
        m_pool->forEach(groupShards, [&](int s) {
            const auto us = static_cast<std::size_t>(s);
            const int begin = groupStart + s * shardSize;
            const int count = std::min(shardSize, n - begin);
            Workspace& ws = m_workspaces[us];
            assembleBatch(m_setup.data->pool,
                          std::span<const int>(probe.data() + begin, static_cast<std::size_t>(count)), m_prep, nullptr,
                          0, 0, ws.input(), m_labels[us]);
            throughBackbone(ws, us);
            m_model.forward(ws, RunContext{});
            m_health->addShard(ws, static_cast<std::size_t>(begin));  // its own samples' slots
        });
    }
    report(m_health->finish(epoch, m_step, epochEnd, m_params, m_backup));
    m_healthSeconds += secondsSince(start);
}

void TrainingRun::fail(Error error) {
    // The model holds the weights of the last good step: publish them so they can be inspected.
    m_publish(makeSnapshot(m_completedEpochs, {{"failed", error.what()}}));
    report(Failed{std::move(error)});
}

Error TrainingRun::numericalError(const char* what, int epoch, int batchInEpoch, float lr) const {
    return Error::numerical(
        std::string(what) + " at epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(batchInEpoch + 1) +
            " (learning rate " + formatNumber(lr) + ").",
        "Try a lower learning rate, e.g. " + formatNumber(lr / 10.0) + ", or enable gradient clipping.");
}

SnapshotPtr TrainingRun::makeSnapshot(int epoch, nlohmann::json metrics) const {
    auto snap = std::make_shared<ModelSnapshot>(ModelSnapshot{m_model, m_prep, m_setup.data->pool.classNames(),
                                                              m_setup.data->pool.name(), m_setup.config.toJson(),
                                                              std::move(metrics), epoch});
    snap->backbone = m_setup.backbone;
    return snap;
}

void TrainingRun::throughBackbone(Workspace& ws, std::size_t shard) {
    if (!m_setup.backbone) return;
    Tensor& images = m_backboneImages[shard];
    std::swap(images, ws.input());
    // Validated on this input shape when it loaded (Trainer::start checked the pool): a bug if not.
    const Status status = m_setup.backbone->headInput(images, ws.input());
    STUDIO_ASSERT(status.ok(), status.ok() ? "" : status.error().what().c_str());
}

void TrainingRun::applyEdit(const std::string& key, const nlohmann::json& value) {
    TrainConfig& cfg = m_setup.config;
    OptimizerConfig o = m_optimizer->config();
    if (key == "lr") cfg.schedule.baseLr = value.get<float>();
    if (key == "momentum") o.momentum = value.get<float>();
    if (key == "clip_norm") o.clipNorm = value.get<float>();
    if (key == "weight_decay") o.weightDecay = value.get<float>();
    if (key == "label_smoothing") cfg.labelSmoothing = value.get<float>();
    if (key == "patience") cfg.earlyStopping.patience = value.get<int>();
    cfg.optimizer = o;
    m_optimizer->setConfig(o);
    report(OptionChanged{m_step, key, value});
}

Status TrainingRun::restoreWeights(const std::vector<Tensor>& weights) {
    m_params = m_model.params();
    if (weights.size() != m_params.size())
        return Error::invalid("The checkpoint holds " + std::to_string(weights.size()) + " tensors but the model has " +
                                  std::to_string(m_params.size()) + ".",
                              "Resume with the architecture the run was trained with.");
    for (std::size_t p = 0; p < m_params.size(); ++p) {
        if (weights[p].shape() != m_params[p]->value.shape())
            return Error::invalid("The checkpoint's tensor " + std::to_string(p + 1) + " has shape " +
                                      shapeToString(weights[p].shape()) + " but the model expects " +
                                      shapeToString(m_params[p]->value.shape()) + ".",
                                  "Resume with the architecture the run was trained with.");
        std::memcpy(m_params[p]->value.data(), weights[p].data(), weights[p].size() * sizeof(float));
    }
    return Status::success();
}

CheckpointPtr TrainingRun::makeCheckpoint(int epoch, const Model* best, int bestEpoch, double bestValue,
                                          int sinceImprovement, const EpochMetrics& bestMetrics,
                                          double trainSeconds) const {
    auto c = std::make_shared<TrainingCheckpoint>();
    c->epoch = epoch;
    c->step = m_step;
    c->config = m_setup.config.toJson();
    for (const Param* p : m_params) c->weights.push_back(p->value);
    c->optimizer = m_optimizer->state();
    c->bestEpoch = bestEpoch;
    c->bestValue = bestValue;
    c->sinceImprovement = sinceImprovement;
    c->bestMetrics = bestMetrics;
    if (best && bestEpoch != epoch)
        for (const Param* p : best->params()) c->bestWeights.push_back(p->value);
    c->trainSeconds = trainSeconds;
    return c;
}

void TrainingRun::restoreParams(const std::vector<Tensor>& from) {
    for (std::size_t p = 0; p < m_params.size(); ++p)
        std::memcpy(m_params[p]->value.data(), from[p].data(), from[p].size() * sizeof(float));
}


}  // namespace studio
