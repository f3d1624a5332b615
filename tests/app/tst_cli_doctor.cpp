// training-studio-cli train and the training doctor: each alert is printed as it is raised
// ("alert [kind] epoch E, step S: message suggestion") and `train --json` ends with
// "alerts": [{"kind", "epoch", "step", "layer", "message", "suggestion"}]; a normal run has none.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

class CliDoctorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        qputenv("TRAINING_STUDIO_STORE", m_dir.filePath("runs.sqlite").toUtf8());
    }

    void helpListsTheHealthOption() {
        const Run h = cli({"train", "--help"});
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.out.contains("--health-every"));
    }

    void aNormalRunHasNoAlerts() {
        const Run r = cli({"train", "--dataset", "gauss", "--model", "mlp", "--epochs", "5", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.out.contains("alert ["));
        const QJsonObject j = r.lastJson();
        QVERIFY(j.contains("alerts"));
        QVERIFY(j["alerts"].isArray());
        QCOMPARE(j["alerts"].toArray().size(), 0);
    }

    void aStallIsPrintedAndInTheJson() {
        const Run r = cli({"train", "--dataset", "spirals", "--model", "mlp", "--epochs", "8", "--lr", "1e-7",
                           "--schedule", "constant", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray alerts = r.lastJson()["alerts"].toArray();
        QCOMPARE(alerts.size(), 1);
        const QJsonObject a = alerts[0].toObject();
        QCOMPARE(a.keys(), (QStringList{"epoch", "kind", "layer", "message", "step", "suggestion"}));
        QCOMPARE(a["kind"].toString(), QString("stalled"));
        QVERIFY(a["step"].toInteger() > 100);
        QVERIFY(a["epoch"].toInt() >= 1);
        QVERIFY(a["layer"].isNull());
        QVERIFY(a["message"].toString().startsWith("The loss has not moved in 100 steps"));
        QVERIFY(a["suggestion"].toString().startsWith("Raise the learning rate"));
        // Printed as it was raised: before the epoch lines that follow it.
        const int printed = r.out.indexOf("alert [stalled] epoch " + QString::number(a["epoch"].toInt()) + ", step " +
                                          QString::number(a["step"].toInteger()));
        QVERIFY(printed >= 0);
        QVERIFY(printed < r.out.indexOf("epoch 8/8"));
        // Kept with the run in the store.
        const Run shown = cli({"runs", "show", QString::number(r.lastJson()["run_id"].toInteger()), "--json"});
        QVERIFY2(shown.exitCode == 0, qPrintable(shown.err));
        const QJsonArray kept = shown.lastJson()["final"].toObject()["alerts"].toArray();
        QCOMPARE(kept.size(), 1);
        QCOMPARE(kept[0].toObject(), a);
    }

    void divergenceIsPrintedBeforeTheError() {
        const Run r = cli({"train", "--dataset", "spirals", "--model", "mlp", "--epochs", "5", "--optimizer", "sgd",
                           "--lr", "5"});
        QVERIFY(r.out.contains("alert [diverging] epoch "));
        QVERIFY(r.out.contains("Lower the learning rate"));
    }

    void imbalanceNamesTheRatio() {
        // 40 images of one class, 2 of the other, as an image folder.
        const QString root = m_dir.filePath("lopsided");
        for (const auto& [name, count] : {std::pair{QString("many"), 40}, std::pair{QString("few"), 2}}) {
            QVERIFY(QDir().mkpath(root + "/" + name));
            for (int i = 0; i < count; ++i) {
                QImage img(16, 16, QImage::Format_Grayscale8);
                img.fill(name == "many" ? (i * 5) % 128 : 128 + i * 40);
                QVERIFY(img.save(root + "/" + name + "/" + QString::number(i) + ".png"));
            }
        }
        const Run r = cli({"train", "--dataset", root, "--model", "mlp", "--image-size", "16", "--epochs", "1",
                           "--val-split", "0", "--test-split", "0", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray alerts = r.lastJson()["alerts"].toArray();
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(alerts[0]["kind"].toString(), QString("imbalance"));
        QVERIFY(alerts[0]["message"].toString().startsWith("Classes are imbalanced 20:1"));
        QCOMPARE(alerts[0]["step"].toInt(), 0);
        QVERIFY(r.out.contains("alert [imbalance] epoch 1, step 0: Classes are imbalanced 20:1"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(CliDoctorTest)
#include "tst_cli_doctor.moc"
