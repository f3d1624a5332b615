// Runs: the SQLite run store, checkpoints, resume (bit-identical to never stopping, on any
// thread count), forks, live edits that replay, and sweeps (grid, asha, concurrency).

#include <QtTest>

#include <set>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>

#include <SQLiteCpp/Database.h>

#include "engine/data/synthetic.h"
#include "engine/io/checkpoint_file.h"
#include "engine/io/model_file.h"
#include "engine/store/experiment.h"
#include "engine/store/run_recorder.h"
#include "engine/store/sweep_runner.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

using namespace studio;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A small, quick problem: 1,200 generated shapes, lenet, batch 32.
json smallOptions(json extra = json::object()) {
    json o = {{"samples", 1200}, {"epochs", 4}, {"batch_size", 32}, {"threads", 1}, {"seed", 3}};
    for (auto it = extra.begin(); it != extra.end(); ++it) o[it.key()] = it.value();
    return o;
}

NewRun smallRun(json extra = json::object()) {
    NewRun r;
    r.dataset = "shapes";
    r.model = "lenet";
    r.options = smallOptions(std::move(extra));
    return r;
}

std::string sha(const RecordedOutcome& o) {
    return o.weightsSha256;
}

}  // namespace

class TestRuns : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return (fs::path(m_dir.path().toStdString()) / name).string(); }

    RecordedOutcome trainNew(const std::string& store, NewRun request, int stopAfter = 0) {
        auto s = openRunStore(store);
        if (!s) qFatal("%s", s.error().what().c_str());
        auto prepared = prepareNewRun(**s, request, plainDatasetLoader());
        if (!prepared) qFatal("%s", prepared.error().what().c_str());
        prepared->setup.stopAfterEpoch = stopAfter;
        auto out = trainRecorded(store, std::move(*prepared));
        if (!out) qFatal("%s", out.error().what().c_str());
        return *out;
    }

    RecordedOutcome resume(const std::string& store, std::int64_t id, int epochs = 0, int threads = 1) {
        auto s = openRunStore(store);
        auto prepared = prepareResume(**s, id, epochs, threads, plainDatasetLoader());
        if (!prepared) qFatal("%s", prepared.error().what().c_str());
        auto out = trainRecorded(store, std::move(*prepared));
        if (!out) qFatal("%s", out.error().what().c_str());
        return *out;
    }

