// train --teacher / --distill-teacher / --distill-temperature / --distill-alpha as scripts use
// them: a distilled run is recorded with its teacher (absolute), T and α like any other option;
// α = 0 gives the weights of plain training; unfit teachers and bad values get one clear line.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

namespace {

// A 28×28, 10-class IDX folder: the same input size as `shapes` but other classes.
void writeTinyIdx(const QString& dir, int count) {
    auto bigEndian = [](QByteArray& out, quint32 v) {
        for (int shift = 24; shift >= 0; shift -= 8) out.append(char((v >> shift) & 0xff));
    };
    for (const QString prefix : {"train", "t10k"}) {
        QByteArray images, labels;
        bigEndian(images, 0x00000803);
        bigEndian(images, quint32(count));
        bigEndian(images, 28);
        bigEndian(images, 28);
        bigEndian(labels, 0x00000801);
        bigEndian(labels, quint32(count));
        for (int i = 0; i < count; ++i) {
            for (int k = 0; k < 28 * 28; ++k) images.append(char((i * 7 + k * (i % 10 + 1)) % 256));
            labels.append(char(i % 10));
        }
        QFile fi(dir + "/" + prefix + "-images-idx3-ubyte"), fl(dir + "/" + prefix + "-labels-idx1-ubyte");
        QVERIFY(fi.open(QIODevice::WriteOnly) && fl.open(QIODevice::WriteOnly));
        fi.write(images);
        fl.write(labels);
    }
}

}  // namespace

class CliDistillTest : public QObject {
    Q_OBJECT

    QStringList studentArgs() const {
        return {"train", "--dataset", "shapes", "--samples", "1200", "--model", "lenet", "--epochs", "2",
                "--threads", "2", "--store", m_dir.filePath("runs.sqlite"), "--json"};
    }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
        m_teacher = m_dir.filePath("teacher.tsmodel");
        const Run t = cli({"train", "--dataset", "shapes", "--samples", "1200", "--model", "lenet", "--epochs", "3",
                           "--store", m_dir.filePath("runs.sqlite"), "--save", m_teacher, "--json"});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        QVERIFY(QFile::exists(m_teacher));
    }

    void helpListsTheDistillationFlags() {
        const Run r = cli({"train", "--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* flag : {"--distill-teacher FILE", "--distill-temperature X", "--distill-alpha X", "--teacher"})
            QVERIFY2(r.out.contains(flag), flag);
    }

    void distilledRunIsRecordedWithItsTeacher() {
        const Run r = cli(studentArgs() + QStringList{"--teacher", m_teacher, "--distill-temperature", "3",
                                                      "--distill-alpha", "0.6"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject result = r.lastJson();
        QVERIFY(result["test_accuracy"].toDouble() > 0.2);  // it learned (8 classes: chance is 0.125)
        const int runId = result["run_id"].toInt();
        QVERIFY(runId > 0);
        const Run show = cli({"runs", "show", QString::number(runId), "--store", m_dir.filePath("runs.sqlite"),
                              "--json"});
        QVERIFY2(show.exitCode == 0, qPrintable(show.err));
        const QJsonObject options = show.lastJson()["options"].toObject();
        QCOMPARE(options["distill_teacher"].toString(), QFileInfo(m_teacher).absoluteFilePath());
        QCOMPARE(options["distill_temperature"].toDouble(), 3.0);
        QCOMPARE(options["distill_alpha"].toDouble(), 0.6);

        // The long flag is the same option: the same weights.
        const Run same = cli(studentArgs() + QStringList{"--distill-teacher", m_teacher, "--distill-temperature",
                                                         "3", "--distill-alpha", "0.6"});
        QVERIFY2(same.exitCode == 0, qPrintable(same.err));
        QCOMPARE(same.lastJson()["weights_sha256"].toString(), result["weights_sha256"].toString());

        // Without the teacher the weights differ (the teacher did change the training) …
        const Run plain = cli(studentArgs());
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.err));
        QVERIFY(plain.lastJson()["weights_sha256"].toString() != result["weights_sha256"].toString());
        // … and with α = 0 they are plain training's, bit for bit.
        const Run off = cli(studentArgs() + QStringList{"--teacher", m_teacher, "--distill-alpha", "0"});
        QVERIFY2(off.exitCode == 0, qPrintable(off.err));
        QCOMPARE(off.lastJson()["weights_sha256"].toString(), plain.lastJson()["weights_sha256"].toString());
    }

    void unfitTeachersGetOneClearLine() {
        // A teacher of other classes (10 IDX classes for the 8 shapes).
        const QString idx = m_dir.filePath("idx");
        QVERIFY(QDir().mkpath(idx));
        writeTinyIdx(idx, 200);
        const QString other = m_dir.filePath("other.tsmodel");
        const Run t = cli({"train", "--dataset", idx, "--model", "mlp", "--epochs", "1", "--store",
                           m_dir.filePath("runs.sqlite"), "--save", other});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        const Run wrong = cli(studentArgs() + QStringList{"--teacher", other});
        QVERIFY(wrong.exitCode != 0);
        QCOMPARE(wrong.errLines().size(), 1);
        QVERIFY2(wrong.err.contains(other) && wrong.err.contains("same classes"), qPrintable(wrong.err));
        QVERIFY2(!wrong.out.contains("epoch 1/"), "refused before training");

        const QString missing = m_dir.filePath("missing.tsmodel");
        const Run gone = cli(studentArgs() + QStringList{"--teacher", missing});
        QVERIFY(gone.exitCode != 0);
        QCOMPARE(gone.errLines().size(), 1);
        QVERIFY2(gone.err.contains(missing) && gone.err.contains("choose another teacher"), qPrintable(gone.err));
    }

    void outOfRangeValuesNameTheFlag_data() {
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("value");
        QTest::newRow("α above 1") << "--distill-alpha" << "1.5";
        QTest::newRow("α negative") << "--distill-alpha" << "-0.1";
        QTest::newRow("T zero") << "--distill-temperature" << "0";
        QTest::newRow("T not a number") << "--distill-temperature" << "warm";
    }
    void outOfRangeValuesNameTheFlag() {
        QFETCH(QString, flag);
        QFETCH(QString, value);
        const Run r = cli(studentArgs() + QStringList{"--teacher", m_teacher, flag, value});
        QVERIFY(r.exitCode != 0);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(flag), qPrintable(r.err));
    }

private:
    QTemporaryDir m_dir;
    QString m_teacher;
};

QTEST_GUILESS_MAIN(CliDistillTest)
#include "tst_cli_distill.moc"
