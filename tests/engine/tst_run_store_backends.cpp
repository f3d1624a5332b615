// The run store's contract, run against both backends: SQLite (a file) and PostgreSQL (a real
// server that CTest starts). Records round-trip with NaNs, progress is one transaction, claims
// never give one run to two workers, leases expire and heartbeats notice, files of a store
// without a shared folder travel through the database, and a recorded run resumes bit for bit.

#include <QtTest>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "engine/io/model_file.h"
#include "engine/store/experiment.h"
#include "engine/store/run_store.h"
#include "engine/store/runs_csv.h"
#include "tests/postgres_fixture.h"

using namespace studio;
using nlohmann::json;
namespace fs = std::filesystem;

class TestRunStoreBackends : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_count = 0;

    // A new, empty store of the backend named in the test's data row.
    std::string freshStore() {
        QFETCH(QString, backend);
        if (backend == "postgresql") return freshPostgresUrl().toStdString();
        return (fs::path(m_dir.path().toStdString()) / ("s" + std::to_string(++m_count) + ".sqlite")).string();
    }

    static std::unique_ptr<RunStore> open(const std::string& location) {
        auto s = openRunStore(location);
        if (!s) qFatal("%s", s.error().what().c_str());
        return std::move(*s);
    }

    static RunRecord queued(std::int64_t sweep, bool forWorkers) {
        RunRecord r;
        r.name = "trial";
        r.options = {{"lr", 0.01}};
        r.sweepId = sweep;
        r.forWorkers = forWorkers;
        r.bestValAccuracy = std::nan("");
        r.createdAt = r.heartbeatAt = unixNow();
        return r;
    }

    static void backends() {
        QTest::addColumn<QString>("backend");
        QTest::newRow("sqlite") << "sqlite";
        QTest::newRow("postgresql") << "postgresql";
    }
    void skipWithoutServer() {
        QFETCH(QString, backend);
        if (backend == "postgresql") REQUIRE_POSTGRES();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void recordsRoundTrip_data() { backends(); }
    void recordsRoundTrip() {
        skipWithoutServer();
        const std::string where = freshStore();
        auto store = open(where);
        RunRecord r = queued(0, false);
        r.name = "lenet on shapes — ünïcode 'quoted'";
        r.spec = {{"layers", json::array({{{"type", "dense"}, {"units", 10}}})}};
        r.wallSeconds = 1.25;
        auto id = store->createRun(r);
        QVERIFY2(id.ok(), id.ok() ? "" : id.error().what().c_str());
        RunProgress p;
        p.batches = {{1, 1, 2.5, 0.25, 0.001}, {2, 1, std::nan(""), 0.5, 0.001}};
        p.epochs = {{1, 2.0, 0.3, std::nan(""), std::nan(""), 0.001, 0.5, 1000}};
        p.edits = {{2, "lr", 0.005}, {2, "momentum", 0.8}};
        p.checkpoints = {{1, "/nowhere/epoch-1.ckpt", 0.7}};
        RunRecord updated = r;
        updated.id = *id;
        updated.status = RunStatus::Running;
        updated.epochsDone = 1;
        p.run = updated;
        QVERIFY(store->write(*id, p).ok());

        auto again = open(where);  // a second connection sees the committed transaction
        auto back = again->run(*id);
        QVERIFY(back.ok());
        QCOMPARE(back->name, r.name);
        QCOMPARE(back->status, RunStatus::Running);
        QCOMPARE(back->spec, r.spec);
        QVERIFY(std::isnan(back->bestValAccuracy));
        QCOMPARE(back->wallSeconds, 1.25);
        QVERIFY(std::abs(back->heartbeatAt - unixNow()) < 60);
        auto batches = again->batches(*id);
        QCOMPARE(batches->size(), std::size_t(2));
        QVERIFY(std::isnan((*batches)[1].loss));
        QCOMPARE((*batches)[0].loss, 2.5);
        auto epochs = again->epochs(*id);
        QCOMPARE(epochs->size(), std::size_t(1));
        QVERIFY(std::isnan((*epochs)[0].valLoss));
        auto edits = again->edits(*id);
        QCOMPARE(edits->size(), std::size_t(2));
        QCOMPARE((*edits)[1].key, std::string("momentum"));
        QCOMPARE((*edits)[1].value.get<double>(), 0.8);
        QCOMPARE(again->checkpoints(*id)->size(), std::size_t(1));

        // Rewinding drops what came after; deleting drops everything.
        QVERIFY(again->truncateAfter(*id, 0, 2).ok());
        QCOMPARE(again->epochs(*id)->size(), std::size_t(0));
        QCOMPARE(again->edits(*id)->size(), std::size_t(0));
        QVERIFY(again->deleteRun(*id).ok());
        QVERIFY(!again->run(*id).ok());
        QCOMPARE(again->runs()->size(), std::size_t(0));

        SweepRecord s;
        s.name = "grid";
        s.space = {{"lr", {0.1, 0.01}}};
        s.settings = {{"strategy", "grid"}};
        s.status = "queued";
        auto sid = again->createSweep(s);
        QVERIFY(sid.ok());
        s.id = *sid;
        s.status = "finished";
        QVERIFY(again->updateSweep(s).ok());
        QCOMPARE(again->sweep(*sid)->status, std::string("finished"));
        QCOMPARE(again->sweeps()->size(), std::size_t(1));
    }

    // A store someone else wrote may hold any JSON where a record's objects belong (fuzz_run_store
    // found `runs export --csv` and resume throwing out of the process on such values): readers get
    // objects, and typed fields of another type read as absent.
    void valuesOfTheWrongTypeReadAsAbsent_data() { backends(); }
    void valuesOfTheWrongTypeReadAsAbsent() {
        skipWithoutServer();
        auto store = open(freshStore());
        RunRecord r = queued(0, false);
        r.status = RunStatus::Interrupted;
        r.options = json::array({1, 2});                                // tests/fuzz/corpus/fuzz_run_store/
        r.dataset = {{"source", json::array()}, {"hash", 5}, {"samples", 64}};  // options_not_an_object,
        r.final = "done";                                                 // dataset_hash_is_a_number
        auto id = store->createRun(r);
        QVERIFY(id.ok());
        SweepRecord sweep;
        sweep.name = "hand-edited";
        sweep.space = json::array();
        sweep.settings = {{"strategy", 3}, {"rungs", {1, "two"}}, {"trials", 4}};
        sweep.status = "finished";
        auto sweepId = store->createSweep(sweep);
        QVERIFY(sweepId.ok());

        auto back = store->run(*id);
        QVERIFY(back.ok());
        QCOMPARE(back->options, json::object());
        QCOMPARE(back->final, json::object());
        QCOMPARE(back->dataset, (json{{"samples", 64}}));
        auto sweepBack = store->sweep(*sweepId);
        QVERIFY(sweepBack.ok());
        QCOMPARE(sweepBack->space, json::object());
        QCOMPARE(sweepBack->settings, (json{{"trials", 4}}));

        auto runs = store->runs();
        QVERIFY(runs.ok());
        QVERIFY(runsCsv(*runs).find("hand") == std::string::npos);  // it exports, with every option column
        auto resumed = prepareResume(*store, *id, 0, 1, plainDatasetLoader());
        QVERIFY(!resumed.ok());  // no checkpoint: an error, not an exception
        QVERIFY(resumed.error().what().find("no checkpoint") != std::string::npos);
    }

    void claimsNeverGiveARunTwice_data() { backends(); }
    void claimsNeverGiveARunTwice() {
        skipWithoutServer();
        const std::string where = freshStore();
        {
            auto store = open(where);
            for (int i = 0; i < 12; ++i) QVERIFY(store->createRun(queued(1, true)).ok());
            QVERIFY(store->createRun(queued(1, false)).ok());  // not for workers: never claimed
        }
        // Four claimers on connections of their own race for twelve runs.
        std::mutex mutex;
        std::multiset<std::int64_t> claimed;
        std::atomic<int> errors{0};
        std::vector<std::thread> threads;
        for (int w = 0; w < 4; ++w)
            threads.emplace_back([&, w] {
                auto store = openRunStore(where);
                if (!store) return void(++errors);
                for (;;) {
                    auto c = (*store)->claimRun(1, std::string(1, static_cast<char>('a' + w)) + "-worker", 60);
                    if (!c) return void(++errors);
                    if (!*c) return;
                    std::lock_guard lock(mutex);
                    claimed.insert((*c)->id);
                }
            });
        for (auto& t : threads) t.join();
        QCOMPARE(errors.load(), 0);
        QCOMPARE(claimed.size(), std::size_t(12));
        QCOMPARE(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), std::size_t(12));
        auto store = open(where);
        const auto runs = store->runs(1);  // held: a range-for over *temporary would dangle
        for (const RunRecord& r : *runs) {
            if (!r.forWorkers) {
                QCOMPARE(r.status, RunStatus::Queued);
                continue;
            }
            QCOMPARE(r.status, RunStatus::Running);
            QCOMPARE(r.attempts, 1);
            QVERIFY(r.worker.find("-worker") == 1);
        }
        QVERIFY(!store->claimRun(1, "late", 60)->has_value());
        QVERIFY(!store->claimRun(2, "other sweep", 60)->has_value());
    }

    void leasesExpireAndHeartbeatsNotice_data() { backends(); }
    void leasesExpireAndHeartbeatsNotice() {
        skipWithoutServer();
        auto store = open(freshStore());
        auto id = store->createRun(queued(3, true));
        auto first = store->claimRun(0, "first", 0.5);
        QVERIFY(first.ok() && first->has_value());
        QCOMPARE((*first)->id, *id);
        QVERIFY(*store->heartbeat(*id, "first"));
        QVERIFY(!store->claimRun(0, "second", 0.5)->has_value());  // the lease holds
        QTest::qWait(800);                                         // no heartbeat for longer than the lease
        auto second = store->claimRun(0, "second", 30);
        QVERIFY(second.ok() && second->has_value());
        QCOMPARE((*second)->attempts, 2);
        QCOMPARE((*second)->worker, std::string("second"));
        QVERIFY(!*store->heartbeat(*id, "first"));  // the first worker learns it lost the run
        QVERIFY(*store->heartbeat(*id, "second"));
        // A worker told to stop gives the run back; the next claim takes it at once.
        QVERIFY(store->releaseRun(*id, "second").ok());
        QCOMPARE(store->run(*id)->status, RunStatus::Queued);
        auto third = store->claimRun(3, "third", 30);
        QVERIFY(third->has_value());
        QCOMPARE((*third)->attempts, 3);
        // An updateRun from the trainer's recorder never touches the claim.
        RunRecord r = **third;
        r.worker = "someone else";
        QVERIFY(store->updateRun(r).ok());
        QCOMPARE(store->run(*id)->worker, std::string("third"));
    }

    void filesTravelWithTheStore_data() { backends(); }
    void filesTravelWithTheStore() {
        skipWithoutServer();
        QFETCH(QString, backend);
        auto store = open(freshStore());
        auto id = store->createRun(queued(0, false));
        const fs::path folder = store->runFolder(*id);
        fs::create_directories(folder);
        const std::string path = (folder / "epoch-1.ckpt").string();
        std::string bytes(300000, '\0');
        for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>((i * 7919) & 0xff);
        std::ofstream(path, std::ios::binary) << bytes;
        RunProgress p;
        p.checkpoints = {{1, path, 0.5}};
        p.files = {path};
        QVERIFY(store->write(*id, p).ok());
        if (backend == "postgresql") {
            // Another machine: the recorded path is not there; the bytes come from the database.
            fs::remove(path);
            auto local = store->localFile(*id, path);
            QVERIFY2(local.ok(), local.ok() ? "" : local.error().what().c_str());
            std::ifstream in(*local, std::ios::binary);
            const std::string fetched((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            QVERIFY(fetched == bytes);
            p = {};
            p.removedCheckpoints = {1};
            p.removedFiles = {path};
            QVERIFY(store->write(*id, p).ok());
            fs::remove(*local);
            QVERIFY(!store->localFile(*id, path).ok());
        } else {
            QCOMPARE(*store->localFile(*id, path), path);
            fs::remove(path);
            auto gone = store->localFile(*id, path);
            QVERIFY(!gone.ok());
            QVERIFY(gone.error().message().find("epoch-1.ckpt") != std::string::npos);
        }
        // With a shared folder, run folders live in it on every machine.
        const std::string shared =
            (fs::path(m_dir.path().toStdString()) / ("shared" + std::to_string(++m_count))).string();
        QVERIFY(store->setSharedFolder(shared).ok());
        QCOMPARE(store->runFolder(7), (fs::path(shared) / "run-7").string());
        QCOMPARE(*store->sharedFolder(), shared);
    }

    void recordedRunResumesBitIdentical_data() { backends(); }
    void recordedRunResumesBitIdentical() {
        skipWithoutServer();
        const std::string where = freshStore();
        auto store = open(where);
        NewRun request;
        request.dataset = "shapes";
        request.model = "lenet";
        request.options = {{"samples", 900}, {"epochs", 3}, {"batch_size", 32}, {"threads", 1}, {"seed", 5}};
        auto straight = prepareNewRun(*store, request, plainDatasetLoader());
        QVERIFY(straight.ok());
        auto whole = trainRecorded(where, std::move(*straight));
        QVERIFY2(whole.ok(), whole.ok() ? "" : whole.error().what().c_str());

        request.forWorkers = true;
        auto halted = prepareNewRun(*store, request, plainDatasetLoader());
        QVERIFY(halted.ok());
        const std::int64_t id = halted->record.id;
        halted->setup.stopAfterEpoch = 1;
        QVERIFY(trainRecorded(where, std::move(*halted)).ok());
        // As a worker would: claim, prepare from the checkpoint (fetched from the database on
        // PostgreSQL, where the local copy is removed first), train on 2 threads.
        if (isPostgresUrl(where)) fs::remove_all(store->runFolder(id));
        auto runs = store->runs();
        RunRecord r = runs->back();
        r.status = RunStatus::Queued;
        QVERIFY(store->updateRun(r).ok());
        auto claimed = store->claimRun(0, "resumer", 60);
        QVERIFY(claimed.ok() && claimed->has_value());
        QCOMPARE((*claimed)->id, id);
        auto prepared = prepareClaimedRun(*store, **claimed, 2, plainDatasetLoader());
        QVERIFY2(prepared.ok(), prepared.ok() ? "" : prepared.error().what().c_str());
        QCOMPARE(prepared->setup.resume->epoch, 1);
        auto resumed = trainRecorded(where, std::move(*prepared));
        QVERIFY(resumed.ok());
        QCOMPARE(resumed->weightsSha256, whole->weightsSha256);
        QCOMPARE(store->epochs(id)->size(), std::size_t(3));
        auto best = store->localFile(id, store->run(id)->bestModelPath);
        QVERIFY(best.ok());
        QCOMPARE(weightsSha256(loadModelFile(*best)->model), whole->weightsSha256);
    }

    void badLocationsAreOneClearLine() {
        REQUIRE_POSTGRES();
        const QString good = freshPostgresUrl();
        QString wrong = good;
        wrong.replace(":studio-test@", ":wrong-password@");
        auto a = openRunStore(wrong.toStdString());
        QVERIFY(!a.ok());
        const std::string m = a.error().what();
        QVERIFY2(m.find("password authentication failed") != std::string::npos, m.c_str());
        QVERIFY2(m.find("wrong-password") == std::string::npos, m.c_str());  // never shown
        QVERIFY2(m.find(".pgpass") != std::string::npos, m.c_str());
        QVERIFY2(m.find('\n') == std::string::npos, m.c_str());

        auto b = openRunStore("postgresql://studio@127.0.0.1:1/none");
        QVERIFY(!b.ok());
        const std::string n = b.error().what();
        QVERIFY2(n.find("127.0.0.1:1") != std::string::npos && n.find("refused") != std::string::npos, n.c_str());
        QVERIFY2(n.find('\n') == std::string::npos, n.c_str());

        QCOMPARE(redactedStoreLocation("postgresql://u:secret@h:5/db"), std::string("postgresql://u@h:5/db"));
        QCOMPARE(redactedStoreLocation("postgresql://u@h/db?sslmode=require&password=x"),
                 std::string("postgresql://u@h/db?sslmode=require"));
        QCOMPARE(redactedStoreLocation("/tmp/runs.sqlite"), std::string("/tmp/runs.sqlite"));
        auto c = openRunStore("sqlite://" + (fs::path(m_dir.path().toStdString()) / "url.sqlite").string());
        QVERIFY(c.ok());
        QVERIFY((*c)->location().find("url.sqlite") != std::string::npos);
    }

    void aRestartedServerIsWaitedFor() {
        REQUIRE_POSTGRES();
        const std::string where = freshPostgresUrl().toStdString();
        auto store = open(where);
        auto id = store->createRun(queued(0, false));
        QVERIFY(id.ok());
        // Restart the server while this connection is open: the next call reconnects.
        postgresServer("restart");
        auto back = store->run(*id);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().what().c_str());
        QCOMPARE(back->id, *id);
    }
};

QTEST_GUILESS_MAIN(TestRunStoreBackends)
#include "tst_run_store_backends.moc"
