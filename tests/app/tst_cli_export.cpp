// training-studio-cli export as scripts use it: a trained model exported and verified on its own
// test split (found from the model file, no --dataset needed), the JSON keys, the file written
// only after the parity check passes; a model whose activations overflow fails the check, exits 1
// and leaves an older OUT.onnx as it was; every mistake is one stderr line naming the file or option.

#include <QtTest>

#include "cli_process.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>

#include "engine/io/model_file.h"

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace

class CliExportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("lenet.tsmodel");
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "800", "--model", "lenet", "--epochs", "1",
                           "--save", m_model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void helpIsListed() {
        QVERIFY(cli({"--help"}).out.contains("export"));
        const Run h = cli({"export", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Usage: training-studio-cli export"));
    }

    void jsonReportsAPassedParity() {
        const QString onnx = m_dir.filePath("lenet.onnx");
        const Run r = cli({"export", "--model", m_model, "--onnx", onnx, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        for (const char* key : {"top1_agreement", "max_abs_diff", "images", "opset", "passed", "path"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["passed"].toBool(), true);
        QCOMPARE(j["written"].toBool(), true);
        QCOMPARE(j["path"].toString(), onnx);
        QCOMPARE(j["opset"].toInt(), 13);
        QCOMPARE(j["images"].toInt(), 80);   // shapes has no official test set: the 10% test split of 800
        QVERIFY(j["checked_on"].toString().contains("test split"));
        QVERIFY(j["max_abs_diff"].toDouble() <= 1e-4);
        QVERIFY(j["top1_agreement"].toDouble() >= 0.99);
        const QByteArray bytes = readAll(onnx);
        QCOMPARE(bytes.size(), j["bytes"].toInt());
        QVERIFY(bytes.contains("class_names"));      // metadata_props
        QVERIFY(bytes.contains("training_summary"));
    }

    void textNamesTheFigures() {
        const QString onnx = m_dir.filePath("text.onnx");
        const Run r = cli({"export", "--model", m_model, "--onnx", onnx});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("top-1 agreement"));
        QVERIFY(r.out.contains("max |Δp|"));
        QVERIFY(r.out.contains("Parity passed"));
        QVERIFY(r.out.contains("wrote " + onnx));
        QVERIFY(QFile::exists(onnx));
    }

    // A model whose activations overflow float32 gives non-finite probabilities: the check fails,
    // the exit code is 1 and an older file at OUT is left as it was.
    void failedParityIsNotWritten() {
        auto snapshot = studio::loadModelFile(m_model.toStdString());
        QVERIFY(snapshot.ok());
        for (studio::Param* p : snapshot->model.params())
            if (p->name == "weight")
                for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] *= 1e30f;
        const QString broken = m_dir.filePath("overflow.tsmodel");
        QVERIFY(studio::saveModelFile(broken.toStdString(), *snapshot).ok());
        const QString onnx = m_dir.filePath("older.onnx");
        {
            QFile f(onnx);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("the older file");
        }
        const Run r = cli({"export", "--model", broken, "--onnx", onnx, "--json"});
        QCOMPARE(r.exitCode, 1);
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["passed"].toBool(), false);
        QCOMPARE(j["written"].toBool(), false);
        QVERIFY(r.err.contains("FAILED"));
        QVERIFY(r.err.contains("was not written"));
        QCOMPARE(r.errLines().size(), 1);
        QCOMPARE(readAll(onnx), QByteArray("the older file"));
    }

    void mistakesAreOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("no --onnx") << QStringList{"export", "--model", "M"} << 2 << "--onnx";
        QTest::newRow("no --model") << QStringList{"export", "--onnx", "x.onnx"} << 2 << "--model";
        QTest::newRow("missing model") << QStringList{"export", "--model", "/nonexistent/m.tsmodel", "--onnx", "x.onnx"}
                                       << 1 << "/nonexistent/m.tsmodel";
        QTest::newRow("unknown option") << QStringList{"export", "--modle", "m"} << 2 << "--modle";
    }
    void mistakesAreOneLine() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, mentions);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(mentions), qPrintable(r.err));
    }

    void dataThatDoNotFitAreRefused() {
        const QString onnx = m_dir.filePath("spirals.onnx");
        const Run r = cli({"export", "--model", m_model, "--onnx", onnx, "--dataset", "spirals"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("spirals"), qPrintable(r.err));
        QVERIFY(!QFile::exists(onnx));
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_GUILESS_MAIN(CliExportTest)
#include "tst_cli_export.moc"
