// The Model dock's "Start from a pretrained network", as a user drives it: choose an ONNX file
// (a small CNN the studio trained on `shapes` and exported), see its layers with the suggestion,
// get a head on its features, train it, and keep a whole model (network inside) that predicts;
// a broken file is a message that names it and blocks Start; undo and the project file keep the
// choice.

#include <QCheckBox>
#include <QComboBox>
#include <QFileInfo>
#include <QSettings>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include <algorithm>
#include <fstream>

#include "app/gui/backbone_controller.h"
#include "app/gui/main_window.h"
#include "app/gui/training_controller.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/backbone.h"
#include "engine/deploy/onnx_export.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "engine/train/trainer.h"
#include "widgets/backbone_picker.h"
#include "widgets/training_controls.h"
#include "window_fixtures.h"

using namespace studio;
using namespace studio::app;
using nlohmann::json;

namespace {

constexpr int kLoadTimeout = 20000;
constexpr int kTrainTimeout = 180000;

void waitForData(MainWindow& w) {
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), kLoadTimeout);
}

// A small CNN trained briefly on the built-in shapes: the network the user "downloaded".
SnapshotPtr trainBackboneSource() {
    auto shapes = generateDataset("shapes", 11, 1600, 2);
    if (!shapes) qFatal("%s", shapes.error().what().c_str());
    auto spec = ModelSpec::fromJson(
        json{{"name", "small-cnn"},
             {"input", {1, 28, 28}},
             {"classes", 8},
             {"layers",
              {{{"type", "conv2d"}, {"filters", 8}, {"kernel", 3}, {"padding", 1}},
               {{"type", "relu"}},
               {{"type", "maxpool2d"}, {"size", 2}},
               {{"type", "conv2d"}, {"filters", 16}, {"kernel", 3}, {"padding", 1}},
               {{"type", "relu"}},
               {{"type", "globalavgpool"}},
               {{"type", "dense"}, {"units", 8}}}}},
        "test");
    if (!spec) qFatal("%s", spec.error().what().c_str());
    auto data = std::make_shared<const DatasetBundle>(std::move(*shapes));
    TrainingSetup setup;
    setup.config.epochs = 2;
    setup.config.batchSize = 32;
    setup.config.threads = 2;
    setup.config.optimizer.kind = "adam";
    setup.config.schedule.baseLr = 0.003f;
    setup.split = splitDataset(*data, 0.1, 0.1, 1);
    setup.data = data;
    setup.spec = *spec;
    auto outcome = trainToEnd(std::move(setup));
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return outcome->snapshot;
}

}  // namespace

class BackbonePickerTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_onnx;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_backbone_picker");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
        auto onnx = exportOnnx(*trainBackboneSource());
        QVERIFY2(onnx.ok(), onnx.ok() ? "" : onnx.error().what().c_str());
        m_onnx = m_dir.filePath("small-cnn.onnx");
        std::ofstream(m_onnx.toStdString(), std::ios::binary)
            .write(reinterpret_cast<const char*>(onnx->data()), static_cast<std::streamsize>(onnx->size()));
    }

    void choosingANetworkListsItsLayersAndTrainsAHead() {
        MainWindow w;
        waitForData(w);
        QCOMPARE(w.project().preset, QString("lenet"));
        widgets::BackbonePicker* picker = w.backbonePicker();
        QVERIFY(!picker->enabledBox()->isChecked());

        Q_EMIT picker->fileChosen(m_onnx);
        QTRY_VERIFY_WITH_TIMEOUT(w.backboneController()->featureSize().has_value(), 20000);
        QCOMPARE(w.undoStack()->undoText(), QString("Start from the pretrained network small-cnn.onnx"));
        QVERIFY(picker->enabledBox()->isChecked());
        // The layers as OpenCV DNN builds them, the last pooling output suggested and chosen.
        QComboBox* layers = picker->layerCombo();
        QVERIFY2(layers->count() > 4, qPrintable(QString::number(layers->count())));
        QVERIFY2(layers->currentText().contains("suggested"), qPrintable(layers->currentText()));
        QCOMPARE(*w.backboneController()->featureSize(), 16);  // the global average pool of 16 filters
        QVERIFY2(picker->statusText().contains("16 features"), qPrintable(picker->statusText()));
        // A convolutional preset cannot be a head: the studio switched to mlp, on the 16 features.
        QCOMPARE(w.project().preset, QString("mlp"));
        QCOMPARE(w.currentSpec().input, Shape({16}));
        QVERIFY2(w.startBlockedReason().isEmpty(), qPrintable(w.startBlockedReason()));

        // Another layer: the head's input follows, as one undoable step.
        int other = -1;
        for (int i = 0; i < layers->count(); ++i)
            if (layers->itemData(i, Qt::ToolTipRole).toString().startsWith("Pooling") &&
                !layers->itemText(i).contains("suggested"))
                other = i;
        QVERIFY(other >= 0);  // the max pool: 8×14×14
        layers->setCurrentIndex(other);
        Q_EMIT layers->activated(other);
        QCOMPARE(w.project().backbone.featureLayer, layers->itemData(other).toString());
        QTRY_COMPARE_WITH_TIMEOUT(w.backboneController()->featureSize().value_or(0), 8 * 14 * 14, 20000);
        QCOMPARE(w.currentSpec().input, Shape({8 * 14 * 14}));
        w.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(w.backboneController()->featureSize().value_or(0), 16, 20000);

        // Train the head: the run's models carry the network and predict images.
        setField(w.hyperparameterForm(), "epochs", 3);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->isRunning(), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning(), kTrainTimeout);
        const auto& finished = w.trainingController()->finished();
        QVERIFY2(finished.has_value(), qPrintable(w.trainingControls()->statusText()));
        QVERIFY2(finished->testAccuracy > 0.5, qPrintable(QString::number(finished->testAccuracy)));
        SnapshotPtr model = w.currentModel();
        QVERIFY(model && model->backbone);
        QCOMPARE(model->backbone->featureSize(), 16);
        QCOMPARE(model->model.inputShape(), Shape({16}));
        // It classifies the dataset's images as they are: pixels in, the network inside.
        const Dataset& pool = w.dataset()->pool;
        constexpr int n = 64, pixels = 28 * 28;
        Tensor x(Shape{n, 1, 28, 28}), logits;
        for (int i = 0; i < n; ++i) {
            for (int p = 0; p < pixels; ++p) x.data()[i * pixels + p] = pool.pixels(i)[p] / 255.0f;
            model->preprocessing.normalize(x.data() + i * pixels);
        }
        snapshotLogits(*model, x, logits);
        QCOMPARE(logits.dim(1), 8);
        int right = 0;
        for (int i = 0; i < n; ++i) {
            const float* row = logits.data() + i * 8;
            right += int(std::max_element(row, row + 8) - row) == pool.label(i);
        }
        QVERIFY2(right > n / 2, qPrintable(QString("%1 of %2 right").arg(right).arg(n)));

        // Saved, the file holds the network; loaded, it is the same whole model.
        const QString path = m_dir.filePath("head.tsmodel");
        w.saveModel(path);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(path), 10000);
        auto loaded = loadModelFile(path.toStdString());
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());
        QVERIFY(loaded->backbone);
        QCOMPARE(loaded->backbone->sha256(), model->backbone->sha256());

        // The project keeps the choice.
        const QString project = m_dir.filePath("backbone-project.json");
        QVERIFY(w.saveProject(project).ok());
        MainWindow again;
        waitForData(again);
        QVERIFY(again.openProject(project).ok());
        QCOMPARE(again.project().backbone.path, m_onnx);
        QTRY_COMPARE_WITH_TIMEOUT(again.backboneController()->featureSize().value_or(0), 16, 20000);
        QCOMPARE(again.currentSpec().input, Shape({16}));
    }

    void aBrokenFileIsAMessageThatBlocksStart() {
        MainWindow w;
        waitForData(w);
        const QString bad = m_dir.filePath("not-a-network.onnx");
        {
            std::ofstream out(bad.toStdString());
            out << "this is not an ONNX file";
        }
        Q_EMIT w.backbonePicker()->fileChosen(bad);
        QTRY_VERIFY_WITH_TIMEOUT(w.backbonePicker()->isShowingError(), 20000);
        QVERIFY2(w.backbonePicker()->statusText().contains("not-a-network.onnx"),
                 qPrintable(w.backbonePicker()->statusText()));
        QVERIFY2(w.startBlockedReason().contains("pretrained network"), qPrintable(w.startBlockedReason()));
        QVERIFY(!w.trainingControls()->startButton()->isEnabled());
        // Unchecking the box trains from scratch again, with nothing blocking.
        Q_EMIT w.backbonePicker()->fileChosen(QString());
        QVERIFY(!w.project().backbone.isSet());
        QVERIFY(!w.backbonePicker()->enabledBox()->isChecked());
        QVERIFY2(w.startBlockedReason().isEmpty(), qPrintable(w.startBlockedReason()));
    }
};

QTEST_MAIN(BackbonePickerTest)
#include "tst_backbone_picker.moc"
