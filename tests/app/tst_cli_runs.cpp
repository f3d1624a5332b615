// The command line's runs: train --store/--name, a real kill -9 then --resume with the weights
// of a run never interrupted, a store that survives repeated kills, fork, sweep, runs
// list/show/compare/export/delete, and clear errors for bad stores and spaces.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <unistd.h>

#include "engine/train/option_schema.h"

namespace {

// cnn, not lenet: with oneDNN a lenet epoch on 3000 shapes is over before a kill can land in it.
const QStringList kTrain = {"train", "--dataset", "shapes", "--samples", "3000", "--model",
                            "cnn", "--epochs",  "4",      "--seed",    "5"};

}  // namespace

class CliRunsTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString store(const QString& name) const { return m_dir.filePath(name); }

    // Starts a training, waits for `marker` on stdout (or a random delay), kills it with SIGKILL.
    void killDuring(const QStringList& args, const QString& marker, int extraMs) {
        QProcess p;
        p.start(qEnvironmentVariable("STUDIO_CLI"), args);
        QVERIFY(p.waitForStarted());
        QString out;
        QElapsedTimer t;
        t.start();
        while (!out.contains(marker) && t.elapsed() < 120000) {
            p.waitForReadyRead(50);
            out += QString::fromUtf8(p.readAllStandardOutput());
        }
        QVERIFY2(out.contains(marker), qPrintable(out));
        QTest::qWait(extraMs);
        p.kill();  // SIGKILL: no destructor, no flush
        p.waitForFinished();
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void trainRecordsARunWithItsName() {
        const Run r = cli(QStringList{"train", "--dataset", "spirals", "--samples", "400", "--model", "mlp", "--epochs",
                                      "2", "--store", store("a.sqlite"), "--name", "first try", "--json"});
        QCOMPARE(r.exitCode, 0);
        const qint64 id = r.lastJson()["run_id"].toInteger();
        QVERIFY(id > 0);
        const Run list = cli({"runs", "list", "--store", store("a.sqlite"), "--json"});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray runs = list.lastJson()["runs"].toArray();
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs[0].toObject()["run_id"].toInteger(), id);
        QCOMPARE(runs[0].toObject()["name"].toString(), QString("first try"));
        QCOMPARE(runs[0].toObject()["status"].toString(), QString("finished"));
        QCOMPARE(runs[0].toObject()["epochs"].toInt(), 2);
        QCOMPARE(runs[0].toObject()["options"].toObject()["samples"].toInt(), 400);
        QVERIFY(runs[0].toObject()["val_accuracy"].toDouble() > 0);
    }

    void killedRunResumesBitIdentical() {
        const Run straight = cli(kTrain + QStringList{"--threads", "1", "--store", store("k.sqlite"), "--json"});
        QCOMPARE(straight.exitCode, 0);
        const QString expected = straight.lastJson()["weights_sha256"].toString();
        QCOMPARE(expected.size(), 64);

        killDuring(kTrain + QStringList{"--threads", "1", "--store", store("k.sqlite")}, "epoch 2/4", 400);
        const Run list = cli({"runs", "list", "--store", store("k.sqlite"), "--json"});
        QCOMPARE(list.exitCode, 0);
        const QJsonObject killed = list.lastJson()["runs"].toArray().last().toObject();
        QCOMPARE(killed["status"].toString(), QString("interrupted"));  // its process is gone
        QVERIFY(killed["epochs"].toInt() >= 2);
        const QString id = QString::number(killed["run_id"].toInteger());

        const Run resumed = cli({"train", "--resume", id, "--store", store("k.sqlite"), "--threads", "2", "--json"});
        QCOMPARE(resumed.exitCode, 0);
        QVERIFY2(resumed.out.contains("Resuming run " + id), qPrintable(resumed.out));
        QCOMPARE(resumed.lastJson()["weights_sha256"].toString(), expected);
        QCOMPARE(resumed.lastJson()["run_id"].toInteger(), id.toLongLong());
        QCOMPARE(resumed.lastJson()["epochs"].toInt(), 4);

        // Train it further, and refuse options that would change it.
        const Run more = cli({"train", "--resume", id, "--store", store("k.sqlite"), "--epochs", "5", "--json"});
        QCOMPARE(more.exitCode, 0);
        QCOMPARE(more.lastJson()["epochs"].toInt(), 5);
        const Run changed = cli({"train", "--resume", id, "--store", store("k.sqlite"), "--lr", "0.1"});
        QCOMPARE(changed.exitCode, 2);  // a usage mistake
        QVERIFY(changed.err.contains("fork"));
    }

    void storeSurvivesRepeatedKills() {
        // Long enough (12 epochs) that every kill lands mid-run, at a random moment.
        QStringList longer = kTrain;
        longer[longer.indexOf("--epochs") + 1] = "12";
        const Run straight =
            cli(longer + QStringList{"--threads", "1", "--store", store("many-straight.sqlite"), "--json"});
        QCOMPARE(straight.exitCode, 0);
        QRandomGenerator rng(42);
        // The first kill lands after an epoch (so some run can resume, however slow the build:
        // a sanitizer's), the others at random moments from the start.
        for (int i = 0; i < 6; ++i)
            killDuring(longer + QStringList{"--threads", "1", "--store", store("many.sqlite")},
                       i == 0 ? "epoch  1/12" : "Run ", int(rng.bounded(50, 2500)));
        const Run list = cli({"runs", "list", "--store", store("many.sqlite"), "--json"});
        QCOMPARE(list.exitCode, 0);
        const QJsonArray runs = list.lastJson()["runs"].toArray();
        QCOMPARE(runs.size(), 6);  // every killed run is still there …
        int resumed = 0;
        for (const auto& v : runs) {
            const QJsonObject r = v.toObject();
            QCOMPARE(r["status"].toString(), QString("interrupted"));  // … and known to be interrupted
            // Two of them go on to the end, with the weights of the run never killed.
            if (r["epochs"].toInt() == 0 || resumed == 2) continue;
            const Run again = cli({"train", "--resume", QString::number(r["run_id"].toInteger()), "--store",
                                   store("many.sqlite"), "--json"});
            QVERIFY2(again.exitCode == 0, qPrintable(again.err));
            QCOMPARE(again.lastJson()["epochs"].toInt(), 12);
            QCOMPARE(again.lastJson()["weights_sha256"].toString(), straight.lastJson()["weights_sha256"].toString());
            ++resumed;
        }
        QVERIFY(resumed > 0);
    }

    void forkShowsItsParent() {
        const Run parent = cli({"train", "--dataset", "spirals", "--samples", "400", "--model", "mlp", "--epochs", "3",
                                "--store", store("f.sqlite"), "--json"});
        QCOMPARE(parent.exitCode, 0);
        const QString pid = QString::number(parent.lastJson()["run_id"].toInteger());
        const Run fork = cli(
            {"fork", pid, "--epoch", "2", "--lr", "0.0005", "--epochs", "5", "--store", store("f.sqlite"), "--json"});
        QCOMPARE(fork.exitCode, 0);
        const QString fid = QString::number(fork.lastJson()["run_id"].toInteger());
        QCOMPARE(fork.lastJson()["epochs"].toInt(), 5);
        const Run show = cli({"runs", "show", fid, "--store", store("f.sqlite"), "--json"});
        const QJsonObject j = show.lastJson();
        QCOMPARE(j["parent"].toObject()["run_id"].toInteger(), pid.toLongLong());
        QCOMPARE(j["parent"].toObject()["epoch"].toInt(), 2);
        QCOMPARE(j["epoch_metrics"].toArray().size(), 5);
        const Run compare = cli({"runs", "compare", pid, fid, "--store", store("f.sqlite")});
        QCOMPARE(compare.exitCode, 0);
        QVERIFY2(compare.out.contains("* lr"), qPrintable(compare.out));
        QVERIFY(compare.out.contains("* epochs"));
        const Run bad = cli({"fork", pid, "--epoch", "2", "--seed", "9", "--store", store("f.sqlite")});
        QCOMPARE(bad.exitCode, 2);  // a usage mistake
        QVERIFY(bad.err.contains("seed"));
    }

    void gridSweepFromTheCommandLine() {
        const Run r = cli({"sweep", "--dataset", "spirals", "--samples", "400", "--model", "mlp", "--epochs", "2",
                           "--space", R"({"lr": [0.001, 0.01], "batch_size": [32, 64]})", "--strategy", "grid",
                           "--concurrency", "2", "--store", store("s.sqlite"), "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject j = r.lastJson();
        QVERIFY(j["sweep_id"].toInteger() > 0);
        QVERIFY(j["best_run_id"].toInteger() > 0);
        const QJsonArray runs = j["runs"].toArray();
        QCOMPARE(runs.size(), 4);
        for (const auto& v : runs) {
            const QJsonObject run = v.toObject();
            QCOMPARE(run["status"].toString(), QString("finished"));
            QVERIFY(run["options"].toObject()["lr"].isDouble());
            QCOMPARE(run["epochs"].toInt(), 2);
        }
        QCOMPARE(r.out.count("started"), 4);
        const Run list = cli({"runs", "list", "--store", store("s.sqlite"), "--json"});
        for (const auto& run : list.lastJson()["runs"].toArray())
            QCOMPARE(run.toObject()["sweep_id"].toInteger(), j["sweep_id"].toInteger());
    }

    void exportAndDelete() {
        const Run train = cli({"train", "--dataset", "spirals", "--samples", "300", "--model", "mlp", "--epochs", "1",
                               "--store", store("e.sqlite"), "--name", "=HYPERLINK(\"x\")", "--json"});
        QCOMPARE(train.exitCode, 0);
        const QString csv = m_dir.filePath("runs.csv");
        QCOMPARE(cli({"runs", "export", "--csv", csv, "--store", store("e.sqlite")}).exitCode, 0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY(lines[0].startsWith("run_id,name,status"));
        QVERIFY(lines[0].contains(",lr,"));
        QVERIFY2(lines[1].contains("'=HYPERLINK"), qPrintable(lines[1]));  // not run as a formula
        const QString id = QString::number(train.lastJson()["run_id"].toInteger());
        QCOMPARE(cli({"runs", "delete", id, "--store", store("e.sqlite")}).exitCode, 0);
        QCOMPARE(cli({"runs", "list", "--store", store("e.sqlite"), "--json"}).lastJson()["runs"].toArray().size(), 0);
        QVERIFY(!QDir(m_dir.filePath("e.runs/run-" + id)).exists());
    }

    void mistakesAreOneClearLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QFile text(m_dir.filePath("notes.txt"));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write(QByteArray(200, 'x'));
        text.close();
        const QStringList base{"--dataset", "spirals", "--model", "mlp", "--epochs", "1"};
        QTest::newRow("store is not a database")
            << (QStringList{"train"} + base + QStringList{"--store", m_dir.filePath("notes.txt")}) << "notes.txt";
        QTest::newRow("unknown space option")
            << (QStringList{"sweep"} + base + QStringList{"--space", R"({"lrate": [1]})", "--store", store("x.sqlite")})
            << "lrate";
        QTest::newRow("empty space") << (QStringList{"sweep"} + base +
                                         QStringList{"--space", "{}", "--store", store("x.sqlite")})
                                     << "empty";
        QTest::newRow("out of range in space")
            << (QStringList{"sweep"} + base + QStringList{"--space", R"({"lr": [50]})", "--store", store("x.sqlite")})
            << "'lr' is 50";
        QTest::newRow("no such run") << QStringList{"train", "--resume", "999", "--store", store("x.sqlite")}
                                     << "no run 999";
        QTest::newRow("save folder missing")
            << (QStringList{"train"} + base +
                QStringList{"--save", "/nonexistent/m.tsmodel", "--store", store("x.sqlite")})
            << "/nonexistent";
        QTest::newRow("option out of range")
            << (QStringList{"train"} + base + QStringList{"--lr", "50"}) << "--lr is 50";
    }
    void mistakesAreOneClearLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const Run r = cli(args);
        QVERIFY2(r.exitCode == 1 || r.exitCode == 2, qPrintable(r.err));
        QCOMPARE(r.err.split('\n', Qt::SkipEmptyParts).size(), 1);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
    }

    void fullDiskIsAClearMessageAndTheStoreStaysReadable() {
        // A 512 KiB tmpfs: a lenet checkpoint (about 700 KiB) cannot fit. Needs root to mount.
        const QString mount = m_dir.filePath("full");
        QDir().mkpath(mount);
        if (::geteuid() != 0 || QProcess::execute("mount", {"-t", "tmpfs", "-o", "size=512k", "tmpfs", mount}) != 0)
            QSKIP("mounting a small tmpfs needs root");
        const QString s = mount + "/runs.sqlite";
        const Run r = cli(
            {"train", "--dataset", "shapes", "--samples", "600", "--model", "lenet", "--epochs", "2", "--store", s});
        const Run list = cli({"runs", "list", "--store", s, "--json"});
        QProcess::execute("umount", {mount});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains("full") && r.err.contains(mount), qPrintable(r.err));
        QCOMPARE(list.exitCode, 0);  // what was recorded before the disk filled is still there
        QCOMPARE(list.lastJson()["runs"].toArray().size(), 1);
    }

    void helpListsEverySchemaOption() {
        const Run r = cli({"train", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const auto& o : studio::optionSchema())
            QVERIFY2(r.out.contains(QString::fromStdString(o.flag() + " ")), o.key.c_str());
    }
};

QTEST_GUILESS_MAIN(CliRunsTest)
#include "tst_cli_runs.moc"
