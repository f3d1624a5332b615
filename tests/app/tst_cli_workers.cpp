// Sweeps beyond one machine, as a user runs them: `sweep --enqueue-only` on a real PostgreSQL
// server, `worker` processes that claim its trials, a real kill -9 of a worker mid-trial whose
// trial another worker takes over with the weights of an uninterrupted run, SIGTERM that gives
// a trial back, and a wrong password or an unreachable host as one clear line.

#include <QtTest>

#include "cli_process.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>
#include <QTemporaryDir>

#include <map>
#include <set>

#include "engine/io/model_file.h"
#include "engine/store/run_store.h"
#include "tests/postgres_fixture.h"

namespace {

// Two trials long enough (5 epochs of 3,000 shapes) that a kill lands mid-trial.
const QStringList kSweep = {"sweep",
                            "--dataset",
                            "shapes",
                            "--model",
                            "lenet",
                            "--samples",
                            "3000",
                            "--epochs",
                            "5",
                            "--threads",
                            "1",
                            "--seed",
                            "4",
                            "--strategy",
                            "grid",
                            "--space",
                            R"({"lr": [0.003, 0.01]})"};

// Each finished trial's best-model weights (SHA-256), by trial name.
std::map<std::string, std::string> trialWeights(const std::string& store) {
    std::map<std::string, std::string> out;
    auto s = studio::openRunStore(store);
    if (!s) qFatal("%s", s.error().what().c_str());
    const auto runs = (*s)->runs();  // held: a range-for over *temporary would dangle
    for (const studio::RunRecord& r : *runs) {
        auto file = (*s)->localFile(r.id, r.bestModelPath);
        if (!file) qFatal("%s", file.error().what().c_str());
        out[r.name] = studio::weightsSha256(studio::loadModelFile(*file)->model);
    }
    return out;
}

QProcess* startWorker(const QStringList& args, QObject* parent) {
    auto* p = new QProcess(parent);
    p->start(qEnvironmentVariable("STUDIO_CLI"), QStringList{"worker"} + args);
    return p;
}

// Reads the worker's stdout until `marker` shows.
QString waitFor(QProcess& p, const QString& marker, QString out = {}) {
    QElapsedTimer t;
    t.start();
    while (!out.contains(marker) && t.elapsed() < 120000 && p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(50);
        out += QString::fromUtf8(p.readAllStandardOutput());
    }
    return out + QString::fromUtf8(p.readAllStandardOutput());
}

}  // namespace

class CliWorkersTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::map<std::string, std::string> m_reference;  // the uninterrupted weights of kSweep's trials

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // The reference: the same sweep trained straight through by one process.
        const QString store = m_dir.filePath("reference.sqlite");
        const Run r = cli(kSweep + QStringList{"--store", store});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        m_reference = trialWeights(store.toStdString());
        QCOMPARE(m_reference.size(), std::size_t(2));
    }

    void threeWorkersShareNineTrials() {
        REQUIRE_POSTGRES();
        const QString url = freshPostgresUrl();
        const Run queued = cli({"sweep", "--store", url, "--dataset", "shapes", "--model", "lenet", "--samples", "1200",
                                "--epochs", "3", "--strategy", "grid", "--enqueue-only", "--space",
                                R"({"lr": [0.001, 0.003, 0.01], "batch_size": [32, 64, 128]})"});
        QVERIFY2(queued.exitCode == 0, qPrintable(queued.err));
        QVERIFY2(queued.out.contains("9 trials queued"), qPrintable(queued.out));
        QVERIFY(!queued.out.contains("studio-test"));  // the password is never printed

        QObject owner;
        std::vector<QProcess*> workers;
        for (int i = 0; i < 3; ++i) workers.push_back(startWorker({"--store", url, "--threads", "1"}, &owner));
        std::set<QString> claimedBy;
        for (QProcess* w : workers) {
            QVERIFY(w->waitForFinished(300000));
            const QString out = QString::fromUtf8(w->readAllStandardOutput());
            QVERIFY2(w->exitCode() == 0, qPrintable(out + w->readAllStandardError()));
            QVERIFY2(out.contains("no trial is left"), qPrintable(out));
        }

        const Run list = cli({"runs", "list", "--store", url, "--json"});
        const QJsonArray runs = list.lastJson()["runs"].toArray();
        QCOMPARE(runs.size(), 9);
        std::set<QString> workerNames;
        auto store = studio::openRunStore(url.toStdString());
        QVERIFY(store.ok());
        for (const auto& v : runs) {
            const QJsonObject r = v.toObject();
            QCOMPARE(r["status"].toString(), QString("finished"));
            QCOMPARE(r["attempts"].toInt(), 1);  // each trial ran exactly once
            QCOMPARE(r["epochs"].toInt(), 3);
            workerNames.insert(r["worker"].toString());
            // Exactly one run's worth of metrics: 3 epochs, and the steps of 3 epochs.
            const auto id = static_cast<std::int64_t>(r["run_id"].toInteger());
            const int batch = r["options"].toObject()["batch_size"].toInt();
            QCOMPARE((*store)->epochs(id)->size(), std::size_t(3));
            QCOMPARE((*store)->batches(id)->size(), std::size_t(3 * ((960 + batch - 1) / batch)));
        }
        QVERIFY2(workerNames.size() >= 2, "the trials were not shared among the workers");
        QCOMPARE((*store)->sweeps()->front().status, std::string("finished"));
    }

    void aKilledWorkersTrialFinishesWithTheSameWeights() {
        REQUIRE_POSTGRES();
        const std::string url = freshPostgresUrl().toStdString();
        const QString qurl = QString::fromStdString(url);
        QVERIFY(cli(kSweep + QStringList{"--store", qurl, "--enqueue-only"}).exitCode == 0);

        QObject owner;
        QProcess* doomed = startWorker({"--store", qurl, "--threads", "1", "--lease", "2"}, &owner);
        const QString before = waitFor(*doomed, "epoch 2/5");
        QVERIFY2(before.contains("epoch 2/5"), qPrintable(before));
        // The worker prints an epoch as it ends; its recorder writes the checkpoint beside the
        // training. Under load (CI's two cores, a parallel test) that write can lag the next
        // epoch's line, and a kill before it leaves nothing to resume from (the heir then starts
        // over, correctly). This test is about resuming: it kills once the store holds one.
        const QRegularExpressionMatch claimed = QRegularExpression("run (\\d+) \\(").match(before);
        QVERIFY2(claimed.hasMatch(), qPrintable(before));
        const std::int64_t doomedRun = claimed.captured(1).toLongLong();
        {
            auto store = studio::openRunStore(url);
            QVERIFY(store.ok());
            QElapsedTimer waited;
            waited.start();
            auto kept = (*store)->checkpoints(doomedRun);
            while (kept.ok() && kept->empty() && waited.elapsed() < 60000) {
                QThread::msleep(20);
                kept = (*store)->checkpoints(doomedRun);
            }
            QVERIFY2(kept.ok() && !kept->empty(), "no checkpoint of the doomed worker's trial reached the store");
        }
        QCOMPARE(doomed->state(), QProcess::Running);  // still mid-trial
        doomed->kill();  // SIGKILL mid-trial: no heartbeat, no release, no flush
        QVERIFY(doomed->waitForFinished());
        QCOMPARE(doomed->exitStatus(), QProcess::CrashExit);

        // Another worker waits out the lease, then resumes the trial from its checkpoint.
        QProcess* heir = startWorker({"--store", qurl, "--threads", "2", "--lease", "2"}, &owner);
        QVERIFY(heir->waitForFinished(300000));
        const QString out = QString::fromUtf8(heir->readAllStandardOutput());
        QVERIFY2(heir->exitCode() == 0, qPrintable(out + heir->readAllStandardError()));
        QVERIFY2(out.contains("resumed from epoch") && out.contains("(attempt 2)"), qPrintable(out));

        const auto weights = trialWeights(url);
        QCOMPARE(weights.size(), std::size_t(2));
        QVERIFY(weights == m_reference);
        auto store = studio::openRunStore(url);
        const auto runs = (*store)->runs();
        for (const studio::RunRecord& r : *runs) {
            QCOMPARE(r.status, studio::RunStatus::Finished);
            QCOMPARE((*store)->epochs(r.id)->size(), std::size_t(5));  // no epoch twice, none lost
        }
    }

    void sigtermGivesTheTrialBack() {
        REQUIRE_POSTGRES();
        const std::string url = freshPostgresUrl().toStdString();
        const QString qurl = QString::fromStdString(url);
        QVERIFY(cli(kSweep + QStringList{"--store", qurl, "--enqueue-only"}).exitCode == 0);
        QObject owner;
        QProcess* preempted = startWorker({"--store", qurl, "--threads", "1"}, &owner);
        QString out = waitFor(*preempted, "epoch 1/5");
        preempted->terminate();  // SIGTERM, as Slurm sends before a preemption
        QVERIFY(preempted->waitForFinished(10000));
        out += QString::fromUtf8(preempted->readAllStandardOutput());
        QCOMPARE(preempted->exitStatus(), QProcess::NormalExit);
        QCOMPARE(preempted->exitCode(), 0);
        QVERIFY2(out.contains("given back to the queue"), qPrintable(out));
        {
            auto store = studio::openRunStore(url);
            const studio::RunRecord first = (*store)->runs()->front();
            QCOMPARE(first.status, studio::RunStatus::Queued);
            QVERIFY(!(*store)->checkpoints(first.id)->empty());
        }
        // Claimed at once (no lease to wait out) and resumed from the checkpoint it left.
        QProcess* next = startWorker({"--store", qurl, "--threads", "1"}, &owner);
        QVERIFY(next->waitForFinished(300000));
        const QString rest = QString::fromUtf8(next->readAllStandardOutput());
        QVERIFY2(rest.contains("resumed from epoch"), qPrintable(rest));
        QVERIFY(trialWeights(url) == m_reference);
    }

    void workersSurviveADatabaseRestart() {
        REQUIRE_POSTGRES();
        const std::string url = freshPostgresUrl().toStdString();
        const QString qurl = QString::fromStdString(url);
        QVERIFY(cli(kSweep + QStringList{"--store", qurl, "--enqueue-only"}).exitCode == 0);
        QObject owner;
        QProcess* a = startWorker({"--store", qurl, "--threads", "1"}, &owner);
        QProcess* b = startWorker({"--store", qurl, "--threads", "1"}, &owner);
        const QString early = waitFor(*a, "epoch 1/5");
        QVERIFY2(early.contains("epoch 1/5"), qPrintable(early));
        QElapsedTimer down;
        down.start();
        postgresServer("restart");  // every connection drops; the server is back in about a second
        qInfo("database restarted mid-trial in %lld ms", static_cast<long long>(down.elapsed()));
        for (QProcess* w : {a, b}) {
            QVERIFY(w->waitForFinished(300000));
            QVERIFY2(w->exitCode() == 0, w->readAllStandardError().constData());
        }
        // Both trials finished, each once, with the weights of an undisturbed sweep.
        auto store = studio::openRunStore(url);
        const auto runs = (*store)->runs();
        for (const studio::RunRecord& r : *runs) {
            QCOMPARE(r.status, studio::RunStatus::Finished);
            QCOMPARE(r.attempts, 1);
            QCOMPARE((*store)->epochs(r.id)->size(), std::size_t(5));
        }
        QVERIFY(trialWeights(url) == m_reference);
    }

    void badStoresAreOneClearLine_data() {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wrong password") << "WRONG_PASSWORD"
                                        << "password authentication failed";
        QTest::newRow("unreachable host") << "postgresql://studio@127.0.0.1:1/runs"
                                          << "refused";
        QTest::newRow("unknown sweep") << "UNKNOWN_SWEEP"
                                       << "no sweep 42";
    }
    void badStoresAreOneClearLine() {
        REQUIRE_POSTGRES();
        QFETCH(QString, url);
        QFETCH(QString, expected);
        QStringList extra;
        if (url == "WRONG_PASSWORD") url = freshPostgresUrl().replace(":studio-test@", ":not-it@");
        if (url == "UNKNOWN_SWEEP") {
            url = freshPostgresUrl();
            extra = {"--sweep", "42"};
        }
        const Run r = cli(QStringList{"worker", "--store", url} + extra, 60000);
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY2(!r.err.contains("not-it") && !r.err.contains("studio-test"), qPrintable(r.err));
    }

    void ashaCannotBeLeftToWorkers() {
        const Run r = cli({"sweep", "--store", m_dir.filePath("asha.sqlite"), "--dataset", "shapes", "--model", "lenet",
                           "--strategy", "asha", "--enqueue-only", "--space", R"({"lr": [0.001, 0.01]})"});
        QCOMPARE(r.exitCode, 2);  // a usage mistake
        QVERIFY2(r.err.contains("asha") && r.err.contains("--enqueue-only"), qPrintable(r.err));
    }

    void workersShareASqliteStoreOnOneMachine() {
        const QString store = m_dir.filePath("local.sqlite");
        QVERIFY(cli(kSweep + QStringList{"--store", store, "--enqueue-only"}).exitCode == 0);
        QObject owner;
        QProcess* a = startWorker({"--store", store, "--threads", "1"}, &owner);
        QProcess* b = startWorker({"--store", store, "--threads", "1"}, &owner);
        QVERIFY(a->waitForFinished(300000) && b->waitForFinished(300000));
        QCOMPARE(a->exitCode(), 0);
        QCOMPARE(b->exitCode(), 0);
        QVERIFY(trialWeights(store.toStdString()) == m_reference);
    }
};

QTEST_GUILESS_MAIN(CliWorkersTest)
#include "tst_cli_workers.moc"
