// The two objects every training shares between threads, hammered from several at once (for
// ThreadSanitizer, `scripts/setup.sh tsan`, as much as for the results): the MetricsQueue loses
// nothing and keeps each producer's order whether read with drain() or waitAndDrain(), and
// RunControl's requests from several threads (pause, resume, single steps, pace, live edits,
// peeks) reach a loop that runs like the trainer's, which ends on a stop.

#include <QtTest>

#include <atomic>
#include <cmath>
#include <chrono>
#include <thread>
#include <vector>

#include "engine/infer/snapshot.h"
#include "engine/nn/model_spec.h"
#include "engine/train/metrics_queue.h"
#include "engine/train/run_control.h"

using namespace studio;
using namespace std::chrono_literals;

namespace {

// A snapshot whose weights the loop thread writes before handing it over (as makeSnapshot does).
SnapshotPtr snapshotWithEpoch(int epoch) {
    auto spec = presetSpec("mlp", Shape{2}, 2);
    if (!spec) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model) qFatal("%s", model.error().what().c_str());
    model->initialize(static_cast<std::uint64_t>(epoch));
    auto snap = std::make_shared<ModelSnapshot>(ModelSnapshot{std::move(*model), {}, {"a", "b"}, "test"});
    snap->epoch = epoch;
    return snap;
}

}  // namespace

class RunControlTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void queueKeepsEveryEventInEachProducersOrder() {
        constexpr int kProducers = 3, kEach = 3000;
        MetricsQueue queue;
        std::vector<std::thread> producers;
        for (int p = 0; p < kProducers; ++p)
            producers.emplace_back([&queue, p] {
                for (int i = 1; i <= kEach; ++i) {
                    BatchMetrics b;
                    b.epoch = p;
                    b.step = i;
                    queue.push(b);
                }
            });
        std::vector<std::int64_t> last(kProducers, 0);
        int received = 0, outOfOrder = 0;
        const auto deadline = std::chrono::steady_clock::now() + 60s;
        for (int round = 0; received < kProducers * kEach && std::chrono::steady_clock::now() < deadline; ++round) {
            // Alternate the two readers the GUI and the CLI use.
            auto events = round % 2 ? queue.drain() : queue.waitAndDrain(5ms);
            for (const TrainingEvent& e : events) {
                const auto* b = std::get_if<BatchMetrics>(&e);
                if (!b || b->step != last[std::size_t(b->epoch)] + 1) {
                    ++outOfOrder;
                    continue;
                }
                last[std::size_t(b->epoch)] = b->step;
                ++received;
            }
        }
        for (auto& t : producers) t.join();  // before any check can return
        QCOMPARE(outOfOrder, 0);
        QCOMPARE(received, kProducers * kEach);
        QVERIFY(queue.drain().empty());
    }

    void requestsFromManyThreadsReachTheLoop() {
        RunControl control;
        control.reset();
        std::atomic<int> steps{0};
        std::vector<std::string> editsSeen;
        std::thread loop([&] {
            // The trainer's loop in miniature: wait for the step, apply edits, answer a peek.
            int step = 0;
            while (control.proceedToStep()) {
                for (auto& [key, value] : control.takeEdits()) editsSeen.push_back(key + "=" + value.dump());
                if (control.takePeekRequest()) control.setPeek(snapshotWithEpoch(step));
                ++step;
                steps.store(step);
                if (step % 7 == 0 && !control.proceed()) break;  // the evaluation's wait between batches
            }
        });

        constexpr int kEdits = 200;
        std::thread editor([&] {
            for (int i = 0; i < kEdits; ++i) {
                control.requestEdit("lr", i);
                if (i % 10 == 0) std::this_thread::sleep_for(100us);
            }
        });
        std::atomic<int> badPeeks{0};
        std::thread viewer([&] {
            for (int i = 0; i < 300; ++i) {
                control.requestPeek();
                if (SnapshotPtr s = control.peek()) {
                    // Reads the weights the loop thread wrote before handing the snapshot over.
                    const Param* first = s->model.params().front();
                    if (s->epoch < 0 || first->value.size() == 0 || !std::isfinite(first->value[0])) badPeeks.fetch_add(1);
                }
                std::this_thread::sleep_for(50us);
            }
        });
        std::thread remote([&] {
            for (int i = 0; i < 100; ++i) {
                switch (i % 5) {
                case 0: control.pause(); break;
                case 1: control.stepOnce(); break;
                case 2: control.setPace(i % 2 ? 5000.0 : 0.0); break;
                case 3: (void)control.isPaused(); break;
                default: control.resume(); break;
                }
                std::this_thread::sleep_for(200us);
            }
            control.resume();
        });
        editor.join();
        viewer.join();
        remote.join();
        // Resumed, paced or not, the loop steps on, and answers a peek asked for now.
        const int before = steps.load();
        control.requestPeek();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while ((steps.load() <= before + 1 || !control.peek()) && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(1ms);
        const bool stepped = steps.load() > before + 1;
        const SnapshotPtr last = control.peek();
        control.requestStop();
        loop.join();  // before any check can return
        QVERIFY(stepped);
        QVERIFY(last);
        QVERIFY(std::isfinite(last->model.params().front()->value[0]));
        QCOMPARE(badPeeks.load(), 0);
        QVERIFY(control.stopRequested());

        // Every edit arrived once and in order (some may be left for a next step that never came).
        for (auto& [key, value] : control.takeEdits()) editsSeen.push_back(key + "=" + value.dump());
        QCOMPARE(int(editsSeen.size()), kEdits);
        for (int i = 0; i < kEdits; ++i) QCOMPARE(editsSeen[std::size_t(i)], "lr=" + std::to_string(i));
    }

    void stopWakesAPausedLoop() {
        RunControl control;
        control.reset();
        control.pause();
        std::atomic<bool> ended{false};
        std::thread loop([&] {
            while (control.proceedToStep()) {
            }
            ended = true;
        });
        std::this_thread::sleep_for(20ms);
        QVERIFY(!ended.load());
        control.requestStop();
        loop.join();
        QVERIFY(ended.load());
    }
};

QTEST_APPLESS_MAIN(RunControlTest)
#include "tst_run_control.moc"
