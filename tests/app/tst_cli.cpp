// training-studio-cli as scripts use it: train --json, save → predict → evaluate, and one clear
// stderr line with a non-zero exit for every mistake.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <algorithm>

#include <sys/resource.h>

namespace {

QString samples(const QString& name) {
    return QStringLiteral(STUDIO_SOURCE_DIR "/datasets/samples/") + name;
}

// A Fashion-MNIST-shaped IDX folder (28×28 images, 10 classes) of `train` + `test` samples, the
// file names bench_torch.py looks for: a bench run in a few seconds.
void writeTinyIdx(const QString& dir, int train, int test) {
    auto bigEndian = [](QByteArray& out, quint32 v) {
        for (int shift = 24; shift >= 0; shift -= 8) out.append(char((v >> shift) & 0xff));
    };
    for (const auto& [prefix, count] : {std::pair{QString("train"), train}, std::pair{QString("t10k"), test}}) {
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

bool torchInstalled() {
    QProcess p;
    p.start("/usr/bin/python3", {"-c", "import torch"});
    return p.waitForFinished(60000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

}  // namespace

class CliTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(!qEnvironmentVariable("STUDIO_CLI").isEmpty(), "STUDIO_CLI must name training-studio-cli");
        QVERIFY(m_dir.isValid());
    }

    void helpWorks() {
        const Run r = cli({"--help"});
        QCOMPARE(r.exitCode, 0);
        for (const char* command : {"train", "predict", "evaluate", "datasets", "bench"}) {
            QVERIFY(r.out.contains(command));
            const Run h = cli({command, "--help"});
            QCOMPARE(h.exitCode, 0);
            QVERIFY2(h.out.contains("Usage: training-studio-cli " + QString(command)), qPrintable(h.out));
        }
    }

    void datasetsLists() {
        const Run r = cli({"datasets"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("shapes"));
        QVERIFY(r.out.contains("spirals"));
    }

    void trainJsonOnGeneratedSet() {
        const Run r = cli({"train", "--dataset", "spirals", "--samples", "600", "--model", "mlp", "--epochs", "4",
                           "--lr", "0.01", "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.count("\nepoch "), 4);
        const QJsonObject j = r.lastJson();
        for (const char* key :
             {"test_accuracy", "val_accuracy", "train_samples_per_s", "epochs", "seconds", "params", "weights_sha256"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["epochs"].toInt(), 4);
        QCOMPARE(j["params"].toInt(), 2 * 256 + 256 + 256 * 128 + 128 + 128 * 3 + 3);
        QVERIFY(j["test_accuracy"].toDouble() > 0.34 && j["test_accuracy"].toDouble() <= 1.0);
        QVERIFY(j["train_samples_per_s"].toDouble() > 0);
        QCOMPARE(j["weights_sha256"].toString().size(), 64);

        // Same command, same seed: the same weights.
        const Run again = cli({"train", "--dataset", "spirals", "--samples", "600", "--model", "mlp", "--epochs", "4",
                               "--lr", "0.01", "--json", "--threads", "1"});
        QCOMPARE(again.lastJson()["weights_sha256"].toString(), j["weights_sha256"].toString());
    }

    void saveThenPredictAndEvaluate() {
        const QString model = m_dir.filePath("shapes.tsmodel");
        const Run train = cli({"train", "--dataset", "shapes", "--samples", "3000", "--model", "lenet", "--epochs", "4",
                               "--lr", "0.003", "--save", model, "--json"});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QVERIFY(QFile::exists(model));
        const QJsonObject trained = train.lastJson();
        QVERIFY(trained["test_accuracy"].toDouble() > 0.8);

        const Run predict = cli({"predict", "--model", model, samples("shape-circle.png"), samples("shape-star.png"),
                                 "--top", "3", "--json"});
        QVERIFY2(predict.exitCode == 0, qPrintable(predict.err));
        const QJsonDocument doc = QJsonDocument::fromJson(predict.out.split('\n', Qt::SkipEmptyParts).last().toUtf8());
        const QJsonArray images = doc.object()["predictions"].toArray();
        QCOMPARE(images.size(), 2);
        const QJsonArray top = images[0].toObject()["top"].toArray();
        QCOMPARE(top.size(), 3);
        QCOMPARE(top[0].toObject()["class"].toString(), QString("circle"));
        QCOMPARE(images[1].toObject()["top"].toArray()[0].toObject()["class"].toString(), QString("star"));
        QVERIFY(top[0].toObject()["probability"].toDouble() >= top[1].toObject()["probability"].toDouble());

        const Run plain = cli({"predict", "--model", model, samples("shape-square.png")});
        QCOMPARE(plain.exitCode, 0);
        QVERIFY2(plain.out.contains("square"), qPrintable(plain.out));

        // Evaluate rebuilds the same split from the model's train config: the same test accuracy.
        const Run eval = cli({"evaluate", "--model", model, "--dataset", "shapes", "--json"});
        QVERIFY2(eval.exitCode == 0, qPrintable(eval.err));
        const QJsonObject e = eval.lastJson();
        QVERIFY(e.contains("confusion"));
        QVERIFY(e.contains("per_class"));
        QCOMPARE(e["samples"].toInt(), trained["test_size"].toInt());
        QVERIFY(qAbs(e["accuracy"].toDouble() - trained["test_accuracy"].toDouble()) < 1e-9);

        const Run text = cli({"evaluate", "--model", model, "--dataset", "shapes"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("precision"));
    }

    void mistakesGiveOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        const QString corrupt = m_dir.filePath("corrupt.tsmodel");
        QFile f(corrupt);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("TSMODEL\0this is not a model", 28);
        f.close();
        QTest::newRow("unknown option") << QStringList{"train", "--dataset", "spirals", "--model",
                                                       "mlp",   "--epoch",   "3"}
                                        << "--epoch";
        QTest::newRow("bad number") << QStringList{"train", "--dataset", "spirals", "--model", "mlp", "--lr", "fast"}
                                    << "--lr";
        QTest::newRow("missing dataset") << QStringList{"train", "--dataset", "/nonexistent/data", "--model", "mlp"}
                                         << "/nonexistent/data";
        QTest::newRow("missing option") << QStringList{"train", "--model", "mlp"} << "--dataset";
        QTest::newRow("unknown preset") << QStringList{"train", "--dataset", "spirals", "--model", "resnet"}
                                        << "resnet";
        QTest::newRow("corrupt model predict")
            << QStringList{"predict", "--model", corrupt, samples("shape-ring.png")} << corrupt;
        QTest::newRow("corrupt model evaluate")
            << QStringList{"evaluate", "--model", corrupt, "--dataset", "shapes"} << corrupt;
        QTest::newRow("missing model") << QStringList{"predict", "--model", m_dir.filePath("none.tsmodel"),
                                                      samples("shape-ring.png")}
                                       << m_dir.filePath("none.tsmodel");
        QTest::newRow("unknown command") << QStringList{"fly"} << "fly";
        QTest::newRow("bad bench option") << QStringList{"bench", "--threads", "0"} << "--threads";
    }
    void mistakesGiveOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        const Run r = cli(args);
        QVERIFY2(r.exitCode > 0, qPrintable(r.out));
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QVERIFY(r.err.startsWith("training-studio-cli: "));
    }

    // bench --json ends with one JSON line: per model ours, PyTorch with OpenBLAS on 1 and on N
    // threads, the faster of the two, ours/faster and both latencies; torch fields null when
    // PyTorch did not run (--no-torch, or its script failed), never a ratio against nothing.
    void benchJson_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<bool>("torch");
        QTest::newRow("no torch") << QStringList{"--no-torch", "--models", "mlp,lenet"} << false;
        const QString failing = m_dir.filePath("failing_bench_torch.py");
        QFile f(failing);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("import sys\nsys.exit(3)\n");
        f.close();
        QTest::newRow("torch script fails") << QStringList{"--torch-script", failing, "--models", "mlp"} << false;
        QTest::newRow("torch") << QStringList{"--models", "mlp"} << true;
    }
    void benchJson() {
        QFETCH(QStringList, extra);
        QFETCH(bool, torch);
        if (torch && !torchInstalled()) QSKIP("python3-torch is not installed for /usr/bin/python3");
        QTemporaryDir data;
        writeTinyIdx(data.path(), 256, 64);
        const Run r = cli(QStringList{"bench", "--dataset", data.path(), "--threads", "2", "--epochs", "1",
                                      "--scaling-samples", "0", "--latency-count", "200", "--json"} +
                          extra);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.filter(QRegularExpression("^\\s*\\{")).size(), 1);
        QVERIFY2(r.out.contains("Machine: "), qPrintable(r.out));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["threads"].toInt(), 2);
        const QJsonObject models = j["models"].toObject();
        const QStringList names = extra.at(extra.indexOf("--models") + 1).split(',');
        QCOMPARE(models.keys().size(), names.size());
        for (const QString& name : names) {
            const QJsonObject m = models[name].toObject();
            for (const char* key : {"ours", "torch_best", "torch_blas1", "torch_blasN", "ratio", "latency_us"})
                QVERIFY2(m.contains(key), key);
            QVERIFY(m["ours"].toDouble() > 0);
            const QJsonObject latency = m["latency_us"].toObject();
            QVERIFY(latency.contains("ours") && latency.contains("torch"));
            QVERIFY(latency["ours"].toDouble() > 0);
            if (!torch) {
                for (const char* key : {"torch_best", "torch_blas1", "torch_blasN", "ratio"})
                    QVERIFY2(m[key].isNull(), key);
                QVERIFY(latency["torch"].isNull());
                continue;
            }
            const double blas1 = m["torch_blas1"].toDouble(), blasN = m["torch_blasN"].toDouble();
            QVERIFY(blas1 > 0 && blasN > 0);
            QCOMPARE(m["torch_best"].toDouble(), std::max(blas1, blasN));
            QCOMPARE(m["ratio"].toDouble(), m["ours"].toDouble() / m["torch_best"].toDouble());
            QVERIFY(latency["torch"].toDouble() > 0);
            // Each run says how many threads OpenBLAS ran: the two settings really differ.
            const QJsonObject runs = m["torch_runs"].toObject();
            QCOMPARE(runs["blas1"].toObject()["blas_threads"].toInt(), 1);
            QCOMPARE(runs["blasN"].toObject()["blas_threads"].toInt(), 2);
        }
    }

    void missingImageIsNamed() {
        const QString model = m_dir.filePath("spirals.tsmodel");
        const Run train = cli(
            {"train", "--dataset", "shapes", "--samples", "400", "--model", "mlp", "--epochs", "1", "--save", model});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const Run r = cli({"predict", "--model", model, m_dir.filePath("nothing.png")});
        QVERIFY(r.exitCode > 0);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY(r.err.contains("nothing.png"));
    }

    // 128 zero bytes + "DICM" named .png: OpenCV's DICOM reader aborted the process (exit 134)
    // in predict, and in train when the file sat in a class folder.
    void hostileImageIsAnErrorNotAnAbort() {
        const QString model = m_dir.filePath("hostile.tsmodel");
        const Run train = cli(
            {"train", "--dataset", "shapes", "--samples", "400", "--model", "mlp", "--epochs", "1", "--save", model});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        const QString dicom = m_dir.filePath("d.png");
        QFile f(dicom);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(128, '\0') + "DICM");
        f.close();
        const Run r = cli({"predict", "--model", model, dicom});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(dicom) && r.err.contains("not a supported image"), qPrintable(r.err));

        QTemporaryDir folder;
        for (const char* cls : {"a", "b"}) {
            QVERIFY(QDir(folder.path()).mkpath(cls));
            for (int i = 0; i < 4; ++i) {
                QImage image(8, 8, QImage::Format_RGB32);
                image.fill(*cls == 'a' ? QColor(200, 10, 10) : QColor(10, 10, 200));
                image.setPixel(i, i, qRgb(255, 255, 255));
                QVERIFY(image.save(folder.filePath(QString("%1/%2.png").arg(cls).arg(i))));
            }
        }
        QVERIFY(QFile::copy(dicom, folder.filePath("a/d.png")));
        const Run t = cli({"train", "--dataset", folder.path(), "--model", "mlp", "--epochs", "1"});
        QVERIFY2(t.exitCode == 0 || t.exitCode == 1, qPrintable(t.err));
        QVERIFY2(t.err.contains("d.png") && t.err.contains("not a supported image"), qPrintable(t.err));
    }

