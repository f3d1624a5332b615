// Same seed ⇒ bit-identical weights for 1, 2, 3 and 8 threads (ARCHITECTURE.md "Reproducible"):
// a small conv net with batchnorm, dropout and augmentation, a few hundred steps, a partial
// last batch and more shards per batch than threads.

#include <QtTest>

#include <cstring>
#include <memory>

#include <oneapi/tbb/global_control.h>

#include "engine/data/synthetic.h"
#include "engine/io/model_file.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

struct RunResult {
    std::string sha;
    std::vector<float> weights;  // every param, statistics included
    std::vector<double> losses;  // every step's loss
    double validationLoss = 0.0;
};

ModelSpec smallConvNet(const Dataset& data) {
    auto spec = ModelSpec::fromJson(nlohmann::json::parse(R"({
        "input": [1, 28, 28], "classes": 8, "layers": [
          {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "relu"},
          {"type": "maxpool2d", "size": 2},
          {"type": "conv2d", "filters": 12, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "relu"},
          {"type": "maxpool2d", "size": 2},
          {"type": "flatten"}, {"type": "dropout", "rate": 0.3},
          {"type": "dense", "units": 32}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "dropout", "rate": 0.2},
          {"type": "dense", "units": "classes"}]})"));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->classes = data.classCount();
    return *spec;
}

RunResult train(const std::shared_ptr<const DatasetBundle>& data, int threads) {
    TrainConfig c;
    c.epochs = 9;
    c.batchSize = 64;
    c.shardSize = 16;  // 4 shards per batch: more than 1–3 threads, fewer than 8
    c.threads = threads;
    c.seed = 11;
    c.optimizer.kind = "adamw";
    c.optimizer.weightDecay = 1e-3f;
    c.optimizer.clipNorm = 5.0f;
    c.schedule.kind = "cosine";
    c.schedule.baseLr = 3e-3f;
    c.schedule.warmupEpochs = 1;
    c.labelSmoothing = 0.05f;
    c.augment = *AugmentConfig::parse("shift=0.1,rotate=10,brightness=0.1,contrast=0.1,noise=0.02");
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, c.validationFraction, c.testFraction, c.seed);
    setup.spec = smallConvNet(data->pool);
    setup.config = c;

    RunResult r;
    auto outcome = trainToEnd(setup, [&](const TrainingEvent& e) {
        if (const auto* b = std::get_if<BatchMetrics>(&e)) r.losses.push_back(b->loss);
    });
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    // The last epoch's weights, not the best: every step must agree.
    const Model& model = outcome->snapshot->model;
    r.sha = weightsSha256(model);
    for (const Param* p : model.params())
        r.weights.insert(r.weights.end(), p->value.data(), p->value.data() + p->value.size());
    r.validationLoss = outcome->finished.validationLoss;
    return r;
}

}  // namespace

class DeterminismTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        // Let 8 threads really run at once on a 2-core machine, so their interleaving varies.
        m_parallelism = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, 8);
        auto bundle = generateDataset("shapes", 3, 1700);  // 1360 train samples: a partial last batch
        QVERIFY(bundle.ok());
        m_data = std::make_shared<const DatasetBundle>(std::move(*bundle));
        m_reference = train(m_data, 1);
        QVERIFY(m_reference.losses.size() >= 180);
        qInfo("%zu steps, weights %s", m_reference.losses.size(), m_reference.sha.c_str());
    }

    void sameWeightsForAnyThreadCount_data() {
        QTest::addColumn<int>("threads");
        QTest::newRow("2 threads") << 2;
        QTest::newRow("3 threads") << 3;
        QTest::newRow("8 threads") << 8;
    }
    void sameWeightsForAnyThreadCount() {
        QFETCH(int, threads);
        const RunResult r = train(m_data, threads);
        QCOMPARE(r.losses.size(), m_reference.losses.size());
        for (std::size_t i = 0; i < r.losses.size(); ++i)
            if (std::memcmp(&r.losses[i], &m_reference.losses[i], sizeof(double)) != 0)
                QFAIL(qPrintable(QString("step %1: loss %2 vs %3 with 1 thread")
                                     .arg(i + 1)
                                     .arg(r.losses[i], 0, 'g', 17)
                                     .arg(m_reference.losses[i], 0, 'g', 17)));
        QCOMPARE(r.weights.size(), m_reference.weights.size());
        QVERIFY(std::memcmp(r.weights.data(), m_reference.weights.data(), r.weights.size() * sizeof(float)) == 0);
        QCOMPARE(r.sha, m_reference.sha);
        QCOMPARE(r.validationLoss, m_reference.validationLoss);
    }

    void aDifferentSeedGivesDifferentWeights() {
        // Guards against a comparison that would pass for any input (e.g. nothing trained).
        TrainConfig c;
        c.epochs = 1;
        c.seed = 12;
        TrainingSetup setup;
        setup.data = m_data;
        setup.split = splitDataset(*m_data, c.validationFraction, c.testFraction, c.seed);
        setup.spec = smallConvNet(m_data->pool);
        setup.config = c;
        auto outcome = trainToEnd(setup);
        QVERIFY(outcome.ok());
        QVERIFY(weightsSha256(outcome->snapshot->model) != m_reference.sha);
    }

private:
    std::unique_ptr<tbb::global_control> m_parallelism;
    std::shared_ptr<const DatasetBundle> m_data;
    RunResult m_reference;
};

QTEST_APPLESS_MAIN(DeterminismTest)
#include "tst_determinism.moc"
