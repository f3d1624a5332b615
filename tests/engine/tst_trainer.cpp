// Trainer: learns the built-in sets, honours pause/resume/stop within 200 ms, fails cleanly on
// NaN, stops early, publishes a snapshot per epoch, and starts again after a stop.

#include <QtTest>

#include "tests/timing_limits.h"

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/data/synthetic.h"
#include "engine/train/trainer.h"

using namespace studio;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<const DatasetBundle> generated(const std::string& name, int samples) {
    auto bundle = generateDataset(name, 7, samples);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::make_shared<const DatasetBundle>(std::move(*bundle));
}

TrainingSetup setupFor(const std::shared_ptr<const DatasetBundle>& data, const std::string& preset,
                       TrainConfig config) {
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    auto spec = presetSpec(preset, data->pool.sampleShape(), data->pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    setup.spec = *spec;
    setup.config = config;
    return setup;
}

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

bool allFinite(const Model& model) {
    for (const Param* p : model.params())
        for (std::size_t i = 0; i < p->value.size(); ++i)
            if (!std::isfinite(p->value[i])) return false;
    return true;
}

std::vector<float> flatWeights(const Model& model) {
    std::vector<float> out;
    for (const Param* p : model.params()) out.insert(out.end(), p->value.data(), p->value.data() + p->value.size());
    return out;
}

// Drains until a final event; returns every event.
std::vector<TrainingEvent> collectToEnd(Trainer& trainer) {
    std::vector<TrainingEvent> all;
    const auto start = Clock::now();
    while (msSince(start) < 120000) {
        for (auto& e : trainer.events().waitAndDrain(std::chrono::milliseconds(50))) {
            const bool last = isFinal(e);
            all.push_back(std::move(e));
            if (last) return all;
        }
    }
    return all;
}

}  // namespace

class TrainerTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void configRoundTrip() {
        TrainConfig c;
        c.epochs = 7;
        c.batchSize = 32;
        c.optimizer.kind = "momentum";
        c.schedule.kind = "cosine";
        c.schedule.baseLr = 0.05f;
        c.earlyStopping = {"val_accuracy", 3, 0.01f};
        c.seed = 123456789012ull;
        c.augment.shift = 0.1f;
        c.validationFraction = 0.2;
        auto back = TrainConfig::fromJson(c.toJson());
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().what().c_str());
        QCOMPARE(back->toJson().dump(), c.toJson().dump());
        QCOMPARE(back->seed, c.seed);
        QCOMPARE(back->earlyStopping.metric, std::string("val_accuracy"));
    }

    void configErrorsNameTheOption_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("named");
        QTest::newRow("batch size") << R"({"batchSize": 0})"
                                    << "batchSize";
        QTest::newRow("epochs type") << R"({"epochs": "ten"})"
                                     << "epochs";
        QTest::newRow("unknown key") << R"({"epoch": 3})"
                                     << "epoch";
        QTest::newRow("metric") << R"({"earlyStopping": {"metric": "loss"}})"
                                << "earlyStopping.metric";
        QTest::newRow("fractions") << R"({"validationFraction": 0.6, "testFraction": 0.5})"
                                   << "validationFraction";
        QTest::newRow("shard size") << R"({"shardSize": -1})"
                                    << "shardSize";
    }
    void configErrorsNameTheOption() {
        QFETCH(QString, json);
        QFETCH(QString, named);
        auto c = TrainConfig::fromJson(nlohmann::json::parse(json.toStdString()));
        QVERIFY(!c.ok());
        QVERIFY2(QString::fromStdString(c.error().what()).contains("'" + named + "'"), c.error().what().c_str());
    }

    void lenetLearnsShapes() {
        TrainConfig c;
        c.epochs = 8;
        c.schedule.kind = "cosine";
        c.schedule.baseLr = 3e-3f;  // ≥ 0.99 on seeds 1–5 in ~4 s on 2 cores
        auto outcome = trainToEnd(setupFor(generated("shapes", 8000), "lenet", c));
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().what().c_str());
        qInfo("lenet/shapes: test accuracy %.4f, %.0f samples/s, %.1f s", outcome->finished.testAccuracy,
              outcome->finished.trainSamplesPerSecond, outcome->finished.seconds);
        QCOMPARE(outcome->finished.testSize, 800);
        QVERIFY(outcome->finished.testAccuracy >= 0.97);
        QCOMPARE(int(outcome->epochs.size()), c.epochs);
        QVERIFY(outcome->snapshot);
        QCOMPARE(outcome->snapshot->epoch, outcome->finished.bestEpoch);
        QCOMPARE(outcome->snapshot->classNames, shapeClassNames());
        // Confusion matrix rows add up to the test set.
        int total = 0;
        for (const auto& row : outcome->finished.testConfusion)
            for (int v : row) total += v;
        QCOMPARE(total, 800);
    }

    void mlpLearnsSpirals() {
        TrainConfig c;
        c.epochs = 60;
        c.batchSize = 32;
        c.schedule.kind = "cosine";
        c.schedule.baseLr = 3e-3f;  // ≥ 0.986 on seeds 1–5 in < 1 s
        auto outcome = trainToEnd(setupFor(generated("spirals", 1500), "mlp", c));
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().what().c_str());
        qInfo("mlp/spirals: test accuracy %.4f in %.1f s", outcome->finished.testAccuracy, outcome->finished.seconds);
        QVERIFY(outcome->finished.testAccuracy >= 0.95);
    }

    void pauseResumeStopWithin200ms() {
        TrainConfig c;
        c.epochs = 1000;
        c.threads = 2;
        Trainer trainer;
        QVERIFY(trainer.start(setupFor(generated("shapes", 2000), "lenet", c)).ok());
        // Wait until steps are flowing.
        const auto begin = Clock::now();
        int batches = 0;
        while (batches < 3 && msSince(begin) < 10000)
            for (const auto& e : trainer.events().waitAndDrain(std::chrono::milliseconds(20)))
                batches += std::holds_alternative<BatchMetrics>(e);
        QVERIFY(batches >= 3);

        // Pause: the last step event must come within 200 ms, then silence.
        const auto pausedAt = Clock::now();
        trainer.pause();
        double lastEventMs = 0;
        while (msSince(pausedAt) < 600)
            if (!trainer.events().waitAndDrain(std::chrono::milliseconds(5)).empty()) lastEventMs = msSince(pausedAt);
        qInfo("pause took effect within %.1f ms", lastEventMs);
        QVERIFY(lastEventMs < timeLimitMs(200));
        QVERIFY(trainer.isPaused());
        QVERIFY(trainer.isRunning());

        // Resume: a step event within 200 ms.
        const auto resumedAt = Clock::now();
        trainer.resume();
        double firstStepMs = -1;
        while (firstStepMs < 0 && msSince(resumedAt) < 1000)
            for (const auto& e : trainer.events().waitAndDrain(std::chrono::milliseconds(2)))
                if (std::holds_alternative<BatchMetrics>(e) && firstStepMs < 0) firstStepMs = msSince(resumedAt);
        qInfo("resume took effect within %.1f ms", firstStepMs);
        QVERIFY(firstStepMs >= 0 && firstStepMs < timeLimitMs(200));

        // Stop: the Stopped event within 200 ms, the thread ends.
        const auto stoppedAt = Clock::now();
        trainer.stop();
        double stoppedMs = -1;
        while (stoppedMs < 0 && msSince(stoppedAt) < 1000)
            for (const auto& e : trainer.events().waitAndDrain(std::chrono::milliseconds(2)))
                if (std::holds_alternative<Stopped>(e)) stoppedMs = msSince(stoppedAt);
        qInfo("stop took effect within %.1f ms", stoppedMs);
        QVERIFY(stoppedMs >= 0 && stoppedMs < timeLimitMs(200));
        trainer.wait();
        QVERIFY(!trainer.isRunning());
        QVERIFY(trainer.snapshot());  // the weights at the stop
    }

    void stopWhilePausedEnds() {
        TrainConfig c;
        c.epochs = 1000;
        Trainer trainer;
        QVERIFY(trainer.start(setupFor(generated("spirals", 600), "mlp", c)).ok());
        trainer.pause();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto stoppedAt = Clock::now();
        trainer.stop();
        trainer.wait();
        QVERIFY(msSince(stoppedAt) < timeLimitMs(200));
        QVERIFY(isFinal(collectToEnd(trainer).back()));
    }

    void nanLossFailsWithAdvice() {
        TrainConfig c;
        c.epochs = 5;
        c.batchSize = 32;
        c.optimizer.kind = "sgd";
        c.schedule.baseLr = 100.0f;  // the highest rate a schedule accepts
        Trainer trainer;
        const Status started = trainer.start(setupFor(generated("spirals", 600), "mlp", c));
        QVERIFY2(started.ok(), started.ok() ? "" : started.error().what().c_str());
        const auto events = collectToEnd(trainer);
        trainer.wait();
        QVERIFY(!events.empty());
        const auto* failed = std::get_if<Failed>(&events.back());
        QVERIFY(failed);
        const QString message = QString::fromStdString(failed->error.what());
        qInfo("%s", qPrintable(message));
        QCOMPARE(failed->error.kind(), Error::Kind::Numerical);
        QVERIFY(message.contains(QRegularExpression("at epoch \\d+, step \\d+ \\(learning rate 100\\)")));
        QVERIFY(message.contains("Try a lower learning rate, e.g. 10,"));
        SnapshotPtr snap = trainer.snapshot();
        QVERIFY(snap);
        QVERIFY(allFinite(snap->model));
    }

    void earlyStoppingKeepsTheBestEpoch() {
        TrainConfig c;
        c.epochs = 20;
        c.earlyStopping.patience = 2;
        c.earlyStopping.minDelta = 100.0f;  // nothing after the first epoch counts as better
        auto outcome = trainToEnd(setupFor(generated("spirals", 600), "mlp", c));
        QVERIFY(outcome.ok());
        QCOMPARE(outcome->finished.reason, Finished::Reason::EarlyStopped);
        QCOMPARE(outcome->finished.epochs, 3);
        QCOMPARE(outcome->finished.bestEpoch, 1);
        QCOMPARE(outcome->snapshot->epoch, 1);
        QCOMPARE(outcome->finished.validationLoss, outcome->epochs.front().validationLoss);
    }

    void snapshotPublishedEveryEpoch() {
        TrainConfig c;
        c.epochs = 4;
        Trainer trainer;
        QVERIFY(trainer.start(setupFor(generated("spirals", 600), "mlp", c)).ok());
        QVERIFY(!trainer.snapshot());
        std::vector<int> seen;
        std::vector<float> previous;
        for (const auto& e : collectToEnd(trainer)) {
            if (const auto* m = std::get_if<EpochMetrics>(&e)) {
                SnapshotPtr snap = trainer.snapshot();
                QVERIFY(snap);
                QVERIFY(snap->epoch >= m->epoch);
                seen.push_back(m->epoch);
            }
        }
        trainer.wait();
        QCOMPARE(seen, (std::vector<int>{1, 2, 3, 4}));
        SnapshotPtr last = trainer.snapshot();
        QVERIFY(last->metrics.contains("test_accuracy"));
        QCOMPARE(last->trainConfig["epochs"].get<int>(), 4);
    }

    void restartAfterStop() {
        TrainConfig c;
        c.epochs = 1000;
        Trainer trainer;
        auto data = generated("spirals", 600);
        QVERIFY(trainer.start(setupFor(data, "mlp", c)).ok());
        QVERIFY(!trainer.start(setupFor(data, "mlp", c)).ok());  // one run at a time
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        trainer.stop();
        trainer.wait();
        QVERIFY(std::holds_alternative<Stopped>(collectToEnd(trainer).back()));

        c.epochs = 2;
        QVERIFY(trainer.start(setupFor(data, "mlp", c)).ok());
        const auto events = collectToEnd(trainer);
        QVERIFY(std::holds_alternative<RunStarted>(events.front()));
        QVERIFY(std::holds_alternative<Finished>(events.back()));
        trainer.wait();
        QCOMPARE(trainer.snapshot()->trainConfig["epochs"].get<int>(), 2);
    }

    void sameSeedSameWeights() {
        TrainConfig c;
        c.epochs = 2;
        auto data = generated("spirals", 600);
        auto a = trainToEnd(setupFor(data, "mlp", c));
        auto b = trainToEnd(setupFor(data, "mlp", c));
        QVERIFY(a.ok() && b.ok());
        QVERIFY(flatWeights(a->snapshot->model) == flatWeights(b->snapshot->model));
        c.seed = 2;
        auto other = trainToEnd(setupFor(data, "mlp", c));
        QVERIFY(other.ok());
        QVERIFY(flatWeights(a->snapshot->model) != flatWeights(other->snapshot->model));
    }

    void mismatchedModelIsAnError() {
        auto data = generated("spirals", 300);
        TrainingSetup setup = setupFor(data, "mlp", TrainConfig{});
        setup.spec.classes = 5;
        Status s = Trainer().start(setup);
        QVERIFY(!s.ok());
        QVERIFY2(QString::fromStdString(s.error().what()).contains("classes"), s.error().what().c_str());

        TrainingSetup bad = setupFor(data, "mlp", TrainConfig{});
        bad.config.batchSize = 0;
        Status b = Trainer().start(bad);
        QVERIFY(!b.ok());
        QVERIFY(QString::fromStdString(b.error().what()).contains("batchSize"));
    }
};

QTEST_APPLESS_MAIN(TrainerTest)
#include "tst_trainer.moc"