    // Every skipped file is accounted for: a count and the first five on stderr, the whole list
    // with reasons in --skipped FILE; a symbolic link loop is called a loop.
    void skippedFilesAreCountedAndListed() {
        QTemporaryDir folder;
        for (const char* cls : {"a", "b"}) {
            QVERIFY(QDir(folder.path()).mkpath(cls));
            for (int i = 0; i < 6; ++i) {
                QImage image(8, 8, QImage::Format_RGB32);
                image.fill(*cls == 'a' ? QColor(200, 10, 10) : QColor(10, 10, 200));
                QVERIFY(image.save(folder.filePath(QString("%1/%2.png").arg(cls).arg(i))));
            }
        }
        for (int i = 0; i < 8; ++i) {  // 8 files that are no images
            QFile f(folder.filePath(QString("b/bad%1.png").arg(i)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("not an image at all");
        }
        QVERIFY(QFile::link(folder.filePath("a/loop.png"), folder.filePath("a/loop.png")));  // points at itself
        const QString list = m_dir.filePath("skipped.tsv");
        const Run t = cli({"train", "--dataset", folder.path(), "--model", "mlp", "--epochs", "1", "--skipped", list});
        QVERIFY2(t.exitCode == 0, qPrintable(t.err));
        QVERIFY2(t.err.contains("skipped 9 files") && t.err.contains("and 4 more"), qPrintable(t.err));
        QFile f(list);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1 + 9);  // the header, then every skipped file
        const QStringList loop = lines.filter("loop.png");
        QCOMPARE(loop.size(), 1);
        QVERIFY2(loop.front().contains("symbolic link loop"), qPrintable(loop.front()));
        QCOMPARE(lines.filter("bad").size(), 8);
    }

    // On a terminal, a bar with the ETA inside each epoch; piped, the plain lines only.
    void progressBarOnATerminalOnly() {
        const QStringList args = {"train", "--dataset", "shapes", "--samples", "3000", "--model",
                                  "lenet", "--epochs", "2",      "--threads", "1"};
        const Run piped = cli(args);
        QCOMPARE(piped.exitCode, 0);
        QVERIFY(!piped.out.contains('\r') && !piped.out.contains("ETA"));
        // script(1) runs the command on a pseudo-terminal, as a person's shell would.
        QProcess p;
        p.start("script", {"-qec", "'" + qEnvironmentVariable("STUDIO_CLI") + "' " + args.join(' '), "/dev/null"});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 0);
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains("\r\033[Kepoch 1/2 [") && out.contains("ETA "), qPrintable(out.left(400)));
        QVERIFY2(out.contains("epoch 2/2  train loss"), qPrintable(out.right(400)));  // the plain lines stay
    }

    // Running out of memory is a message and exit code 1, not std::terminate's abort (134).
    void outOfMemoryIsAnError() {
#ifdef STUDIO_SANITIZED
        QSKIP("AddressSanitizer reserves terabytes of address space: an RLIMIT_AS of 2 GiB stops it at start");
#endif
        const QString spec = m_dir.filePath("wide.json");
        QFile f(spec);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            "{\"layers\": [{\"type\": \"dense\", \"units\": 100000}, {\"type\": \"relu\"},"
            " {\"type\": \"dense\", \"units\": 1500}, {\"type\": \"dense\", \"units\": \"classes\"}]}");
        f.close();
        QProcess p;
        p.setChildProcessModifier([] {
            const rlimit limit{std::uint64_t(2) << 30, std::uint64_t(2) << 30};  // 2 GiB of address space
            setrlimit(RLIMIT_AS, &limit);
        });
        p.start(qEnvironmentVariable("STUDIO_CLI"),
                {"train", "--dataset", "spirals", "--samples", "200", "--model", spec, "--epochs", "1"});
        QVERIFY(p.waitForFinished(60000));
        const QString err = QString::fromUtf8(p.readAllStandardError());
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY2(err.contains("Out of memory while"), qPrintable(err));
    }

    void saliencyHeatmapIsWritten() {
        const QString model = shapesModel();
        QVERIFY(!model.isEmpty());
        const QString png = m_dir.filePath("circle-saliency.png");
        const Run r = cli({"predict", "--model", model, samples("shape-circle.png"), "--saliency", png});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("saliency (occlusion) of circle"), qPrintable(r.out));
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(112, 112));  // the source image's size, not the model's 28×28
        QVERIFY(!image.isGrayscale());

        const QString gradient = m_dir.filePath("star-gradient.png");
        const Run g = cli({"predict", "--model", model, samples("shape-star.png"), "--saliency", gradient,
                           "--saliency-method", "gradient", "--saliency-class", "ring", "--json"});
        QVERIFY2(g.exitCode == 0, qPrintable(g.err));
        const QJsonObject s = g.lastJson()["saliency"].toObject();
        QCOMPARE(s["method"].toString(), QString("gradient"));
        QCOMPARE(s["class"].toString(), QString("ring"));
        QCOMPARE(s["index"].toInt(), 5);
        QCOMPARE(s["path"].toString(), gradient);
        QVERIFY(s["probability"].toDouble() >= 0.0 && s["probability"].toDouble() < 0.5);
        QCOMPARE(QImage(gradient).size(), QSize(112, 112));

        const Run byIndex = cli({"predict", "--model", model, samples("shape-star.png"), "--saliency", gradient,
                                 "--saliency-class", "3", "--json"});
        QVERIFY2(byIndex.exitCode == 0, qPrintable(byIndex.err));
        QCOMPARE(byIndex.lastJson()["saliency"].toObject()["class"].toString(), QString("star"));
    }

    void saliencyMistakesGiveOneLine_data() {
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<QString>("named");
        const QString out = m_dir.filePath("never.png");
        QTest::newRow("unknown class") << QStringList{samples("shape-ring.png"), "--saliency", out, "--saliency-class",
                                                      "hexagon"}
                                       << "hexagon";
        QTest::newRow("class index too large")
            << QStringList{samples("shape-ring.png"), "--saliency", out, "--saliency-class", "8"} << "'8'";
        QTest::newRow("unknown method") << QStringList{samples("shape-ring.png"), "--saliency", out,
                                                       "--saliency-method", "heat"}
                                        << "heat";
        QTest::newRow("two images") << QStringList{samples("shape-ring.png"), samples("shape-star.png"), "--saliency",
                                                   out}
                                    << "--saliency";
        QTest::newRow("folder") << QStringList{samples(""), "--saliency", out} << "folder";
        QTest::newRow("class without saliency")
            << QStringList{samples("shape-ring.png"), "--saliency-class", "ring"} << "--saliency-class";
    }
    void saliencyMistakesGiveOneLine() {
        QFETCH(QStringList, extra);
        QFETCH(QString, named);
        const QString model = shapesModel();
        QVERIFY(!model.isEmpty());
        const Run r = cli(QStringList{"predict", "--model", model} + extra);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QVERIFY(!QFile::exists(m_dir.filePath("never.png")));
    }

    void folderWithCsv() {
        const QString model = shapesModel();
        QVERIFY(!model.isEmpty());
        QDir dir(m_dir.path());
        QVERIFY(dir.mkpath("folder/deeper"));
        const QString folder = m_dir.filePath("folder");
        for (const char* name : {"shape-circle.png", "shape-square.png", "shape-star.jpg"})
            QVERIFY(QFile::copy(samples(name), folder + "/" + name));
        QVERIFY(QFile::copy(samples("shape-cross.png"), folder + "/deeper/shape-cross.png"));
        QFile text(folder + "/words.png");  // a text file with an image's name
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("these are words, not pixels\n");
        text.close();
        QFile notes(folder + "/notes.txt");
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.close();

        const QString csv = m_dir.filePath("results.csv");
        const Run r = cli({"predict", "--model", model, folder, "--csv", csv, "--top", "1"});
        QCOMPARE(r.exitCode, 1);  // one image failed; the others are still there
        QCOMPARE(r.errLines().size(), 1);
        QVERIFY2(r.err.contains("words.png"), qPrintable(r.err));
        const QStringList lines = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);  // sorted by name; notes.txt and deeper/ are not images here
        QVERIFY2(lines[0].startsWith(folder + "/shape-circle.png: circle "), qPrintable(lines[0]));
        QVERIFY2(lines[1].startsWith(folder + "/shape-square.png: square "), qPrintable(lines[1]));
        QVERIFY2(lines[2].startsWith(folder + "/shape-star.jpg: star "), qPrintable(lines[2]));
        QVERIFY2(lines[3].startsWith(folder + "/words.png: error: "), qPrintable(lines[3]));

        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList rows = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 5);
        QCOMPARE(rows[0], QString("file,predicted,confidence,error"));
        QVERIFY2(rows[1].startsWith(folder + "/shape-circle.png,circle,0."), qPrintable(rows[1]));
        QVERIFY(rows[1].endsWith(","));
        QVERIFY2(rows[4].startsWith(folder + "/words.png,,,\""), qPrintable(rows[4]));  // the message has commas

        const Run deep = cli({"predict", "--model", model, folder + "/deeper", "--recursive", "--json"});
        QCOMPARE(deep.exitCode, 0);
        const QJsonArray images = deep.lastJson()["predictions"].toArray();
        QCOMPARE(images.size(), 1);
        QCOMPARE(images[0].toObject()["top"].toArray()[0].toObject()["class"].toString(), QString("cross"));
        const Run all = cli({"predict", "--model", model, folder, "--recursive", "--json"});
        QCOMPARE(all.exitCode, 1);
        const QJsonArray five = all.lastJson()["predictions"].toArray();
        QCOMPARE(five.size(), 5);
        QVERIFY(five[4].toObject()["error"].toString().contains("words.png"));

        QVERIFY(dir.mkpath("nothing"));
        const Run empty = cli({"predict", "--model", model, m_dir.filePath("nothing")});
        QVERIFY(empty.exitCode > 0);
        QCOMPARE(empty.errLines().size(), 1);
        QVERIFY(empty.err.contains("no images"));
    }

private:
    // A lenet trained on shapes for the prediction tests (trained once, on first use).
    QString shapesModel() {
        const QString model = m_dir.filePath("shapes-saliency.tsmodel");
        if (QFile::exists(model)) return model;
        const Run train = cli({"train", "--dataset", "shapes", "--samples", "3000", "--model", "lenet", "--epochs", "4",
                               "--lr", "0.003", "--save", model});
        if (train.exitCode != 0) qWarning("training failed: %s", qPrintable(train.err));
        return train.exitCode == 0 ? model : QString();
    }

    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(CliTest)
#include "tst_cli.moc"
