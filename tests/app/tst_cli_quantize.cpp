// training-studio-cli quantize as scripts use it: an INT8 file a fraction of the float one's size
// whose predictions agree with float, which evaluate and predict accept like any model, and
// each mistake (no calibration images, an unknown method, a missing model) one stderr line.

#include <QtTest>

#include "cli_process.h"

#include <QFileInfo>
#include <QJsonObject>
#include <QTemporaryDir>

class CliQuantizeTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath("lenet.tsmodel");
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "1600", "--model", "lenet", "--epochs", "3",
                           "--save", m_model});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void helpIsListed() {
        QVERIFY(cli({"--help"}).out.contains("quantize"));
        const Run h = cli({"quantize", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Usage: training-studio-cli quantize"));
        QVERIFY(h.out.contains("--calibration-method minmax|percentile"));
    }

    void quantizesAndReports_data() {
        QTest::addColumn<QString>("method");
        QTest::newRow("percentile") << "percentile";
        QTest::newRow("minmax") << "minmax";
    }
    void quantizesAndReports() {
        QFETCH(QString, method);
        const QString out = m_dir.filePath("int8-" + method + ".tsmodel");
        const Run r = cli({"quantize", "--model", m_model, "--calibration", "200", "--calibration-method", method,
                           "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["calibration_samples"].toInt(), 200);
        QCOMPARE(j["calibration_method"].toString(), method);
        QVERIFY(j["test_samples"].toInt() > 0);
        const double floatAccuracy = j["float_accuracy"].toDouble(), int8Accuracy = j["int8_accuracy"].toDouble();
        QVERIFY2(floatAccuracy > 0.5, qPrintable(QString::number(floatAccuracy)));
        QVERIFY2(std::abs(int8Accuracy - floatAccuracy) < 0.03, qPrintable(QString::number(int8Accuracy)));
        QVERIFY(j["top1_agreement"].toDouble() >= 0.97);
        // The sizes printed are the files' sizes, and the INT8 one is under 30% of the float one.
        QCOMPARE(j["float_file_bytes"].toInteger(), QFileInfo(m_model).size());
        QCOMPARE(j["int8_file_bytes"].toInteger(), QFileInfo(out).size());
        QVERIFY2(j["file_size_ratio"].toDouble() <= 0.30, qPrintable(QString::number(j["file_size_ratio"].toDouble())));

        // evaluate takes the INT8 file like any model, and gets the accuracy quantize printed.
        const Run e = cli({"evaluate", "--model", out, "--dataset", "shapes", "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(e.lastJson()["accuracy"].toDouble(), int8Accuracy);
    }

    void textReportNamesBothModels() {
        const QString out = m_dir.filePath("int8-text.tsmodel");
        const Run r = cli({"quantize", "--model", m_model, "--calibration", "50", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("test accuracy: float"));
        QVERIFY(r.out.contains("INT8"));
        QVERIFY(r.out.contains("file size: float"));
        QVERIFY(r.out.contains(out));
        const Run p = cli({"predict", "--model", out, QString(STUDIO_SOURCE_DIR) + "/datasets/samples/shape-star.png"});
        QVERIFY2(p.exitCode == 0, qPrintable(p.err));
        QVERIFY(p.out.contains("star"));
    }

    void qdqOnnxIsWrittenAndChecked() {
        const QString out = m_dir.filePath("int8-onnx.tsmodel");
        const QString onnx = m_dir.filePath("int8.onnx");
        const Run r = cli({"quantize", "--model", m_model, "--calibration", "100", "--out", out, "--onnx", onnx, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject q = r.lastJson()["qdq_onnx"].toObject();
        QCOMPARE(q["path"].toString(), onnx);
        QVERIFY(q["checker"].toBool());
        QCOMPARE(q["bytes"].toInteger(), QFileInfo(onnx).size());
        QVERIFY(!q["opencv"].toString().isEmpty());  // "loaded" with the figures, or OpenCV's message
        if (q["opencv"].toString() == "loaded") QVERIFY(q["top1_agreement"].toDouble() >= 0.9);
        qInfo("OpenCV DNN on the QDQ file: %s, top-1 agreement %g", qPrintable(q["opencv"].toString()),
              q["top1_agreement"].toDouble());
    }

    void mistakesAreOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty calibration")
            << QStringList{"quantize", "--model", "MODEL", "--calibration", "0", "--out", "OUT"}
            << "empty set: dataset 'shapes'";
        QTest::newRow("unknown method")
            << QStringList{"quantize", "--model", "MODEL", "--calibration", "10", "--calibration-method", "kl",
                           "--out", "OUT"}
            << "Use minmax or percentile";
        QTest::newRow("missing model")
            << QStringList{"quantize", "--model", "/nonexistent/m.tsmodel", "--calibration", "10", "--out", "OUT"}
            << "/nonexistent/m.tsmodel";
        QTest::newRow("no calibration count") << QStringList{"quantize", "--model", "MODEL", "--out", "OUT"}
                                              << "--calibration";
    }
    void mistakesAreOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const QString out = m_dir.filePath("never.tsmodel");
        for (QString& a : args) {
            if (a == "MODEL") a = m_model;
            if (a == "OUT") a = out;
        }
        const Run r = cli(args);
        QVERIFY(r.exitCode != 0 && r.exitCode != -1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));  // nothing written on an error
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_GUILESS_MAIN(CliQuantizeTest)
#include "tst_cli_quantize.moc"
