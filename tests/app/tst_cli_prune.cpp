// training-studio-cli prune as a script uses it: a small lenet trained on `shapes`, then
// unstructured pruning (the saved file has the asked zeros, they survive a second prune and
// fine-tune, `evaluate` agrees with the accuracy prune printed), structured pruning (a smaller
// model, its batch-1 latency measured), the text report, and one clear stderr line with a
// non-zero exit and no file written for every mistake.

#include <QtTest>

#include "cli_process.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>

#include "engine/deploy/pruning.h"
#include "engine/io/model_file.h"

namespace {

double weightSparsityOf(const QString& path) {
    auto snapshot = studio::loadModelFile(path.toStdString());
    if (!snapshot) qFatal("%s", snapshot.error().what().c_str());
    return studio::overallSparsity(snapshot->model);
}

}  // namespace

class CliPruneTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_base = m_dir.filePath("base.tsmodel");
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "1600", "--model", "lenet", "--epochs", "2",
                           "--store", m_dir.filePath("runs.sqlite"), "--save", m_base, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(weightSparsityOf(m_base), 0.0);
    }

    void unstructuredPruneWritesTheZeros() {
        const QString out = m_dir.filePath("sparse.tsmodel");
        const Run r = cli({"prune", "--model", m_base, "--sparsity", "0.6", "--fine-tune-epochs", "1", "--out", out,
                           "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["structured"].toBool(), false);
        QCOMPARE(j["scope"].toString(), QString("global"));
        QCOMPARE(j["from"].toString(), m_base);
        QCOMPARE(j["params_after"].toInteger(), j["params_before"].toInteger());
        QVERIFY(j["nonzero_params_after"].toInteger() < j["params_after"].toInteger());
        for (const char* key : {"accuracy_before", "accuracy_pruned", "accuracy_fine_tuned"})
            QVERIFY2(j[key].toDouble() > 0.3 && j[key].toDouble() <= 1.0, key);  // 8 classes: chance is 0.125
        // The file itself holds the zeros (to the count: 0.6 of the weights, rounded).
        const double sparsity = weightSparsityOf(out);
        QVERIFY2(std::fabs(sparsity - 0.6) < 1e-4, qPrintable(QString::number(sparsity)));
        QCOMPARE(j["weight_sparsity"].toDouble(), sparsity);
        QVERIFY(j["file_bytes"].toInteger() > 0);

        // evaluate rebuilds the same split and gets the accuracy prune reported.
        const Run e = cli({"evaluate", "--model", out, "--dataset", "shapes", "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(e.lastJson()["accuracy"].toDouble(), j["accuracy_fine_tuned"].toDouble());

        // Pruning that file again to a lower sparsity keeps its zeros through the fine-tune.
        const QString again = m_dir.filePath("again.tsmodel");
        const Run r2 = cli({"prune", "--model", out, "--sparsity", "0.3", "--per-layer", "--fine-tune-epochs", "1",
                            "--out", again, "--json"});
        QVERIFY2(r2.exitCode == 0, qPrintable(r2.err));
        QCOMPARE(r2.lastJson()["scope"].toString(), QString("per-layer"));
        QVERIFY(weightSparsityOf(again) >= sparsity);  // 30% per layer adds zeros where 0.6 globally left fewer
        auto first = studio::loadModelFile(out.toStdString());
        auto second = studio::loadModelFile(again.toStdString());
        QVERIFY(first.ok() && second.ok());
        const auto a = first->model.params();
        const auto b = second->model.params();
        QCOMPARE(a.size(), b.size());
        std::int64_t zeros = 0, changed = 0;
        for (std::size_t p = 0; p < a.size(); ++p)
            for (std::size_t e = 0; e < a[p]->value.size(); ++e) {
                if (a[p]->name == "weight" && a[p]->value.data()[e] == 0.0f) {
                    ++zeros;
                    QCOMPARE(b[p]->value.data()[e], 0.0f);
                }
                changed += a[p]->value.data()[e] != b[p]->value.data()[e] ? 1 : 0;
            }
        QVERIFY(zeros > 1000);
        QVERIFY(changed > 1000);  // the second fine-tune did train
    }

    void structuredPruneMakesASmallerFasterModel() {
        const QString out = m_dir.filePath("small.tsmodel");
        const Run r = cli({"prune", "--model", m_base, "--sparsity", "0.5", "--structured", "--fine-tune-epochs", "1",
                           "--out", out, "--latency-runs", "100", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["structured"].toBool(), true);
        // lenet: conv 6 and 16 filters, dense 120 and 84 units lose half; the 8 classes stay.
        QCOMPARE(j["removed_channels"].toInt(), 3 + 8 + 60 + 42);
        QVERIFY(j["params_after"].toInteger() < j["params_before"].toInteger() / 2);
        QVERIFY(j["latency_us_before"].toDouble() > 0.0 && j["latency_us_after"].toDouble() > 0.0);
        QVERIFY(j["file_bytes"].toInteger() < j["file_bytes_before"].toInteger());
        QVERIFY(j["accuracy_fine_tuned"].toDouble() > 0.3);

        auto snapshot = studio::loadModelFile(out.toStdString());
        QVERIFY(snapshot.ok());
        QCOMPARE(snapshot->model.paramCount(), j["params_after"].toInteger());
        QCOMPARE(snapshot->model.spec().layers[0].options["filters"].get<int>(), 3);
        QCOMPARE(snapshot->metrics["pruning"]["structured"].get<bool>(), true);
        QCOMPARE(QString::fromStdString(snapshot->metrics["pruning"]["from"].get<std::string>()), m_base);
        const Run e = cli({"evaluate", "--model", out, "--dataset", "shapes", "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(e.lastJson()["accuracy"].toDouble(), j["accuracy_fine_tuned"].toDouble());
    }

    void textReportWithoutFineTune() {
        const QString out = m_dir.filePath("text.tsmodel");
        const Run r = cli({"prune", "--model", m_base, "--sparsity", "0.5", "--fine-tune-epochs", "0", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Test accuracy") && r.out.contains("before") && r.out.contains("pruned") &&
                     r.out.contains("fine-tuned") && r.out.contains("Parameters:") && r.out.contains("Saved"),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains("fine-tune epoch"));
        QVERIFY(std::fabs(weightSparsityOf(out) - 0.5) < 1e-4);
    }

    void mistakesAreOneLineAndWriteNothing_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        const QString base = m_dir.filePath("base.tsmodel");
        QTest::newRow("sparsity 1") << QStringList{"--model", base, "--sparsity", "1", "--fine-tune-epochs", "0"}
                                    << "sparsity of 1 is outside [0, 1)";
        QTest::newRow("sparsity -0.5") << QStringList{"--model", base, "--sparsity", "-0.5", "--fine-tune-epochs", "0"}
                                       << "sparsity of -0.5 is outside [0, 1)";
        QTest::newRow("sparsity text") << QStringList{"--model", base, "--sparsity", "half", "--fine-tune-epochs", "0"}
                                       << "--sparsity";
        QTest::newRow("no epochs") << QStringList{"--model", base, "--sparsity", "0.5"} << "--fine-tune-epochs";
        QTest::newRow("missing model")
            << QStringList{"--model", m_dir.filePath("nope.tsmodel"), "--sparsity", "0.5", "--fine-tune-epochs", "0"}
            << "nope.tsmodel";
        QTest::newRow("structured per layer")
            << QStringList{"--model", base, "--sparsity", "0.5", "--structured", "--per-layer", "--fine-tune-epochs", "0"}
            << "--per-layer does not go with --structured";
        QTest::newRow("wrong dataset")
            << QStringList{"--model", base, "--sparsity", "0.5", "--fine-tune-epochs", "0", "--dataset", "spirals"}
            << "spirals";
    }
    void mistakesAreOneLineAndWriteNothing() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const QString out = m_dir.filePath("never.tsmodel");
        const Run r = cli(QStringList{"prune"} + args + QStringList{"--out", out});
        QVERIFY(r.exitCode > 0);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
    }

private:
    QTemporaryDir m_dir;
    QString m_base;
};

QTEST_GUILESS_MAIN(CliPruneTest)
#include "tst_cli_prune.moc"
