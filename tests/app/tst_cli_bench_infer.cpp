// training-studio-cli bench-infer as scripts use it: --json holds exactly {"model", "results":
// [{"batch", "threads", "latency_us", "samples_per_s"}]} for every (threads, batch) asked for,
// the table names every pair, and each mistake is one stderr line naming the option or file.

#include <QtTest>

#include "cli_process.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

class CliBenchInferTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("mlp.tsmodel");
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "400", "--model", "mlp", "--epochs", "1",
                           "--save", m_model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void helpIsListed() {
        QVERIFY(cli({"--help"}).out.contains("bench-infer"));
        const Run h = cli({"bench-infer", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Usage: training-studio-cli bench-infer"));
    }

    void jsonHoldsEveryPair() {
        const Run r = cli({"bench-infer", "--model", m_model, "--batch", "1,8,32", "--threads", "1,2", "--min-time",
                           "0.02", "--min-runs", "3", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j.keys(), (QStringList{"model", "results"}));
        QCOMPARE(j["model"].toString(), m_model);
        const QJsonArray results = j["results"].toArray();
        QCOMPARE(results.size(), 6);
        int i = 0;
        for (int threads : {1, 2})
            for (int batch : {1, 8, 32}) {
                const QJsonObject row = results[i++].toObject();
                QCOMPARE(row.keys(), (QStringList{"batch", "latency_us", "samples_per_s", "threads"}));
                QCOMPARE(row["batch"].toInt(), batch);
                QCOMPARE(row["threads"].toInt(), threads);
                const double latency = row["latency_us"].toDouble();
                const double rate = row["samples_per_s"].toDouble();
                QVERIFY(latency > 0.0);
                QVERIFY2(std::abs(rate * latency / 1e6 - batch) < 1e-6 * batch, qPrintable(QString::number(rate)));
            }
    }

    void defaultsAreFourBatchesOnOneAndAllThreads() {
        const Run r = cli({"bench-infer", "--model", m_model, "--min-time", "0", "--min-runs", "2", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray results = r.lastJson()["results"].toArray();
        QCOMPARE(results.size(), 8);
        QCOMPARE(results[3].toObject()["batch"].toInt(), 256);
        QCOMPARE(results[0].toObject()["threads"].toInt(), 1);
        QCOMPARE(results[4].toObject()["threads"].toInt(), QThread::idealThreadCount());
    }

    void tableNamesEveryPair() {
        const Run r = cli({"bench-infer", "--model", m_model, "--batch", "2,4", "--threads", "1", "--min-time", "0"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("latency (us)"));
        QVERIFY(r.out.contains(m_model));
        QCOMPARE(r.out.split('\n', Qt::SkipEmptyParts).size(), 4);  // name, header, two rows
    }

    void mistakesAreOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<int>("exitCode");
        QTest::newRow("no model") << QStringList{"bench-infer"} << "--model" << 2;
        QTest::newRow("missing file") << QStringList{"bench-infer", "--model", "/nonexistent/m.tsmodel"}
                                      << "/nonexistent/m.tsmodel" << 1;
        QTest::newRow("batch 0") << QStringList{"bench-infer", "--model", "M", "--batch", "1,0"} << "--batch" << 2;
        QTest::newRow("batch words") << QStringList{"bench-infer", "--model", "M", "--batch", "one"} << "'one'" << 2;
        QTest::newRow("threads -2") << QStringList{"bench-infer", "--model", "M", "--threads", "-2"} << "--threads"
                                    << 2;
    }
    void mistakesAreOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        QFETCH(int, exitCode);
        args.replaceInStrings(QRegularExpression("^M$"), m_model);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.errLines().size() == 1, qPrintable(r.err));
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_GUILESS_MAIN(CliBenchInferTest)
#include "tst_cli_bench_infer.moc"
