// Layer health: the monitor's numbers against a naive double oracle on a real forward pass,
// which layers get rows and what they read, and the run's weights unchanged with health on.

#include <QtTest>

#include <cmath>
#include <memory>

#include "engine/data/data_loader.h"
#include "engine/data/preprocessing.h"
#include "engine/data/synthetic.h"
#include "engine/io/model_file.h"
#include "engine/train/layer_health.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

std::shared_ptr<const DatasetBundle> generated(const std::string& name, int samples) {
    auto bundle = generateDataset(name, 7, samples);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::make_shared<const DatasetBundle>(std::move(*bundle));
}

ModelSpec specFrom(const char* json, int classes) {
    auto spec = ModelSpec::fromJson(nlohmann::json::parse(json));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->classes = classes;
    return *spec;
}

// conv → bn → relu, conv → relu, dense → dropout → tanh, dense (logits)
const char* kNet = R"({"input": [1, 28, 28], "classes": 8, "layers": [
    {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "relu"},
    {"type": "maxpool2d", "size": 2},
    {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"}, {"type": "maxpool2d", "size": 2},
    {"type": "flatten"}, {"type": "dense", "units": 24}, {"type": "dropout", "rate": 0.2}, {"type": "tanh"},
    {"type": "dense", "units": "classes"}]})";

struct Oracle {
    double mean = 0, std = 0, dead = 0;
};

// Two passes in double over an (N, units, positions...) tensor; dead = units never > 0.
Oracle naive(const Tensor& t) {
    const std::size_t n = t.size(), per = t.sampleSize(), samples = n / per;
    const std::size_t units = static_cast<std::size_t>(t.dim(1)), positions = per / units;
    Oracle o;
    for (std::size_t i = 0; i < n; ++i) o.mean += t[i];
    o.mean /= double(n);
    for (std::size_t i = 0; i < n; ++i) o.std += (t[i] - o.mean) * (t[i] - o.mean);
    o.std = std::sqrt(o.std / double(n));
    int dead = 0;
    for (std::size_t u = 0; u < units; ++u) {
        bool any = false;
        for (std::size_t s = 0; s < samples; ++s)
            for (std::size_t p = 0; p < positions; ++p) any = any || t[s * per + u * positions + p] > 0.0f;
        dead += any ? 0 : 1;
    }
    o.dead = double(dead) / double(units);
    return o;
}

std::string trainedSha(const std::shared_ptr<const DatasetBundle>& data, int healthEvery, int threads,
                       std::vector<LayerHealth>* health = nullptr, int* stepsPerEpoch = nullptr) {
    TrainConfig c;
    c.epochs = 2;
    c.batchSize = 48;
    c.shardSize = 16;
    c.threads = threads;
    c.seed = 5;
    c.optimizer.kind = "adamw";
    c.optimizer.weightDecay = 1e-3f;
    c.optimizer.clipNorm = 2.0f;
    c.augment = *AugmentConfig::parse("shift=0.1,noise=0.02");
    c.healthEvery = healthEvery;
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, c.validationFraction, c.testFraction, c.seed);
    setup.spec = specFrom(kNet, data->pool.classCount());
    setup.config = c;
    auto outcome = trainToEnd(setup, [&](const TrainingEvent& e) {
        if (const auto* h = std::get_if<LayerHealth>(&e); h && health) health->push_back(*h);
        if (const auto* s = std::get_if<RunStarted>(&e); s && stepsPerEpoch) *stepsPerEpoch = s->stepsPerEpoch;
    });
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return weightsSha256(outcome->snapshot->model);
}

}  // namespace

class LayerHealthTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rowsNameTheLayersAndReadTheirBlocks() {
        auto model = Model::build(specFrom(kNet, 8));
        QVERIFY(model.ok());
        const auto layers = healthLayers(*model);
        QCOMPARE(layers.size(), std::size_t(4));
        QCOMPARE(layers[0].name, std::string("conv1"));
        QCOMPARE(layers[0].block, 2);  // conv → batchnorm → relu
        QVERIFY(layers[0].relu);
        QCOMPARE(layers[1].name, std::string("conv2"));
        QCOMPARE(layers[1].block, 5);
        QCOMPARE(layers[2].name, std::string("dense1"));
        QCOMPARE(layers[2].block, 10);  // dense → dropout → tanh: no ReLU, no dead count
        QVERIFY(!layers[2].relu);
        QCOMPARE(layers[3].name, std::string("dense2"));
        QCOMPARE(layers[3].block, 11);  // the logits
        // conv1 weight, bias, then batchnorm's 4: conv2 starts at param 6.
        QCOMPARE(layers[1].firstParam, std::size_t(6));
        QCOMPARE(layers[1].weightParam, std::size_t(6));
    }

    void numbersMatchANaiveOracle() {
        auto data = generated("shapes", 400);
        auto model = Model::build(specFrom(kNet, data->pool.classCount()));
        QVERIFY(model.ok());
        model->initialize(3);
        std::vector<int> train(static_cast<std::size_t>(data->pool.size()));
        for (std::size_t i = 0; i < train.size(); ++i) train[i] = static_cast<int>(i);
        LayerHealthMonitor monitor(*model, train, 10);
        QCOMPARE(monitor.probe().size(), std::size_t(LayerHealthMonitor::kProbeSize));
        QVERIFY(monitor.due(20, false));
        QVERIFY(!monitor.due(21, false));
        QVERIFY(monitor.due(21, true));

        // The probe through the model in two shards, as the run does it.
        const Preprocessing prep = Preprocessing::fitted(data->pool, train);
        Workspace a(*model), b(*model);
        std::vector<std::int32_t> labels;
        const std::span<const int> probe(monitor.probe());
        assembleBatch(data->pool, probe.first(100), prep, nullptr, 0, 0, a.input(), labels);
        assembleBatch(data->pool, probe.subspan(100), prep, nullptr, 0, 0, b.input(), labels);
        model->forward(a, RunContext{});
        model->forward(b, RunContext{});
        Workspace whole(*model);
        assembleBatch(data->pool, probe, prep, nullptr, 0, 0, whole.input(), labels);
        model->forward(whole, RunContext{});

        // Gradients: 0.5 everywhere; the weights moved by +1% from `before`.
        std::vector<Param*> params = model->params();
        std::vector<Tensor> grads, before;
        for (const Param* p : params) {
            grads.emplace_back(p->value.shape(), 0.5f);
            before.push_back(p->value);
            for (std::size_t i = 0; i < p->value.size(); ++i) before.back()[i] = p->value[i] / 1.01f;
        }
        monitor.captureGradients(grads);
        monitor.begin();
        monitor.addShard(b, 100);  // shards may come in any order (threads)
        monitor.addShard(a, 0);
        const LayerHealth h = monitor.finish(2, 20, false, params, before);
        // The same numbers, bit for bit, from the probe in one piece: the sums do not depend on
        // how the run splits the probe over its threads.
        monitor.begin();
        monitor.addShard(whole, 0);
        const LayerHealth one = monitor.finish(2, 20, false, params, before);
        for (std::size_t l = 0; l < h.layers.size(); ++l) {
            QCOMPARE(one.layers[l].activationMean, h.layers[l].activationMean);
            QCOMPARE(one.layers[l].activationStd, h.layers[l].activationStd);
            QCOMPARE(one.layers[l].deadFraction, h.layers[l].deadFraction);
            QCOMPARE(one.layers[l].histogramMin, h.layers[l].histogramMin);
            QCOMPARE(one.layers[l].histogramMax, h.layers[l].histogramMax);
            QVERIFY(one.layers[l].histogram == h.layers[l].histogram);
        }
        QCOMPARE(h.layers.size(), std::size_t(4));
        const auto layers = healthLayers(*model);
        for (std::size_t l = 0; l < layers.size(); ++l) {
            const LayerHealthRow& row = h.layers[l];
            const Oracle o = naive(whole.layerOutput(layers[l].block));
            QVERIFY2(std::abs(row.activationMean - o.mean) <= 1e-5 * (1 + std::abs(o.mean)), row.layer.c_str());
            QVERIFY2(std::abs(row.activationStd - o.std) <= 1e-5 * (1 + o.std), row.layer.c_str());
            if (layers[l].relu)
                QCOMPARE(row.deadFraction, o.dead);
            else
                QCOMPARE(row.deadFraction, -1.0);
            std::size_t count = 0;
            for (std::size_t p = layers[l].firstParam; p < layers[l].firstParam + layers[l].paramCount; ++p)
                count += params[p]->value.size();
            QVERIFY(std::abs(row.gradientNorm - 0.5 * std::sqrt(double(count))) < 1e-9 * row.gradientNorm);
            QVERIFY2(std::abs(row.updateRatio - 0.01) < 1e-4, row.layer.c_str());
            double total = 0;
            for (float f : row.histogram) total += f;
            QCOMPARE(row.histogram.size(), std::size_t(LayerHealthMonitor::kHistogramBins));
            QVERIFY(std::abs(total - 1.0) < 1e-4);
            QVERIFY(row.histogramMin <= o.mean && o.mean <= row.histogramMax);
        }
        QCOMPARE(h.layers[1].layer, std::string("conv2"));
    }

    void deadUnitsCountWholeChannels() {
        // A channel is dead only when it is 0 for every sample and position.
        auto model = Model::build(specFrom(R"({"input": [4], "classes": 2, "layers": [
            {"type": "dense", "units": 4}, {"type": "relu"}, {"type": "dense", "units": "classes"}]})",
                                           2));
        QVERIFY(model.ok());
        model->initialize(1);
        // Unit 0 and 1 dead (bias −100), unit 2 alive on one sample only, unit 3 alive.
        Param* bias = model->params()[1];
        bias->value[0] = -100.0f;
        bias->value[1] = -100.0f;
        Param* weight = model->params()[0];
        for (int i = 0; i < 4; ++i) weight->value[static_cast<std::size_t>(2 * 4 + i)] = i == 0 ? 1.0f : 0.0f;
        bias->value[2] = 0.0f;
        for (int i = 0; i < 4; ++i) weight->value[static_cast<std::size_t>(3 * 4 + i)] = 0.0f;
        bias->value[3] = 1.0f;
        Workspace ws(*model);
        ws.input().resize({3, 4});
        for (int s = 0; s < 3; ++s)
            for (int i = 0; i < 4; ++i) ws.input()[static_cast<std::size_t>(s * 4 + i)] = s == 1 && i == 0 ? 1.0f : -1.0f;
        model->forward(ws, RunContext{});
        LayerHealthMonitor monitor(*model, {0, 1, 2}, 1);
        std::vector<Tensor> zero;
        for (const Param* p : model->params()) zero.emplace_back(p->value.shape(), 0.0f);
        monitor.captureGradients(zero);
        monitor.begin();
        monitor.addShard(ws, 0);
        const LayerHealth h = monitor.finish(1, 1, false, model->params(), zero);
        QCOMPARE(h.layers[0].deadFraction, 0.5);
        QCOMPARE(h.layers[0].gradientNorm, 0.0);
    }

    void overflowingActivationsKeepAFiniteHistogram() {
        // A diverged run's layer outputs ±inf and NaN: the histogram covers the finite ones.
        auto model = Model::build(specFrom(R"({"input": [2], "classes": 2, "layers": [
            {"type": "dense", "units": 3}, {"type": "relu"}, {"type": "dense", "units": "classes"}]})",
                                           2));
        QVERIFY(model.ok());
        model->initialize(1);
        Param* weight = model->params()[0];
        weight->value[0] = 3e38f;   // unit 0: +inf for x0 = 10
        weight->value[2] = -3e38f;  // unit 1: −inf → ReLU 0
        Workspace ws(*model);
        ws.input().resize({4, 2});
        for (int i = 0; i < 8; ++i) ws.input()[static_cast<std::size_t>(i)] = i % 2 == 0 ? 10.0f : 0.5f;
        model->forward(ws, RunContext{});
        LayerHealthMonitor monitor(*model, {0, 1, 2, 3}, 1);
        std::vector<Tensor> zero;
        for (const Param* p : model->params()) zero.emplace_back(p->value.shape(), 0.0f);
        monitor.captureGradients(zero);
        monitor.begin();
        monitor.addShard(ws, 0);
        const LayerHealth h = monitor.finish(1, 1, false, model->params(), zero);
        for (const LayerHealthRow& row : h.layers) {
            QVERIFY(std::isfinite(row.histogramMin) && std::isfinite(row.histogramMax));
            double total = 0;
            for (float f : row.histogram) total += f;
            QVERIFY(total == 0.0 || std::abs(total - 1.0) < 1e-5);
        }
        QVERIFY(!std::isfinite(h.layers[0].activationMean));  // the overflow still shows
    }

    void weightsAreTheSameWithHealthOnOrOff() {
        auto data = generated("shapes", 600);
        std::vector<LayerHealth> health;
        int perEpoch = 0;
        const std::string off = trainedSha(data, 0, 2);
        const std::string on = trainedSha(data, 3, 2, &health, &perEpoch);
        const std::string onOneThread = trainedSha(data, 3, 1);
        QCOMPARE(on, off);
        QCOMPARE(onOneThread, off);
        // Every 3rd step and each epoch's last, nothing else.
        QVERIFY(perEpoch > 5);
        std::vector<std::int64_t> steps, expected;
        for (const LayerHealth& h : health) {
            steps.push_back(h.step);
            QCOMPARE(h.epochEnd, h.step % perEpoch == 0);
            QCOMPARE(h.epoch, int((h.step - 1) / perEpoch) + 1);
        }
        for (std::int64_t s = 1; s <= 2 * perEpoch; ++s)
            if (s % 3 == 0 || s % perEpoch == 0) expected.push_back(s);
        QCOMPARE(steps, expected);
        for (const LayerHealth& h : health)
            for (const LayerHealthRow& row : h.layers) {
                QVERIFY(row.gradientNorm > 0 && std::isfinite(row.gradientNorm));
                QVERIFY(row.updateRatio > 1e-6 && row.updateRatio < 1.0);
                QVERIFY(row.activationStd > 0);
            }
    }
};

QTEST_GUILESS_MAIN(LayerHealthTest)
#include "tst_layer_health.moc"