private Q_SLOTS:
    void storeKeepsRunsAcrossConnections() {
        const std::string store = path("keep.sqlite");
        auto out = trainNew(store, smallRun({{"epochs", 2}}));
        QCOMPARE(out.record.status, RunStatus::Finished);
        auto again = openRunStore(store);
        QVERIFY(again.ok());
        auto runs = (*again)->runs();
        QVERIFY(runs.ok());
        QCOMPARE(runs->size(), std::size_t(1));
        const RunRecord& r = runs->front();
        QCOMPARE(r.epochsDone, 2);
        QCOMPARE(r.options["samples"].get<int>(), 1200);
        QCOMPARE(r.options["lr"], presetTrainingOptions("lenet")["lr"]);  // the preset's tuned options filled in…
        QCOMPARE(r.options["momentum"], defaultOptions()["momentum"]);     // …and the schema's defaults
        QCOMPARE(r.dataset["samples"].get<int>(), 1200);
        QCOMPARE(r.dataset["hash"].get<std::string>().size(), std::size_t(64));
        QVERIFY(r.final["test_accuracy"].is_number());
        QVERIFY(fs::exists(r.bestModelPath));
        QCOMPARE(weightsSha256(loadModelFile(r.bestModelPath)->model), out.weightsSha256);
        QVERIFY(r.peakRssBytes > 0);
        QVERIFY(r.wallSeconds > 0);
        auto epochs = (*again)->epochs(r.id);
        QCOMPARE(epochs->size(), std::size_t(2));
        auto batches = (*again)->batches(r.id);
        QCOMPARE(batches->size(), std::size_t(2 * ((1200 * 8 / 10 + 31) / 32)));  // 80% trains
        auto checkpoints = (*again)->checkpoints(r.id);
        QCOMPARE(checkpoints->size(), std::size_t(2));
    }

    void badStoresAreClearErrors() {
        const std::string notDb = path("notes.txt");
        std::ofstream(notDb) << "this is not a database, just some text that is long enough to have a header....";
        auto a = openRunStore(notDb);
        QVERIFY(!a.ok());
        QVERIFY2(a.error().message().find(notDb) != std::string::npos, a.error().what().c_str());
        QVERIFY2(a.error().hint().find("not a run store") != std::string::npos, a.error().what().c_str());

        const std::string newer = path("newer.sqlite");
        QVERIFY(openRunStore(newer).ok());
        {
            // A later version's schema number.
            QVERIFY(std::system(("sqlite3 '" + newer +
                                 "' 'PRAGMA user_version = 99' 2>/dev/null || python3 -c "
                                 "\"import sqlite3; c=sqlite3.connect('" +
                                 newer + "'); c.execute('PRAGMA user_version = 99'); c.commit()\"")
                                    .c_str()) == 0);
        }
        auto b = openRunStore(newer);
        QVERIFY(!b.ok());
        QVERIFY2(b.error().message().find("newer") != std::string::npos, b.error().what().c_str());

        if (::geteuid() != 0) {  // root writes anywhere
            const std::string ro = path("readonly");
            fs::create_directories(ro);
            ::chmod(ro.c_str(), 0555);
            auto c = openRunStore(ro + "/runs.sqlite");
            QVERIFY(!c.ok());
            ::chmod(ro.c_str(), 0755);
        }
    }

    void checkpointFilesRoundTripAndRefuseDamage() {
        const std::string store = path("ckpt.sqlite");
        auto out = trainNew(store, smallRun({{"epochs", 2}}));
        auto s = openRunStore(store);
        auto list = (*s)->checkpoints(out.record.id);
        QVERIFY(list.ok() && !list->empty());
        auto loaded = loadCheckpointFile(list->back().path);
        QVERIFY(loaded.ok());
        QCOMPARE(loaded->epoch, 2);
        QVERIFY(!loaded->weights.empty());
        QCOMPARE(loaded->optimizer.buffers.size(), 2 * loaded->weights.size());  // adam: m and v
        // One flipped byte, and a truncated copy: both named, neither crashes.
        const std::string damaged = path("damaged.tsckpt");
        fs::copy_file(list->back().path, damaged);
        {
            std::fstream f(damaged, std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(200);
            f.put('\x7f');
        }
        auto bad = loadCheckpointFile(damaged);
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message().find(damaged) != std::string::npos);
        fs::resize_file(damaged, 100);
        QVERIFY(!loadCheckpointFile(damaged).ok());
        QVERIFY(!loadCheckpointFile(path("missing.tsckpt")).ok());
    }

    void resumeIsBitIdenticalOnAnyThreadCount() {
        const std::string store = path("resume.sqlite");
        const auto straight = trainNew(store, smallRun());
        // Stopped after epoch 2, then resumed with another thread count.
        const auto first = trainNew(store, smallRun(), 2);
        QCOMPARE(first.record.status, RunStatus::Stopped);
        QCOMPARE(first.record.epochsDone, 2);
        const auto resumed = resume(store, first.record.id, 0, 2);
        QCOMPARE(resumed.record.status, RunStatus::Finished);
        QCOMPARE(resumed.record.epochsDone, 4);
        QCOMPARE(sha(resumed), sha(straight));
        QCOMPARE(resumed.outcome.finished.testAccuracy, straight.outcome.finished.testAccuracy);
        // The store has every epoch once, as if it had never stopped.
        auto s = openRunStore(store);
        auto e1 = (*s)->epochs(straight.record.id);
        auto e2 = (*s)->epochs(first.record.id);
        QCOMPARE(e2->size(), std::size_t(4));
        for (std::size_t i = 0; i < 4; ++i) QCOMPARE((*e2)[i].valLoss, (*e1)[i].valLoss);
        // Train a finished run further.
        const auto more = resume(store, straight.record.id, 6);
        QCOMPARE(more.record.epochsDone, 6);
        // A finished run asked for no more epochs: a clear message.
        auto again = prepareResume(**s, straight.record.id, 0, 1, plainDatasetLoader());
        QVERIFY(!again.ok());
        QVERIFY(again.error().message().find("already trained") != std::string::npos);
    }

    void aFailedWriteKeepsItsCheckpointForTheNext() {
        // A store that refuses one write (another program holds it past the 10 s busy timeout; a
        // full disk or a dropped connection alike) must not lose the checkpoint that write carried:
        // its file is on disk, and the next write lists it, so a resume starts from it.
        const std::string store = path("held.sqlite");
        const auto earlier = trainNew(store, smallRun({{"epochs", 1}}));
        auto s = openRunStore(store);
        auto saved = loadCheckpointFile((*s)->checkpoints(earlier.record.id)->back().path);
        QVERIFY(saved.ok());
        RunRecord row = earlier.record;
        row.epochsDone = 0;
        auto id = (*s)->createRun(row);
        QVERIFY(id.ok());
        row.id = *id;
        auto recorder = RunRecorder::open(store, row, 3);
        QVERIFY(recorder.ok());

        SQLite::Database holder(store, SQLite::OPEN_READWRITE);
        holder.exec("BEGIN EXCLUSIVE");
        (*recorder)->checkpoint(std::make_shared<const TrainingCheckpoint>(*saved));
        EpochMetrics epoch;
        epoch.epoch = 1;
        (*recorder)->record(epoch);
        QThread::msleep(11500);  // the writer's first try gives up after 10 s
        holder.exec("ROLLBACK");
        const Status closed = (*recorder)->close();  // writes again, now that the store is free
        QVERIFY(!closed.ok());                        // the refused write is still reported
        QVERIFY2(closed.error().message().find("locked") != std::string::npos, closed.error().what().c_str());
        auto kept = (*s)->checkpoints(*id);
        QVERIFY(kept.ok());
        QCOMPARE(kept->size(), std::size_t(1));
        QCOMPARE(kept->front().epoch, 1);
        QCOMPARE((*s)->epochs(*id)->size(), std::size_t(1));
        QVERIFY(loadCheckpointFile(kept->front().path).ok());
    }

    void resumeRefusesChangedData() {
        const std::string store = path("changed.sqlite");
        const auto out = trainNew(store, smallRun({{"epochs", 3}}), 1);
        auto s = openRunStore(store);
        auto r = (*s)->run(out.record.id);
        r->dataset["hash"] = std::string(64, '0');  // as if a file had changed since
        QVERIFY((*s)->updateRun(*r).ok());
        auto prepared = prepareResume(**s, out.record.id, 0, 1, plainDatasetLoader());
        QVERIFY(!prepared.ok());
        QVERIFY2(prepared.error().message().find("changed since the run trained") != std::string::npos,
                 prepared.error().what().c_str());
        // A missing checkpoint file names the file.
        auto fresh = trainNew(store, smallRun({{"epochs", 3}}), 1);
        const auto checkpoints = (*s)->checkpoints(fresh.record.id);
        QVERIFY(checkpoints.ok());
        for (const auto& c : *checkpoints) fs::remove(c.path);
        auto missing = prepareResume(**s, fresh.record.id, 0, 1, plainDatasetLoader());
        QVERIFY(!missing.ok());
        QVERIFY(missing.error().message().find("missing") != std::string::npos);
    }

    void forkRecordsItsParentAndStartsWhereItWas() {
        const std::string store = path("fork.sqlite");
        const auto parent = trainNew(store, smallRun({{"epochs", 3}, {"schedule", "constant"}}));
        auto s = openRunStore(store);
        auto fork =
            prepareFork(**s, parent.record.id, 2, json{{"lr", 0.0003}, {"epochs", 4}}, "", plainDatasetLoader());
        QVERIFY2(fork.ok(), fork ? "" : fork.error().what().c_str());
        const std::int64_t id = fork->record.id;
        auto out = trainRecorded(store, std::move(*fork));
        QVERIFY(out.ok());
        auto r = (*s)->run(id);
        QCOMPARE(r->parentRun, parent.record.id);
        QCOMPARE(r->parentEpoch, 2);
        QCOMPARE(r->options["lr"].get<double>(), 0.0003);
        QCOMPARE(r->epochsDone, 4);
        auto pe = (*s)->epochs(parent.record.id);
        auto fe = (*s)->epochs(id);
        QCOMPARE(fe->size(), std::size_t(4));
        QCOMPARE((*fe)[0].valLoss, (*pe)[0].valLoss);  // the parent's curve up to the fork…
        QCOMPARE((*fe)[1].valLoss, (*pe)[1].valLoss);
        QCOMPARE(float((*fe)[2].learningRate), 0.0003f);  // …then its own
        // What a fork cannot change, and an epoch without a checkpoint.
        auto seed = prepareFork(**s, parent.record.id, 1, json{{"seed", 9}}, "", plainDatasetLoader());
        QVERIFY(!seed.ok() && seed.error().message().find("seed") != std::string::npos);
        auto far = prepareFork(**s, parent.record.id, 9, json{{"epochs", 12}}, "", plainDatasetLoader());
        QVERIFY(!far.ok() && far.error().message().find("epoch 9") != std::string::npos);
    }

    void liveEditsAreRecordedAndReplay() {
        const std::string store = path("edits.sqlite");
        auto s = openRunStore(store);
        auto prepared = prepareNewRun(**s, smallRun({{"epochs", 2}}), plainDatasetLoader());
        QVERIFY(prepared.ok());
        const std::int64_t id = prepared->record.id;
        bool edited = false;
        auto out = trainRecorded(
            store, std::move(*prepared), [&](const TrainingEvent&) {},
            [&](Trainer* t) {
                if (!t) return;
                QVERIFY(!t->setOption("batch_size", 8).ok());  // not live-editable: named
                QVERIFY(!t->setOption("lr", 99.0).ok());       // out of range
                edited = t->setOption("lr", 0.004).ok();
            });
        QVERIFY(out.ok() && edited);
        auto edits = (*s)->edits(id);
        QCOMPARE(edits->size(), std::size_t(1));
        QCOMPARE(edits->front().key, std::string("lr"));
        // Replaying the record — same options, the edit at its step — gives the same weights.
        auto replay = prepareNewRun(**s, smallRun({{"epochs", 2}}), plainDatasetLoader());
        replay->setup.replayEdits = {OptionChanged{edits->front().step, "lr", edits->front().value}};
        auto again = trainRecorded(store, std::move(*replay));
        QVERIFY(again.ok());
        QCOMPARE(again->weightsSha256, out->weightsSha256);
        auto plain = trainNew(store, smallRun({{"epochs", 2}}));
        QVERIFY(plain.weightsSha256 != out->weightsSha256);  // the edit mattered
    }

    void gridSweepRecordsEveryTrial() {
        const std::string store = path("grid.sqlite");
        SweepRequest req;
        req.storePath = store;
        req.dataset = "shapes";
        req.model = "lenet";
        req.baseOptions = smallOptions({{"epochs", 1}, {"samples", 600}});
        req.space = json::parse(R"({"lr": [0.001, 0.003], "batch_size": [32, 64]})");
        req.strategy = "grid";
        req.concurrency = 2;
        auto out = runSweep(req, plainDatasetLoader());
        QVERIFY2(out.ok(), out ? "" : out.error().what().c_str());
        QCOMPARE(out->runs.size(), std::size_t(4));
        std::set<std::pair<double, int>> seen;
        for (const auto& r : out->runs) {
            QCOMPARE(r.sweepId, out->sweepId);
            QCOMPARE(r.status, RunStatus::Finished);
            seen.insert({r.options["lr"].get<double>(), r.options["batch_size"].get<int>()});
        }
        QCOMPARE(seen.size(), std::size_t(4));
        QVERIFY(out->bestRunId > 0);
        // Concurrent trials give the weights the same runs give alone.
        for (const auto& r : out->runs) {
            NewRun alone = smallRun({{"epochs", 1},
                                     {"samples", 600},
                                     {"lr", r.options["lr"]},
                                     {"batch_size", r.options["batch_size"]},
                                     {"threads", 2}});
            const auto single = trainNew(path("alone.sqlite"), alone);
            QCOMPARE(weightsSha256(loadModelFile(r.bestModelPath)->model), single.weightsSha256);
        }
    }

    void ashaPrunesTheSameTrialsOnAFixedSeed() {
        auto sweep = [&](const char* file) {
            SweepRequest req;
            req.storePath = path(file);
            req.dataset = "shapes";
            req.model = "lenet";
            req.baseOptions = smallOptions({{"samples", 600}});
            req.space = json::parse(R"({"lr": {"log_uniform": [0.0001, 0.03]}})");
            req.strategy = "asha";
            req.trials = 6;
            req.eta = 3;
            req.minEpochs = 1;
            req.epochs = 3;
            req.seed = 11;
            auto out = runSweep(req, plainDatasetLoader());
            if (!out) qFatal("%s", out.error().what().c_str());
            return *out;
        };
        const auto a = sweep("asha1.sqlite");
        QCOMPARE(halvingRungs(1, 3, 3), (std::vector<int>{1, 3}));
        int finished = 0, pruned = 0;
        for (const auto& r : a.runs) {
            if (r.status == RunStatus::Finished) {
                ++finished;
                QCOMPARE(r.epochsDone, 3);
            } else {
                ++pruned;
                QCOMPARE(r.final.value("stop_reason", ""), std::string("pruned"));
                QCOMPARE(r.epochsDone, 1);
            }
        }
        QCOMPARE(finished, 2);  // 6 trials, η = 3: the best 2 go on
        QCOMPARE(pruned, 4);
        // The promoted ones are the best at rung 1 …
        double worstPromoted = 2, bestPruned = -1;
        auto s = openRunStore(path("asha1.sqlite"));
        for (const auto& r : a.runs) {
            const double rung1 = (*(*s)->epochs(r.id))[0].valAccuracy;
            if (r.status == RunStatus::Finished)
                worstPromoted = std::min(worstPromoted, rung1);
            else
                bestPruned = std::max(bestPruned, rung1);
        }
        QVERIFY(worstPromoted >= bestPruned);
        // … and a second sweep with the same seed prunes the same trials.
        const auto b = sweep("asha2.sqlite");
        for (std::size_t i = 0; i < a.runs.size(); ++i) {
            QCOMPARE(b.runs[i].status, a.runs[i].status);
            QCOMPARE(b.points[i], a.points[i]);
        }
    }

    void badSweepsAreRefusedBeforeTraining() {
        SweepRequest req;
        req.storePath = path("badsweep.sqlite");
        req.dataset = "shapes";
        req.model = "lenet";
        req.baseOptions = smallOptions();
        req.strategy = "grid";
        req.space = json::parse(R"({"lr": {"uniform": [0.001, 0.01]}})");
        auto grid = runSweep(req, plainDatasetLoader());
        QVERIFY(!grid.ok() && grid.error().message().find("grid") != std::string::npos);
        req.strategy = "random";
        req.space = json::parse(R"({"momentum": [0.5, 1.5]})");
        QVERIFY(!runSweep(req, plainDatasetLoader()).ok());
        req.space = json::parse(R"({"model": ["lenet", "transformer"]})");
        auto model = runSweep(req, plainDatasetLoader());
        QVERIFY(!model.ok() && model.error().message().find("transformer") != std::string::npos);
        auto s = openRunStore(req.storePath);
        // Nothing trained.
        const auto runs = (*s)->runs();
        QVERIFY(runs.ok());
        for (const auto& r : *runs) QCOMPARE(r.epochsDone, 0);
    }
};

QTEST_GUILESS_MAIN(TestRuns)
#include "tst_runs.moc"
