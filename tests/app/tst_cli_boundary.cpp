// training-studio-cli train --boundary OUT.png: the final decision boundary of a 2-D run as a
// PNG (the field in the class colours, the points on top), refused before training for data
// without a plane or an unwritable target; --noise changes the generated data.

#include <QtTest>

#include <QImage>
#include <QSet>
#include <QTemporaryDir>

#include "tests/app/cli_process.h"

class CliBoundaryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
    }

    void boundaryPngIsWritten() {
        const QString png = m_dir.filePath("spirals.png");
        const Run r = cli({"train", "--dataset", "spirals", "--samples", "600", "--model", "mlp", "--epochs", "30",
                           "--lr", "0.01", "--store", store(), "--boundary", png, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("Wrote the decision boundary to " + png), qPrintable(r.out));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(512, 512));
        // The training points are discs in their class's exact colour (the palette's first three),
        // the field is every shade between: many colours, each class present.
        QSet<QRgb> colours;
        int exact[3] = {0, 0, 0};
        const QRgb palette[3] = {qRgb(0xE8, 0x59, 0x0C), qRgb(0x1C, 0x7E, 0xD6), qRgb(0x2F, 0x9E, 0x44)};
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const QRgb c = image.pixel(x, y) | 0xff000000u;
                colours.insert(c);
                for (int k = 0; k < 3; ++k) exact[k] += c == (palette[k] | 0xff000000u) ? 1 : 0;
            }
        QVERIFY2(colours.size() > 100, qPrintable(QString::number(colours.size())));
        for (int k = 0; k < 3; ++k) QVERIFY2(exact[k] > 20, qPrintable(QString("class %1: %2").arg(k).arg(exact[k])));
        // A learned boundary: the three corners are not all the same class's shade.
        const QSet<QRgb> corners{image.pixel(2, 2), image.pixel(509, 2), image.pixel(2, 509), image.pixel(509, 509)};
        QVERIFY(corners.size() > 1);
    }

    void noPlaneIsRefusedBeforeTraining() {
        const Run r = cli({"train", "--dataset", "shapes", "--samples", "200", "--model", "mlp", "--epochs", "1",
                           "--store", store(), "--boundary", m_dir.filePath("shapes.png")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--boundary needs 2-D data"), qPrintable(r.err));
        QVERIFY(!r.out.contains("epoch "));
        QVERIFY(!QFile::exists(m_dir.filePath("shapes.png")));

        const Run missing = cli({"train", "--dataset", "xor", "--model", "mlp", "--epochs", "1", "--store", store(),
                                 "--boundary", m_dir.filePath("no/such/folder/x.png")});
        QVERIFY(missing.exitCode != 0);
        QVERIFY2(missing.err.contains("Cannot save the decision boundary"), qPrintable(missing.err));
        QVERIFY(!missing.out.contains("epoch "));
    }

    void noiseChangesTheData() {
        auto train = [&](const QStringList& extra) {
            QStringList args{"train", "--dataset", "circles", "--samples", "400", "--model", "mlp", "--epochs", "1",
                             "--store", store(), "--json"};
            const Run r = cli(args + extra);
            return r.exitCode == 0 ? r.lastJson()["weights_sha256"].toString() : "failed: " + r.err;
        };
        const QString own = train({});
        const QString noisy = train({"--noise", "3"});
        QVERIFY2(!own.startsWith("failed") && !noisy.startsWith("failed"), qPrintable(own + noisy));
        QVERIFY(own != noisy);
        QCOMPARE(train({"--noise", "3"}), noisy);
        QCOMPARE(train({"--noise", "1"}), own);  // the set's own jitter
        const Run bad = cli({"train", "--dataset", "circles", "--model", "mlp", "--noise", "20", "--store", store()});
        QVERIFY(bad.exitCode != 0);
        QVERIFY2(bad.err.contains("noise"), qPrintable(bad.err));
    }

private:
    QString store() const { return m_dir.filePath("runs.sqlite"); }
    QTemporaryDir m_dir;
};

QTEST_MAIN(CliBoundaryTest)
#include "tst_cli_boundary.moc"
