// Pacing a run so a class can watch it learn (RunControl): N steps per second are honoured
// roughly, single-step advances exactly one step, peek() hands over the weights after a step,
// and a paced, paused and single-stepped run ends with the same weights as an unpaced one.

#include <QtTest>

#include "tests/timing_limits.h"

#include <chrono>
#include <thread>

#include "engine/data/synthetic.h"
#include "engine/train/trainer.h"

using namespace studio;
using Clock = std::chrono::steady_clock;

namespace {

std::shared_ptr<const DatasetBundle> spirals() {
    auto bundle = generateDataset("spirals", 7, 600);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::make_shared<const DatasetBundle>(std::move(*bundle));
}

// 480 training samples at batch 48: 10 steps per epoch.
TrainingSetup setupFor(const std::shared_ptr<const DatasetBundle>& data, int epochs) {
    TrainConfig config;
    config.epochs = epochs;
    config.batchSize = 48;
    config.seed = 3;
    config.validationFraction = 0.1;
    config.testFraction = 0.1;
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    auto spec = presetSpec("mlp", data->pool.sampleShape(), data->pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    setup.spec = *spec;
    setup.config = config;
    return setup;
}

std::vector<float> flatWeights(const Model& model) {
    std::vector<float> out;
    for (const Param* p : model.params()) out.insert(out.end(), p->value.data(), p->value.data() + p->value.size());
    return out;
}

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Drains events for `ms`; returns the training steps seen (BatchMetrics) and whether it ended.
struct Drained {
    int steps = 0;
    std::int64_t lastStep = -1;
    bool ended = false;
};
Drained drainFor(Trainer& trainer, int ms) {
    Drained d;
    const auto until = Clock::now() + std::chrono::milliseconds(ms);
    while (Clock::now() < until && !d.ended)
        for (const TrainingEvent& e : trainer.events().waitAndDrain(std::chrono::milliseconds(20))) {
            if (const auto* b = std::get_if<BatchMetrics>(&e)) {
                ++d.steps;
                d.lastStep = b->step;
            }
            d.ended = d.ended || isFinal(e);
        }
    return d;
}

Drained drainToEnd(Trainer& trainer) {
    Drained all;
    while (!all.ended) {
        const Drained d = drainFor(trainer, 60000);
        all.steps += d.steps;
        if (d.lastStep >= 0) all.lastStep = d.lastStep;
        all.ended = d.ended;
    }
    trainer.wait();
    return all;
}

}  // namespace

class PacingTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void stepsPerSecondAreHonoured() {
        const auto data = spirals();
        Trainer unpaced;
        auto start = Clock::now();
        QVERIFY(unpaced.start(setupFor(data, 3)).ok());
        QCOMPARE(drainToEnd(unpaced).steps, 30);
        const double fast = secondsSince(start);

        Trainer paced;
        paced.setPace(20.0);  // 30 steps at 20/s: 29 gaps of 50 ms ≈ 1.45 s
        start = Clock::now();
        QVERIFY(paced.start(setupFor(data, 3)).ok());
        QCOMPARE(drainToEnd(paced).steps, 30);
        const double slow = secondsSince(start);
        qInfo("30 steps: %.3f s unpaced, %.3f s at 20 steps/s", fast, slow);
        QVERIFY2(slow > 1.3, qPrintable(QString::number(slow)));
        QVERIFY2(slow < 1.45 + fast + 1.0, qPrintable(QString::number(slow)));

        // A new pace takes effect at once (the waiting loop is woken), unpaced again here.
        Trainer changed;
        changed.setPace(0.5);
        start = Clock::now();
        QVERIFY(changed.start(setupFor(data, 3)).ok());
        QCOMPARE(drainFor(changed, 300).steps, 1);  // the first step does not wait
        changed.setPace(0.0);
        QCOMPARE(drainToEnd(changed).steps, 29);
        QVERIFY(secondsSince(start) < 0.3 + fast + 1.0);
    }

    void singleStepAdvancesExactlyOneStep() {
        const auto data = spirals();
        Trainer trainer;
        trainer.setPace(2.0);  // slow enough that pausing lands before many steps
        QVERIFY(trainer.start(setupFor(data, 2)).ok());
        trainer.pause();
        Drained settled = drainFor(trainer, 700);
        QVERIFY(!settled.ended);
        QCOMPARE(drainFor(trainer, 400).steps, 0);  // paused: nothing moves
        std::int64_t step = std::max<std::int64_t>(settled.lastStep, 0);  // paused before any step: 0
        for (int i = 0; i < 12; ++i) {  // across the epoch boundary at step 10 (its validation runs)
            trainer.requestPeek();
            trainer.stepOnce();
            const Drained d = drainFor(trainer, timeLimitMs(400));  // the step (and a validation)
            QCOMPARE(d.steps, 1);
            QCOMPARE(d.lastStep, step + 1);
            step = d.lastStep;
            const SnapshotPtr peek = trainer.peek();
            QVERIFY(peek);
            QCOMPARE(peek->metrics.value("step", std::int64_t(-1)), step);
        }
        trainer.setPace(0.0);
        trainer.resume();
        const Drained rest = drainToEnd(trainer);
        QCOMPARE(rest.lastStep, std::int64_t(20));
        QCOMPARE(step + rest.steps, std::int64_t(20));
    }

    void pacedRunGivesTheSameWeights() {
        const auto data = spirals();
        auto plain = trainToEnd(setupFor(data, 3));
        QVERIFY(plain.ok());

        Trainer trainer;
        trainer.setPace(150.0);
        QVERIFY(trainer.start(setupFor(data, 3)).ok());
        drainFor(trainer, 60);
        trainer.stepOnce();
        trainer.stepOnce();
        drainFor(trainer, 100);
        trainer.requestPeek();
        trainer.resume();
        const Drained d = drainToEnd(trainer);
        QVERIFY(trainer.peek());
        QCOMPARE(d.lastStep, std::int64_t(30));
        QVERIFY(flatWeights(trainer.snapshot()->model) == flatWeights(plain->snapshot->model));
        // Negative control: a different seed does change the weights.
        TrainingSetup other = setupFor(data, 3);
        other.config.seed = 4;
        auto differs = trainToEnd(std::move(other));
        QVERIFY(differs.ok());
        QVERIFY(flatWeights(differs->snapshot->model) != flatWeights(plain->snapshot->model));
    }

    void stopWakesAPacedRun() {
        const auto data = spirals();
        Trainer trainer;
        trainer.setPace(0.2);  // 5 s between steps
        QVERIFY(trainer.start(setupFor(data, 3)).ok());
        drainFor(trainer, 200);
        const auto start = Clock::now();
        trainer.stop();
        trainer.wait();
        QVERIFY(secondsSince(start) < timeLimitMs(200) / 1000.0);
    }
};

QTEST_APPLESS_MAIN(PacingTest)
#include "tst_pacing.moc"
