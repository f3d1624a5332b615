// training-studio-cli on CSV tables: train on iris and wine (a sane accuracy), the label column
// by name, number or default giving the same weights, evaluate on the recorded split, predict
// on rows (by name, by position, as JSON and CSV), and each mistake one stderr line.

#include <QtTest>

#include "cli_process.h"

#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>

namespace {

QString table(const QString& name) {
    return QStringLiteral(STUDIO_SOURCE_DIR "/datasets/tables/") + name;
}

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// The class column of iris.csv, in row order.
QStringList irisClasses() {
    QFile f(table("iris.csv"));
    if (!f.open(QIODevice::ReadOnly)) return {};
    QStringList classes;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (int i = 1; i < lines.size(); ++i)
        if (!lines[i].isEmpty()) classes.append(QString::fromUtf8(lines[i].split(',').last()));
    return classes;
}

}  // namespace

class TestCliTables : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store, m_model;
    QStringList m_training = {"--model", "mlp", "--epochs", "100", "--batch-size", "16", "--lr", "0.003"};

    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        QVERIFY(!qEnvironmentVariable("STUDIO_CLI").isEmpty());
        m_store = path("runs.sqlite");
        m_model = path("iris.tsmodel");
    }

    void trainsOnIrisToASaneAccuracy() {
        const Run r =
            cli(QStringList{"train", "--dataset", table("iris.csv"), "--store", m_store, "--save", m_model, "--json"} +
                m_training);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        // 15 test rows: 0.8 is 12 right; a wrong feature order or standardization lands near 1/3.
        QVERIFY2(j["test_accuracy"].toDouble() >= 0.8, qPrintable(r.out));
        QVERIFY(j["val_accuracy"].toDouble() >= 0.8);

        // evaluate rebuilds the same split from the model file.
        const Run e = cli({"evaluate", "--model", m_model, "--dataset", table("iris.csv"), "--json"});
        QVERIFY2(e.exitCode == 0, qPrintable(e.err));
        QCOMPARE(e.lastJson()["samples"].toInt(), 15);
        QCOMPARE(e.lastJson()["accuracy"].toDouble(), j["test_accuracy"].toDouble());
    }

    void labelColumnByNameNumberOrDefaultIsTheSameData() {
        QStringList hashes;
        for (const QStringList& extra : {QStringList{}, QStringList{"--label-column", "class"},
                                         QStringList{"--label-column", "5"}, QStringList{"--csv-header", "yes"}}) {
            const Run r = cli(
                QStringList{"train", "--dataset", table("iris.csv"), "--store", m_store, "--json", "--epochs", "3"} +
                QStringList{"--model", "mlp"} + extra);
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            hashes.append(r.lastJson()["weights_sha256"].toString());
        }
        QVERIFY(!hashes[0].isEmpty());
        for (const QString& h : hashes) QCOMPARE(h, hashes[0]);
    }

    void predictsRowsByNameAndByPosition() {
        // The file itself: features by their header names; the class column is ignored.
        const Run byName = cli({"predict", "--model", m_model, table("iris.csv"), "--json", "--top", "1", "--csv",
                                path("predictions.csv")});
        QVERIFY2(byName.exitCode == 0, qPrintable(byName.err));
        const QJsonArray rows = byName.lastJson()["predictions"].toArray();
        QCOMPARE(rows.size(), 150);
        QCOMPARE(rows[0].toObject()["line"].toInt(), 2);
        const QStringList truth = irisClasses();
        QCOMPARE(truth.size(), 150);
        QStringList predicted;
        int right = 0;
        for (int i = 0; i < rows.size(); ++i) {
            predicted.append(rows[i].toObject()["top"].toArray()[0].toObject()["class"].toString());
            right += predicted.last() == truth[i];
        }
        // Mostly rows it trained on: a sane model gets nearly all of them.
        QVERIFY2(right >= 135, qPrintable(QString::number(right)));

        QFile csv(path("predictions.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().split('\n');
        QCOMPARE(lines[0], QByteArray("table,line,predicted,confidence"));
        QVERIFY(lines[1].contains(",2," + predicted[0].toUtf8() + ","));

        // The same rows without a header, features only, CRLF: by position, the same classes.
        QFile source(table("iris.csv"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QByteArray bare;
        const QList<QByteArray> irisLines = source.readAll().split('\n');
        for (int i = 1; i < irisLines.size(); ++i) {
            if (irisLines[i].isEmpty()) continue;
            QList<QByteArray> cells = irisLines[i].split(',');
            cells.removeLast();
            bare += cells.join(',') + "\r\n";
        }
        writeText(path("bare.csv"), bare);
        const Run byPosition = cli({"predict", "--model", m_model, path("bare.csv"), "--top", "1"});
        QVERIFY2(byPosition.exitCode == 0, qPrintable(byPosition.err));
        const QStringList out = byPosition.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(out.size(), 150);
        for (int i = 0; i < out.size(); ++i)
            QVERIFY2(
                out[i].startsWith(path("bare.csv") + " line " + QString::number(i + 1) + ": " + predicted[i] + " "),
                qPrintable(out[i]));
    }

    void trainsOnWine() {
        const Run r =
            cli(QStringList{"train", "--dataset", table("wine.csv"), "--store", m_store, "--json"} + m_training);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.lastJson()["test_accuracy"].toDouble() >= 0.85, qPrintable(r.out));
    }

    void twoFeatureTableWorksLikeTheBuiltIn2DSets() {
        // The petal columns of iris: a 2-D table draws its decision boundary like spirals does.
        QFile source(table("iris.csv"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        QByteArray petals;
        for (const QByteArray& line : source.readAll().split('\n'))
            if (!line.isEmpty()) petals += line.split(',').mid(2).join(',') + "\n";
        writeText(path("petals.csv"), petals);
        const Run r = cli({"train", "--dataset", path("petals.csv"), "--model", "mlp", "--store", m_store, "--json",
                           "--boundary", path("petals.png")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.lastJson()["test_accuracy"].toDouble() >= 0.8);
        QVERIFY(QFile(path("petals.png")).size() > 1000);
    }

    void mistakesGiveOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("file");  // written to bad.csv when not empty
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        const QString bad = m_dir.filePath("bad.csv");
        QTest::newRow("unknown label column")
            << QStringList{"train", "--dataset", table("iris.csv"), "--model", "mlp", "--label-column", "species"}
            << QByteArray() << 2 << "has no column named 'species'";
        QTest::newRow("label column out of range")
            << QStringList{"train", "--dataset", table("iris.csv"), "--model", "mlp", "--label-column", "9"}
            << QByteArray() << 2 << "the table has 5 columns";
        QTest::newRow("bad header choice")
            << QStringList{"train", "--dataset", table("iris.csv"), "--model", "mlp", "--csv-header", "maybe"}
            << QByteArray() << 2 << "--csv-header";
        QTest::newRow("non-numeric cell")
            << QStringList{"train", "--dataset", bad, "--model", "mlp"} << QByteArray("a,b,c\n1,2,x\n3,four,y\n") << 1
            << "line 3, column 2 (b): 'four' is not a number";
        QTest::newRow("ragged row") << QStringList{"train", "--dataset", bad, "--model", "mlp"}
                                    << QByteArray("a,b,c\r\n1,2,x\r\n3,y\r\n") << 1
                                    << "line 3, has 2 cells but the first row has 3";
        QTest::newRow("empty file") << QStringList{"train", "--dataset", bad, "--model", "mlp"} << QByteArray("\n") << 1
                                    << "holds no rows";
        QTest::newRow("predict: missing cell") << QStringList{"predict", "--model", m_dir.filePath("iris.tsmodel"), bad}
                                               << QByteArray("1,2,3,4\n5,,7,8\n") << 1 << "line 2, column 2: missing";
        QTest::newRow("predict: wrong width")
            << QStringList{"predict", "--model", m_dir.filePath("iris.tsmodel"), bad} << QByteArray("1,2,3\n") << 2
            << "the model takes 4 features (sepal_length_cm";
    }
    void mistakesGiveOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, file);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        if (!file.isEmpty()) writeText(path("bad.csv"), file);
        if (args.first() == "train") args << "--store" << m_store;
        const Run r = cli(args);
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(expected), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCliTables)
#include "tst_cli_tables.moc"
