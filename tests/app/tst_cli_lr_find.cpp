// training-studio-cli lr-find as scripts use it: --json holds {"suggested_lr", "minimum_lr",
// "diverged", "steps", "curve": [[lr, loss]...], "smoothed"} with the rate rising by a constant
// ratio and the suggestion one of the curve's rates; the schema's option flags change the test
// (--optimizer sgd is another curve), the same command prints the same curve on any thread
// count, nothing lands in the run store, and each mistake is one stderr line naming the option.

#include <QtTest>

#include "cli_process.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cmath>

namespace {

const QStringList kShapes{"lr-find", "--dataset", "shapes", "--samples", "1200", "--model", "lenet", "--steps", "80"};

}  // namespace

class CliLrFindTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath("runs.sqlite");
        qputenv("TRAINING_STUDIO_STORE", m_store.toUtf8());
    }

    void helpIsListed() {
        QVERIFY(cli({"--help"}).out.contains("lr-find"));
        const Run h = cli({"lr-find", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Usage: training-studio-cli lr-find"));
        QVERIFY(h.out.contains("--optimizer"));  // the schema's flags
        QVERIFY(h.out.contains("--end-lr"));
    }

    void jsonHoldsTheCurveAndTheSuggestion() {
        const Run r = cli(kShapes + QStringList{"--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j.keys(), (QStringList{"curve", "diverged", "minimum_lr", "range", "smoothed", "steps", "suggested_lr"}));
        const QJsonArray curve = j["curve"].toArray();
        QCOMPARE(curve.size(), j["steps"].toInt());
        QCOMPARE(j["smoothed"].toArray().size(), curve.size());
        QVERIFY(curve.size() >= 10 && curve.size() <= 80);
        QVERIFY(j["diverged"].toBool() || curve.size() == 80);
        QCOMPARE(curve[0].toArray()[0].toDouble(), 1e-7);
        const double ratio = std::pow(10.0 / 1e-7, 1.0 / 79.0);
        bool suggestedIsOnTheCurve = false;
        const double suggested = j["suggested_lr"].toDouble();
        for (int i = 0; i < curve.size(); ++i) {
            const QJsonArray point = curve[i].toArray();
            QCOMPARE(point.size(), 2);
            QVERIFY(std::isfinite(point[1].toDouble()) && point[1].toDouble() > 0.0);
            if (i > 0) {
                const double step = point[0].toDouble() / curve[i - 1].toArray()[0].toDouble();
                QVERIFY2(std::abs(step / ratio - 1.0) < 1e-9, qPrintable(QString::number(step)));
            }
            suggestedIsOnTheCurve = suggestedIsOnTheCurve || point[0].toDouble() == suggested;
        }
        QVERIFY(suggestedIsOnTheCurve);
        QVERIFY2(suggested >= 1e-4 && suggested <= 3e-2, qPrintable(QString::number(suggested)));
        const QJsonArray range = j["range"].toArray();
        QVERIFY(range[0].toDouble() <= suggested && suggested <= range[1].toDouble());
        QVERIFY(!QFile::exists(m_store));  // a throwaway model: no run was recorded
    }

    void humanOutputNamesTheSuggestion() {
        const Run r = cli(kShapes);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("Suggested learning rate: "));
        QVERIFY(r.out.contains("<- suggested"));
        QVERIFY(r.out.contains("training-studio-cli train --dataset shapes --model lenet --lr "));
    }

    void optionFlagsShapeTheTestAndThreadsDoNot() {
        const Run one = cli(kShapes + QStringList{"--json", "--threads", "1"});
        const Run two = cli(kShapes + QStringList{"--json", "--threads", "2"});
        QVERIFY2(one.exitCode == 0 && two.exitCode == 0, qPrintable(one.err + two.err));
        QCOMPARE(one.lastJson(), two.lastJson());
        const Run sgd = cli(kShapes + QStringList{"--json", "--optimizer", "sgd", "--batch-size", "16"});
        QVERIFY2(sgd.exitCode == 0, qPrintable(sgd.err));
        QVERIFY(sgd.lastJson()["curve"] != one.lastJson()["curve"]);
        // Plain SGD needs larger rates than Adam to move at all.
        QVERIFY(sgd.lastJson()["suggested_lr"].toDouble() > one.lastJson()["suggested_lr"].toDouble());
    }

    void mistakesAreOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("names");
        QTest::newRow("no dataset") << QStringList{"lr-find", "--model", "lenet"} << "--dataset";
        QTest::newRow("no model") << QStringList{"lr-find", "--dataset", "shapes"} << "--model";
        QTest::newRow("end below start") << (kShapes + QStringList{"--start-lr", "0.1", "--end-lr", "0.01"})
                                         << "end rate";
        QTest::newRow("few steps") << (kShapes + QStringList{"--steps", "3"}) << "--steps";
        QTest::newRow("bad option") << (kShapes + QStringList{"--optimizer", "lion"}) << "optimizer";
        QTest::newRow("unknown flag") << (kShapes + QStringList{"--epoch", "3"}) << "--epoch";
    }
    void mistakesAreOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, names);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(names), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

private:
    QTemporaryDir m_dir;
    QString m_store;
};

QTEST_GUILESS_MAIN(CliLrFindTest)
#include "tst_cli_lr_find.moc"
