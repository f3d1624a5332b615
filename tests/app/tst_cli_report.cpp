// training-studio-cli report as a teacher's script uses it: --run ID and --model FILE each write
// one self-contained HTML file with every section, whose pictures are data URIs that decode as
// PNGs; a model file finds its run's curves in the store; an image folder whose class folder has
// a hostile name is reported with the name escaped; mistakes are one stderr line and no file.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QTemporaryDir>

namespace {

const QStringList kSections = {"dataset", "architecture", "options", "curves", "confusion",
                               "per-class", "mistakes", "alerts", "machine", "timings"};

QString readText(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// Every data URI of the page decoded; an empty QImage for one that does not decode.
QList<QImage> pictures(const QString& html) {
    QList<QImage> out;
    const QString head = "src=\"data:image/png;base64,";
    for (qsizetype p = html.indexOf(head); p >= 0; p = html.indexOf(head, p + 1)) {
        const qsizetype start = p + head.size();
        const QByteArray b64 = html.mid(start, html.indexOf('"', start) - start).toLatin1();
        out.append(QImage::fromData(QByteArray::fromBase64(b64, QByteArray::AbortOnBase64DecodingErrors), "PNG"));
    }
    return out;
}

void checkComplete(const QString& html) {
    for (const QString& id : kSections)
        QVERIFY2(html.count("<h2 id=\"" + id + "\">") == 1, qPrintable(id));
    QVERIFY(!html.contains("<script"));
    QVERIFY(!html.contains("src=\"http"));
    const QList<QImage> images = pictures(html);
    QVERIFY(images.size() >= 8);  // a sample per class at least
    for (const QImage& image : images) QVERIFY(!image.isNull());
}

}  // namespace

class CliReportTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_store = m_dir.filePath("runs.sqlite");
        m_model = m_dir.filePath("lenet.tsmodel");
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "800", "--model", "lenet", "--epochs", "2",
                           "--store", m_store, "--save", m_model, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        m_runId = r.lastJson().value("run_id").toInteger();
        QVERIFY(m_runId > 0);
    }

    void helpIsListed() {
        QVERIFY(cli({"--help"}).out.contains("report"));
        const Run h = cli({"report", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("Usage: training-studio-cli report"));
    }

    void runReportHasEverySection() {
        const QString out = m_dir.filePath("run.html");
        const Run r = cli({"report", "--run", QString::number(m_runId), "--store", m_store, "--out", out, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j.value("run_id").toInteger(), m_runId);
        QCOMPARE(j.value("sections").toArray().size(), kSections.size());
        const QString html = readText(out);
        QCOMPARE(j.value("bytes").toInteger(), QFileInfo(out).size());
        checkComplete(html);
        // The run's curves: 3 charts 640 px wide, and both epochs in the table.
        int charts = 0;
        for (const QImage& image : pictures(html)) charts += image.width() == 640;
        QCOMPARE(charts, 3);
        QVERIFY(!html.contains("No per-epoch history"));
        QVERIFY(html.contains(QString("Run %1 in ").arg(m_runId)));
        QVERIFY(html.contains("<td>optimizer</td>"));
        // The accuracy shown is evaluate's on the same model and data.
        const Run e = cli({"evaluate", "--model", m_model, "--dataset", "shapes", "--samples", "800", "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(j.value("test_accuracy").toDouble(), e.lastJson().value("accuracy").toDouble());
    }

    void modelReportFindsItsRunOrSaysThereIsNoHistory() {
        const QString withStore = m_dir.filePath("model.html");
        const Run r = cli({"report", "--model", m_model, "--store", m_store, "--out", withStore});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("Report written to " + withStore));
        const QString html = readText(withStore);
        checkComplete(html);
        QVERIFY(html.contains(QString("curves and options from run %1").arg(m_runId)));
        QVERIFY(!html.contains("No per-epoch history"));

        const QString bare = m_dir.filePath("bare.html");
        const Run b = cli({"report", "--model", m_model, "--store", m_dir.filePath("other.sqlite"), "--out", bare});
        QVERIFY2(b.exitCode == 0, qPrintable(b.err));
        const QString bareHtml = readText(bare);
        checkComplete(bareHtml);
        QVERIFY(bareHtml.contains("No per-epoch history is recorded"));
        QVERIFY(bareHtml.contains("<p class=\"none\">None recorded.</p>") || bareHtml.contains("<ul class=\"alerts\">"));
    }

    void hostileClassNameIsEscaped() {
        QTemporaryDir folder;
        const QString hostile = "<img src=x onerror=alert(1)> & \"q\"";
        for (const QString& cls : {hostile, QString("plain")}) {
            QVERIFY(QDir(folder.path()).mkpath(cls));
            for (int i = 0; i < 10; ++i) {
                QImage image(8, 8, QImage::Format_RGB32);
                image.fill(cls == "plain" ? QColor(200, 10, 10) : QColor(10, 10, 200));
                image.setPixel(i % 8, (i * 3) % 8, qRgb(255, 255, 255));
                QVERIFY(image.save(QDir(folder.path()).filePath(QString("%1/%2.png").arg(cls).arg(i))));
            }
        }
        const QString model = m_dir.filePath("folder.tsmodel");
        const Run t = cli({"train", "--dataset", folder.path(), "--image-size", "8", "--model", "mlp", "--epochs", "1",
                           "--test-split", "0.3", "--store", m_store, "--save", model});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        const QString out = m_dir.filePath("hostile.html");
        const Run r = cli({"report", "--model", model, "--store", m_store, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString html = readText(out);
        checkComplete(html);
        QVERIFY(!html.contains(hostile));
        QVERIFY(!html.contains("<img src=x"));
        QVERIFY(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;"));
    }

    void mistakesAreOneLineAndWriteNothing_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("says");
        QTest::addColumn<int>("exitCode");  // 2: a usage mistake, 1: something missing
        QTest::newRow("neither") << QStringList{} << "exactly one of --model FILE and --run ID" << 2;
        QTest::newRow("both") << QStringList{"--model", "m.tsmodel", "--run", "1"} << "exactly one of" << 2;
        QTest::newRow("no such run") << QStringList{"--run", "999"} << "999" << 1;
        QTest::newRow("no such model") << QStringList{"--model", "/nonexistent/m.tsmodel"} << "/nonexistent/m.tsmodel" << 1;
    }
    void mistakesAreOneLineAndWriteNothing() {
        QFETCH(QStringList, args);
        QFETCH(QString, says);
        QFETCH(int, exitCode);
        const QString out = m_dir.filePath("never.html");
        const Run r = cli(QStringList{"report"} + args + QStringList{"--store", m_store, "--out", out});
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(says), qPrintable(r.err));
        QVERIFY(!QFile::exists(out));
    }

    void unwritableOutIsAnError() {
        const Run r = cli({"report", "--model", m_model, "--store", m_store, "--out", "/nonexistent-dir/r.html"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("/nonexistent-dir/r.html"), qPrintable(r.err));
    }

private:
    QTemporaryDir m_dir;
    QString m_store, m_model;
    qint64 m_runId = 0;
};

QTEST_MAIN(CliReportTest)
#include "tst_cli_report.moc"
