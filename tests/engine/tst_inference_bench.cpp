// The inference benchmark: the median (not the mean) of timed runs after untimed warm-ups, the
// run-count rules, chunked logits equal to one whole-batch call for every thread count, one
// result per (threads, batch) with samples/s = batch / latency, the JSON keys, and named errors.

#include <QTest>

#include <chrono>
#include <cmath>
#include <thread>

#include "engine/core/parallel.h"
#include "engine/deploy/inference_bench.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/nn/model_spec.h"

using namespace studio;

namespace {

ModelSnapshot makeSnapshot(const std::string& preset) {
    auto spec = presetSpec(preset, {1, 28, 28}, 10);
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(7);
    Preprocessing pre = Preprocessing::identity({1, 28, 28}, true);
    pre.mean[0] = 0.3f;
    pre.stddev[0] = 0.25f;
    std::vector<std::string> names;
    for (int c = 0; c < 10; ++c) names.push_back("class " + std::to_string(c));
    ModelSnapshot s{std::move(*model)};
    s.preprocessing = pre;
    s.classNames = names;
    s.datasetName = "synthetic";
    s.epoch = 1;
    return s;
}

// Quick options: a benchmark that still times, but in milliseconds.
InferenceBenchOptions quick() {
    InferenceBenchOptions o;
    o.batches = {1, 8, 32};
    o.threads = {1, 2};
    o.warmupRuns = 1;
    o.minRuns = 3;
    o.maxRuns = 5;
    o.minSeconds = 0.0;
    return o;
}

}  // namespace

class InferenceBenchTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void medianOfOddAndEvenCounts() {
        QCOMPARE(median({5.0, 1.0, 3.0}), 3.0);
        QCOMPARE(median({4.0, 1.0, 3.0, 100.0}), 3.5);
        QCOMPARE(median({2.0}), 2.0);
        QVERIFY(std::isnan(median({})));
        // One outlier moves the mean, not the median.
        QCOMPARE(median({1.0, 1.0, 1.0, 1.0, 1000.0}), 1.0);
    }

    void timedRunsSkipWarmupAndTakeTheMedian() {
        // The first (warm-up) call is slow, then one timed run in five is slow: the median
        // must be a fast run's time; the warm-up is never timed.
        int calls = 0;
        auto run = [&calls] {
            const int i = calls++;
            const bool slow = i == 0 || i == 3;
            std::this_thread::sleep_for(std::chrono::milliseconds(slow ? 60 : 2));
        };
        const std::vector<double> us = timeRuns(run, 1, 5, 5, 0.0);
        QCOMPARE(calls, 6);
        QCOMPARE(int(us.size()), 5);
        QVERIFY2(us[2] > 50000.0, "the fourth call (third timed) was the slow one");
        const double m = median(us);
        QVERIFY2(m >= 2000.0 && m < 30000.0, qPrintable(QString::number(m)));
    }

    void runCountRules() {
        int calls = 0;
        auto quickRun = [&calls] { ++calls; };
        // minRuns bounds from below, maxRuns from above, minSeconds extends up to maxRuns.
        QCOMPARE(int(timeRuns(quickRun, 0, 4, 100, 0.0).size()), 4);
        QCOMPARE(int(timeRuns(quickRun, 2, 1, 6, 10.0).size()), 6);
        auto slowRun = [] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); };
        const auto n = timeRuns(slowRun, 0, 1, 1000, 0.05).size();
        QVERIFY2(n >= 8 && n <= 12, qPrintable(QString::number(n)));  // ≈ 50 ms of 5 ms runs
    }

    void chunkedLogitsEqualOneCall_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("batch");
        QTest::addColumn<int>("threads");
        for (const QString preset : {QStringLiteral("mlp"), QStringLiteral("lenet")})
            for (int batch : {1, 13, 40})
                for (int threads : {1, 2, 3})
                    QTest::newRow(qPrintable(QString("%1 b%2 t%3").arg(preset).arg(batch).arg(threads)))
                        << preset << batch << threads;
    }
    void chunkedLogitsEqualOneCall() {
        QFETCH(QString, preset);
        QFETCH(int, batch);
        QFETCH(int, threads);
        const ModelSnapshot s = makeSnapshot(preset.toStdString());
        const Tensor x = benchInputs(s, batch);
        QCOMPARE(x.dim(0), batch);
        // One sample at a time: the reference every chunking must reproduce.
        Tensor one, sample({1, 1, 28, 28});
        std::vector<float> expected;
        for (int n = 0; n < batch; ++n) {
            std::copy(x.sample(n), x.sample(n) + x.sampleSize(), sample.data());
            snapshotLogits(s, sample, one);
            expected.insert(expected.end(), one.data(), one.data() + one.size());
        }
        ThreadPool pool(threads);
        Tensor logits;
        chunkedLogits(s, x, logits, pool);
        QCOMPARE(logits.dim(0), batch);
        QCOMPARE(logits.dim(1), 10);
        double maxDiff = 0.0;
        for (std::size_t i = 0; i < expected.size(); ++i)
            maxDiff = std::max(maxDiff, double(std::abs(expected[i] - logits[i])));
        QVERIFY2(maxDiff < 1e-4, qPrintable(QString::number(maxDiff)));
    }

    void inputsAreNormalizedPixels() {
        const ModelSnapshot s = makeSnapshot("mlp");
        const Tensor x = benchInputs(s, 64);
        float lo = 1e9f, hi = -1e9f;
        double sum = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            lo = std::min(lo, x[i]);
            hi = std::max(hi, x[i]);
            sum += x[i];
        }
        // Pixels in [0,1) with mean 0.3 and std 0.25 become [-1.2, 2.8), mean ≈ (0.5-0.3)/0.25.
        QVERIFY(lo >= -1.2f - 1e-5f && hi < 2.8f + 1e-5f);
        QVERIFY(std::abs(sum / double(x.size()) - 0.8) < 0.05);
        const Tensor again = benchInputs(s, 64);
        QVERIFY(std::equal(x.data(), x.data() + x.size(), again.data()));  // a fixed seed
    }

    void reportHasOneResultPerPair() {
        const ModelSnapshot s = makeSnapshot("lenet");
        int progressCalls = 0, lastTotal = 0;
        auto r = benchInference(s, "lenet.tsmodel", quick(), {}, [&](int done, int total) {
            ++progressCalls;
            QCOMPARE(done, progressCalls);
            lastTotal = total;
        });
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().what().c_str());
        QCOMPARE(int(r->results.size()), 6);
        QCOMPARE(progressCalls, 6);
        QCOMPARE(lastTotal, 6);
        const int order[6][2] = {{1, 1}, {1, 8}, {1, 32}, {2, 1}, {2, 8}, {2, 32}};
        for (int i = 0; i < 6; ++i) {
            const InferenceBenchResult& x = r->results[std::size_t(i)];
            QCOMPARE(x.threads, order[i][0]);
            QCOMPARE(x.batch, order[i][1]);
            QVERIFY(x.latencyUs > 0.0);
            QVERIFY(x.runs >= 3 && x.runs <= 5);
            QVERIFY(std::abs(x.samplesPerSecond - x.batch * 1e6 / x.latencyUs) < 1e-6 * x.samplesPerSecond);
            QCOMPARE(r->find(x.batch, x.threads), &x);
        }
        QVERIFY(r->find(256, 1) == nullptr);
        // A batch of 32 costs more than a batch of 1 on one thread.
        QVERIFY(r->find(32, 1)->latencyUs > r->find(1, 1)->latencyUs);

        const nlohmann::json j = r->toJson();
        QCOMPARE(j.size(), std::size_t(2));
        QCOMPARE(j.at("model").get<std::string>(), std::string("lenet.tsmodel"));
        QCOMPARE(j.at("results").size(), std::size_t(6));
        for (const auto& row : j.at("results")) {
            QCOMPARE(row.size(), std::size_t(4));
            for (const char* key : {"batch", "threads", "latency_us", "samples_per_s"}) QVERIFY(row.contains(key));
        }
        QCOMPARE(j["results"][4]["batch"].get<int>(), 8);
        QCOMPARE(j["results"][4]["threads"].get<int>(), 2);
    }

    void allThreadsResolvesToTheRealCount() {
        const ModelSnapshot s = makeSnapshot("mlp");
        InferenceBenchOptions o = quick();
        o.batches = {4};
        o.threads = {0};
        auto r = benchInference(s, "m", o);
        QVERIFY(r.ok());
        QCOMPARE(r->results.front().threads, ThreadPool::hardwareThreads());
    }

    void badOptionsAreNamed_data() {
        QTest::addColumn<QList<int>>("batches");
        QTest::addColumn<QList<int>>("threads");
        QTest::addColumn<QString>("expected");
        QTest::addRow("no batches") << QList<int>{} << QList<int>{1} << "no batch sizes";
        QTest::addRow("no threads") << QList<int>{1} << QList<int>{} << "no thread counts";
        QTest::addRow("batch 0") << QList<int>{1, 0} << QList<int>{1} << "Batch size 0";
        QTest::addRow("threads -1") << QList<int>{1} << QList<int>{-1} << "Thread count -1";
    }
    void badOptionsAreNamed() {
        QFETCH(QList<int>, batches);
        QFETCH(QList<int>, threads);
        QFETCH(QString, expected);
        InferenceBenchOptions o = quick();
        o.batches.assign(batches.begin(), batches.end());
        o.threads.assign(threads.begin(), threads.end());
        auto r = benchInference(makeSnapshot("mlp"), "m", o);
        QVERIFY(!r.ok());
        QVERIFY2(QString::fromStdString(r.error().what()).contains(expected), r.error().what().c_str());
        QVERIFY(!r.error().hint().empty());
    }

    void samplesOfAnotherShapeAreRefused() {
        auto r = benchInference(makeSnapshot("mlp"), "small.tsmodel", quick(), Tensor({4, 3, 8, 8}));
        QVERIFY(!r.ok());
        QVERIFY(QString::fromStdString(r.error().message()).contains("small.tsmodel"));
    }

    void cancelStopsTheBenchmark() {
        std::atomic<bool> cancel{true};
        auto r = benchInference(makeSnapshot("mlp"), "m", quick(), {}, {}, &cancel);
        QVERIFY(!r.ok());
        QCOMPARE(int(r.error().kind()), int(Error::Kind::Cancelled));
    }
};

QTEST_GUILESS_MAIN(InferenceBenchTest)
#include "tst_inference_bench.moc"
