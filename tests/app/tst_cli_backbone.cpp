// training-studio-cli with a frozen ONNX backbone, as a script uses it: backbone-layers to pick
// the feature layer, train --backbone on an image folder (20 images per class), predict,
// evaluate and Why? on the saved file, and one stderr line with a non-zero exit for each bad
// backbone.

#include <QtTest>

#include "cli_process.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <filesystem>
#include <fstream>

#include "engine/data/image_io.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/onnx_export.h"
#include "engine/io/model_file.h"

using namespace studio;

class TestCliBackbone : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_store, m_onnx, m_folder, m_image;

    QString path(const QString& name) const { return m_dir.path() + "/" + name; }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_store = path("runs.sqlite");
        // The backbone: lenet trained briefly on the built-in shapes, exported as ONNX.
        const QString source = path("lenet.tsmodel");
        const Run trained = cli({"train", "--dataset", "shapes", "--samples", "800", "--model", "lenet", "--epochs",
                                 "2", "--threads", "2", "--save", source, "--store", m_store});
        QVERIFY2(trained.exitCode == 0, qPrintable(trained.err));
        auto snapshot = loadModelFile(source.toStdString());
        QVERIFY(snapshot.ok());
        auto onnx = exportOnnx(*snapshot);
        QVERIFY2(onnx.ok(), onnx.ok() ? "" : onnx.error().what().c_str());
        m_onnx = path("lenet.onnx");
        std::ofstream(m_onnx.toStdString(), std::ios::binary)
            .write(reinterpret_cast<const char*>(onnx->data()), static_cast<std::streamsize>(onnx->size()));

        // The task: 20 images per class of shapes drawn from another seed, as PNG files.
        auto fresh = generateDataset("shapes", 41, 400, 2);
        QVERIFY(fresh.ok());
        m_folder = path("folder");
        std::vector<int> count(static_cast<std::size_t>(fresh->pool.classCount()), 0);
        for (int i = 0; i < fresh->pool.size(); ++i) {
            const auto label = static_cast<std::size_t>(fresh->pool.label(i));
            if (count[label] == 20) continue;
            const std::string dir = m_folder.toStdString() + "/" + fresh->pool.classNames()[label];
            std::filesystem::create_directories(dir);
            DecodedImage img;
            img.channels = 1;
            img.height = img.width = 28;
            img.chw.assign(fresh->pool.pixels(i), fresh->pool.pixels(i) + 28 * 28);
            const std::string file = dir + "/" + std::to_string(count[label]++) + ".png";
            QVERIFY(writePng(file, img).ok());
            if (m_image.isEmpty()) m_image = QString::fromStdString(file);
        }
    }

    void layersListAndSuggest() {
        const Run r = cli({"backbone-layers", "--backbone", m_onnx, "--json"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        const QJsonArray layers = j["layers"].toArray();
        QVERIFY(layers.size() >= 8);
        bool found = false;
        for (const auto& l : layers)
            if (l.toObject()["name"].toString() == j["suggested"].toString()) {
                found = true;
                QCOMPARE(l.toObject()["type"].toString(), QString("Pooling"));
                QCOMPARE(l.toObject()["features"].toInt(), 16 * 5 * 5);  // lenet's second pooling
            }
        QVERIFY(found);
        QCOMPARE(j["input"].toArray().size(), 3);
    }

    void trainPredictEvaluateExplain() {
        const QString model = path("head.tsmodel");
        const Run r = cli({"train", "--dataset", m_folder, "--image-size", "28", "--channels", "gray", "--backbone",
                           m_onnx, "--model", "mlp", "--epochs", "15", "--threads", "2", "--save", model, "--json",
                           "--store", m_store});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("160 images through OpenCV DNN"), qPrintable(r.out));
        const QJsonObject j = r.lastJson();
        const double accuracy = j["test_accuracy"].toDouble();
        qInfo("head on lenet features, 20 images per class: test accuracy %.3f", accuracy);
        QVERIFY(accuracy > 0.25);  // chance is 0.125
        QVERIFY(QFile::exists(model));

        const Run predicted = cli({"predict", "--model", model, m_image, "--top", "2"});
        QVERIFY2(predicted.exitCode == 0, qPrintable(predicted.err));
        QVERIFY(!predicted.out.trimmed().isEmpty());

        const Run evaluated = cli({"evaluate", "--model", model, "--dataset", m_folder, "--image-size", "28",
                                   "--json"});
        QVERIFY2(evaluated.exitCode == 0, qPrintable(evaluated.err));
        // The saved file (backbone + head) scores the run's test split as the head did on its features.
        QCOMPARE(evaluated.lastJson()["samples"].toInt(), j["test_size"].toInt());
        QCOMPARE(evaluated.lastJson()["accuracy"].toDouble(), accuracy);

        // Latency and throughput of the whole model (OpenCV DNN backbone + head).
        const Run bench = cli({"bench-infer", "--model", model, "--batch", "1,8", "--threads", "1", "--json"});
        QVERIFY2(bench.exitCode == 0, qPrintable(bench.err));
        QCOMPARE(bench.lastJson()["results"].toArray().size(), 2);
        QVERIFY(bench.lastJson()["results"].toArray()[0].toObject()["latency_us"].toDouble() > 0.0);

        const QString why = path("why.png");
        const Run explained = cli({"predict", "--model", model, m_image, "--saliency", why});
        QVERIFY2(explained.exitCode == 0, qPrintable(explained.err));
        QVERIFY(QFile::exists(why));
    }

    void badBackbonesAreOneLine() {
        QFile junk(path("junk.onnx"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write(QByteArray(500, 'x'));
        junk.close();
        const Run notOnnx = cli({"train", "--dataset", m_folder, "--image-size", "28", "--backbone", junk.fileName(),
                                 "--model", "mlp", "--epochs", "1", "--store", m_store});
        QCOMPARE(notOnnx.exitCode, 1);  // a file that cannot be loaded
        QCOMPARE(notOnnx.errLines().size(), 1);
        QVERIFY2(notOnnx.err.contains("OpenCV DNN cannot load the backbone '" + junk.fileName() + "'"),
                 qPrintable(notOnnx.err));

        const Run wrongSize = cli({"train", "--dataset", m_folder, "--image-size", "32", "--backbone", m_onnx,
                                   "--model", "mlp", "--epochs", "1", "--store", m_store});
        QCOMPARE(wrongSize.exitCode, 2);  // a usage mistake: the data's size
        QVERIFY2(wrongSize.err.contains("takes 1×28×28 images") && wrongSize.err.contains("--image-size 28"),
                 qPrintable(wrongSize.err));

        const Run noLayer = cli({"train", "--dataset", m_folder, "--image-size", "28", "--backbone", m_onnx,
                                 "--feature-layer", "nope", "--model", "mlp", "--epochs", "1", "--store", m_store});
        QCOMPARE(noLayer.exitCode, 1);
        QVERIFY2(noLayer.err.contains("has no layer 'nope'"), qPrintable(noLayer.err));

    }

    // Augmented epochs put every shifted batch through the backbone; the saved file is whole.
    void augmentedTrainingRecomputesFeatures() {
        const QString model = path("augmented.tsmodel");
        const Run r = cli({"train", "--dataset", m_folder, "--image-size", "28", "--channels", "gray", "--backbone",
                           m_onnx, "--model", "mlp", "--epochs", "4", "--augment", "shift", "--threads", "2",
                           "--save", model, "--json", "--store", m_store});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QVERIFY2(r.out.contains("augmented batches go through it every epoch"), qPrintable(r.out));
        const double accuracy = r.lastJson()["test_accuracy"].toDouble();
        qInfo("head with shift augmentation: test accuracy %.3f", accuracy);
        const Run evaluated = cli({"evaluate", "--model", model, "--dataset", m_folder, "--image-size", "28",
                                   "--json"});
        QVERIFY2(evaluated.exitCode == 0, qPrintable(evaluated.err));
        QCOMPARE(evaluated.lastJson()["accuracy"].toDouble(), accuracy);
    }
};

QTEST_GUILESS_MAIN(TestCliBackbone)
#include "tst_cli_backbone.moc"
