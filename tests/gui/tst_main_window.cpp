// The studio window, driven as a user would through its widgets' public API: choose data and a
// preset, start, watch the charts fill, pause, resume, stop; invalid layers block Start; edits
// undo and redo; a dropped folder loads; NaN and restarts; closing mid-run.

#include <QApplication>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QListWidget>
#include <QMimeData>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QUrl>
#include <QLineEdit>
#include <QtTest>

#include "tests/screenshot.h"
#include "tests/timing_limits.h"

#include "window_fixtures.h"

#include <cmath>

#include "app/gui/dataset_panel.h"
#include "app/gui/engine_conversions.h"
#include "app/gui/main_window.h"
#include "app/gui/startup_options.h"
#include "app/gui/training_controller.h"
#include "app/gui/training_setup.h"
#include "engine/data/image_io.h"
#include "engine/io/model_file.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "widgets/architecture_editor.h"
#include "widgets/class_count_chart.h"
#include "widgets/drop_area.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/image_gallery.h"
#include "widgets/layer_table_model.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/schedule_preview.h"
#include "widgets/scientific_spin_box.h"
#include "widgets/training_controls.h"

using namespace studio;
using namespace studio::app;
using State = widgets::TrainingControls::State;

namespace {

constexpr int kLoadTimeout = 20000;
constexpr int kTrainTimeout = 120000;

void waitForData(MainWindow& w) {
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), kLoadTimeout);
}

void choosePreset(MainWindow& w, const QString& preset) {
    QComboBox* presets = w.architectureEditor()->presetCombo();
    const int index = presets->findText(preset);
    QVERIFY(index > 0);
    presets->setCurrentIndex(index);
    Q_EMIT presets->activated(index);
}

void chooseDataset(MainWindow& w, const QString& name) {
    QComboBox* combo = w.datasetPanel()->datasetCombo();
    const int index = combo->findData(name);
    QVERIFY2(index >= 0, qPrintable(name));
    combo->setCurrentIndex(index);
    Q_EMIT combo->activated(index);
}

QString percent(double fraction) {
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

void writeImageFolder(const QString& root) {
    for (int c = 0; c < 2; ++c) {
        const QString cls = c == 0 ? "dark" : "light";
        QDir().mkpath(root + "/" + cls);
        for (int i = 0; i < 6; ++i) {
            QImage img(20, 16, QImage::Format_RGB888);
            img.fill(c == 0 ? QColor(20 + i, 10, 30) : QColor(230, 220 - i, 200));
            QVERIFY(img.save(QStringLiteral("%1/%2/%3.png").arg(root, cls).arg(i)));
        }
    }
    QFile bad(root + "/light/broken.png");
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write("this is not a png");
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_runs;
private Q_SLOTS:
    void initTestCase();
    void opensOnShapesWithPresetReady();
    void trainsLiveAndShowsTheEnginesAccuracy();
    void guiNeverStallsDuringARun();
    void stopTakesEffectQuicklyAndRestartWorks();
    void invalidLayersBlockStartWithTheMessage();
    void undoRedoRestoresEdits();
    void droppedFolderLoadsWithSkippedFiles();
    void correctionJoinsTheImageFolderAndFineTunes();
    void divergingRunReportsNaNAndRestartWorks();
    void closingMidRunExitsQuickly();
    void projectSaveAndOpenRoundTrip();
    void badModelFilesAndUnwritableFoldersAreMessages();
    void startupOptions();
    void loadErrorClearsWhenALaterLoadWorks();
    void distilledRunFromTheForm();
};

void MainWindowTest::initTestCase() {
    // Keep the user's settings out of the tests (and the tests out of the user's settings).
    QCoreApplication::setOrganizationName("TrainingStudioTests");
    QCoreApplication::setApplicationName("tst_main_window");
    QSettings().clear();
    QSettings().setValue("runs/store", m_runs.filePath("runs.sqlite"));  // this test's own run store
}

void MainWindowTest::opensOnShapesWithPresetReady() {
    MainWindow w;
    waitForData(w);
    QCOMPARE(w.project().dataset, QString("shapes"));
    QCOMPARE(w.dataset()->pool.classCount(), 8);
    QCOMPARE(w.datasetPanel()->classCounts()->names().size(), 8);
    QVERIFY(w.datasetPanel()->gallery()->count() == 6000);
    QVERIFY2(w.datasetPanel()->infoText().contains("6,000 samples in 8 classes"),
             qPrintable(w.datasetPanel()->infoText()));
    // No augmentation yet: every preview is the sample itself; with rotation they differ.
    QCOMPARE(w.datasetPanel()->augmentPreviewCount(), 8);
    const QList<QImage> plain = w.datasetPanel()->augmentPreview();
    for (const QImage& img : plain) QCOMPARE(img, plain.first());
    setField(w.datasetPanel()->form(), "aug_rotate", 30.0);
    QCOMPARE(w.project().settings.value("aug_rotate").toDouble(), 30.0);
    const QList<QImage> rotated = w.datasetPanel()->augmentPreview();
    QCOMPARE(rotated.first(), plain.first());
    for (int i = 1; i < rotated.size(); ++i) QVERIFY(rotated[i] != plain.first());
    QVERIFY(w.architectureEditor()->rowCount() > 3);
    QVERIFY(w.startBlockedReason().isEmpty());
    QVERIFY(w.trainingControls()->startButton()->isEnabled());
    QVERIFY(w.schedulePreview()->pointCount() > 1);
    // The studio opens with lenet's tuned options in the form; choosing another preset brings its own,
    // as one undoable step.
    const nlohmann::json lenet = presetTrainingOptions("lenet"), mlp = presetTrainingOptions("mlp");
    for (const auto& [key, value] : lenet.items())
        QCOMPARE(w.hyperparameterForm()->value(QString::fromStdString(key)), toVariant(value));
    choosePreset(w, "mlp");
    for (const auto& [key, value] : mlp.items())
        QCOMPARE(w.hyperparameterForm()->value(QString::fromStdString(key)), toVariant(value));
    // lenet's batch of 32 is not mlp's: the form trains mlp as the CLI does, with the default.
    QCOMPARE(w.hyperparameterForm()->value("batch_size").toInt(), defaultOptions()["batch_size"].get<int>());
    QCOMPARE(w.undoStack()->undoText(), QString("Use the mlp preset and its tuned training options"));
    w.undoStack()->undo();
    QCOMPARE(w.hyperparameterForm()->value("lr"), toVariant(presetTrainingOptions("lenet")["lr"]));
}

void MainWindowTest::trainsLiveAndShowsTheEnginesAccuracy() {
    MainWindow w;
    waitForData(w);
    chooseDataset(w, "spirals");
    waitForData(w);
    QCOMPARE(w.dataset()->pool.classCount(), 3);
    chooseDataset(w, "shapes");
    waitForData(w);
    choosePreset(w, "lenet");
    QCOMPARE(w.project().preset, QString("lenet"));
    setField(w.hyperparameterForm(), "epochs", 4);
    QCOMPARE(w.project().settings.value("epochs").toInt(), 4);

    QTest::mouseClick(w.trainingControls()->startButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(w.trainingControls()->state(), State::Running, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(w.lossChart()->pointCount("batch") > 5, 10000);
    QVERIFY(w.learningRateChart()->pointCount("lr") > 5);
    QVERIFY(w.accuracyChart()->pointCount("batch") > 5);  // accuracy moves before the first epoch ends

    QTest::mouseClick(w.trainingControls()->pauseButton(), Qt::LeftButton);
    QCOMPARE(w.trainingControls()->state(), State::Paused);
    QTest::qWait(250);  // the step under way ends, then nothing moves
    w.trainingController()->drainEvents();
    const int pausedPoints = w.lossChart()->pointCount("batch");
    QTest::qWait(300);
    w.trainingController()->drainEvents();
    QCOMPARE(w.lossChart()->pointCount("batch"), pausedPoints);
    QTest::mouseClick(w.trainingControls()->pauseButton(), Qt::LeftButton);  // now "Resume"
    QCOMPARE(w.trainingControls()->state(), State::Running);

    QTRY_VERIFY_WITH_TIMEOUT(w.runLog()->plainText().contains("epoch 1/4"), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning(), kTrainTimeout);
    QCOMPARE(w.trainingControls()->state(), State::Idle);
    QCOMPARE(w.accuracyChart()->pointCount("val"), 4);
    QVERIFY(w.lossChart()->pointCount("batch") > pausedPoints);

    // The engine alone, same data, architecture and settings: the same weights, so the same score.
    auto setup = prepareTrainingSetup(w.dataset(), w.currentSpec(), w.project().settings);
    QVERIFY(setup.ok());
    auto outcome = trainToEnd(std::move(*setup));
    QVERIFY(outcome.ok());
    const auto& shown = w.trainingController()->finished();
    QVERIFY(shown.has_value());
    QCOMPARE(shown->testAccuracy, outcome->finished.testAccuracy);
    QCOMPARE(shown->validationAccuracy, outcome->finished.validationAccuracy);
    QVERIFY2(w.resultText().contains("test accuracy " + percent(outcome->finished.testAccuracy)),
             qPrintable(w.resultText()));
    QVERIFY(outcome->finished.testAccuracy > 0.9);
    QVERIFY(w.currentModel() != nullptr);
}

void MainWindowTest::guiNeverStallsDuringARun() {
    MainWindow w;
    w.resize(1280, 800);
    w.show();
    waitForData(w);
    setField(w.hyperparameterForm(), "epochs", 3);
    setField(w.hyperparameterForm(), "threads", 1);  // leave a core to the GUI, as a desktop has
    qint64 longest = 0, ticks = 0;
    QElapsedTimer clock;
    QTimer probe;
    probe.setInterval(10);
    connect(&probe, &QTimer::timeout, [&] {
        if (clock.isValid()) longest = std::max(longest, clock.elapsed());
        clock.restart();
        ++ticks;
    });
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->isRunning(), 5000);
    probe.start();
    QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning(), kTrainTimeout);
    probe.stop();
    qInfo("GUI thread: longest gap between 10 ms ticks during the run: %lld ms over %lld ticks", longest, ticks);
    QVERIFY(ticks > 20);
    QVERIFY2(longest < timeLimitMs(50), qPrintable(QString("longest gap %1 ms").arg(longest)));
}

void MainWindowTest::stopTakesEffectQuicklyAndRestartWorks() {
    MainWindow w;
    waitForData(w);
    setField(w.hyperparameterForm(), "epochs", 50);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.lossChart()->pointCount("batch") > 3, 10000);
    QElapsedTimer t;
    t.start();
    QTest::mouseClick(w.trainingControls()->stopButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning(), 2000);
    const qint64 stopMs = t.elapsed();
    qInfo("Stop took effect (final event shown) after %lld ms", stopMs);
    QVERIFY2(stopMs < timeLimitMs(200 + 40), qPrintable(QString("%1 ms").arg(stopMs)));  // + one drain tick
    QVERIFY(w.runLog()->plainText().contains("Stopped during epoch"));
    QCOMPARE(w.trainingControls()->state(), State::Idle);

    setField(w.hyperparameterForm(), "epochs", 1);
    QTest::mouseClick(w.trainingControls()->startButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    QCOMPARE(w.accuracyChart()->pointCount("val"), 1);  // the charts started over
}

void MainWindowTest::invalidLayersBlockStartWithTheMessage() {
    MainWindow w;
    waitForData(w);
    choosePreset(w, "mlp");
    widgets::ArchitectureEditor* editor = w.architectureEditor();
    const int rows = editor->rowCount();
    // A 40×40 convolution cannot fit a 28×28 image: insert one at the top and make it so.
    editor->selectRow(-1);
    Q_EMIT editor->layerInsertRequested(0, "conv2d");
    QCOMPARE(editor->rowCount(), rows + 1);
    Q_EMIT editor->layerOptionEdited(0, "kernel", 40);
    const QString problem = editor->model()->index(0, widgets::LayerTableModel::Problem).data().toString();
    QVERIFY2(problem.contains("kernel 40"), qPrintable(problem));
    QVERIFY(!w.trainingControls()->startButton()->isEnabled());
    QVERIFY2(w.startBlockedReason().contains("layer 1 conv2d"), qPrintable(w.startBlockedReason()));
    QCOMPARE(w.trainingControls()->startButton()->toolTip(), w.startBlockedReason());
    w.undoStack()->undo();
    QVERIFY(w.trainingControls()->startButton()->isEnabled());
}

void MainWindowTest::undoRedoRestoresEdits() {
    MainWindow w;
    waitForData(w);
    const int rows = w.architectureEditor()->rowCount();
    setField(w.hyperparameterForm(), "lr", 0.02);
    // The Edit menu names the field as the form does, not by its key.
    QCOMPARE(w.undoStack()->undoText(), QString("Change Learning rate"));
    setField(w.hyperparameterForm(), "optimizer", "sgd");
    Q_EMIT w.architectureEditor()->layerRemoveRequested(0);
    QCOMPARE(w.architectureEditor()->rowCount(), rows - 1);
    QCOMPARE(w.undoStack()->count(), 3);

    w.undoStack()->undo();
    QCOMPARE(w.architectureEditor()->rowCount(), rows);
    w.undoStack()->undo();
    QCOMPARE(w.hyperparameterForm()->value("optimizer").toString(), QString("adam"));
    w.undoStack()->undo();
    QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), presetTrainingOptions("lenet")["lr"].get<double>());
    QCOMPARE(w.project(), defaultProject());
    w.undoStack()->redo();
    w.undoStack()->redo();
    QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), 0.02);
    QCOMPARE(w.hyperparameterForm()->value("optimizer").toString(), QString("sgd"));
    QCOMPARE(w.architectureEditor()->rowCount(), rows);

    setField(w.datasetPanel()->form(), "val_split", 0.2);
    QCOMPARE(w.undoStack()->undoText(), QString("Change Validation split"));
    w.undoStack()->undo();

    // A change of dataset is one step too, and undoing it loads the previous set again.
    chooseDataset(w, "circles");
    waitForData(w);
    QCOMPARE(w.dataset()->pool.classCount(), 2);
    w.undoStack()->undo();
    waitForData(w);
    QCOMPARE(w.project().dataset, QString("shapes"));
    QCOMPARE(w.dataset()->pool.classCount(), 8);
}

void MainWindowTest::droppedFolderLoadsWithSkippedFiles() {
    QTemporaryDir dir;
    writeImageFolder(dir.path());
    MainWindow w;
    waitForData(w);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(dir.path())});
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w.datasetPanel()->dropArea(), &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(w.datasetPanel()->dropArea(), &drop);
    QVERIFY(drop.isAccepted());
    QTRY_COMPARE_WITH_TIMEOUT(w.project().dataset, dir.path(), 2000);
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && w.dataset()->pool.classCount() == 2, kLoadTimeout);
    QCOMPARE(w.datasetPanel()->classCounts()->names(), QStringList({"dark", "light"}));
    QCOMPARE(w.datasetPanel()->classCounts()->counts(), QList<int>({6, 6}));
    QCOMPARE(w.datasetPanel()->skippedList()->count(), 1);
    QVERIFY(w.runLog()->plainText().contains("broken.png"));
    QVERIFY(w.startBlockedReason().isEmpty());
}

void MainWindowTest::correctionJoinsTheImageFolderAndFineTunes() {
    QTemporaryDir dir;
    writeImageFolder(dir.path());
    MainWindow w;
    waitForData(w);
    chooseDataset(w, "spirals");  // any other set first, so the folder is a change
    waitForData(w);
    Project p = w.project();
    p.dataset = dir.path();
    p.preset = "mlp";
    w.editProject(p, "folder");
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && w.dataset()->pool.classCount() == 2, kLoadTimeout);
    setField(w.hyperparameterForm(), "epochs", 2);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    const int epochsBefore = int(w.trainingController()->epochs().size());

    // A new light picture, filed by the user under "dark" (class 0).
    const QString picture = QDir(dir.path()).filePath("new-light.png");
    QImage img(20, 16, QImage::Format_RGB888);
    img.fill(QColor(240, 240, 230));
    QVERIFY(img.save(picture));
    auto decoded = readImageFile(picture.toStdString());
    QVERIFY(decoded.ok());
    w.correctAndRetrain(*decoded, picture, 0);
    QVERIFY(QFile::exists(dir.path() + "/dark/new-light.png"));
    QTRY_COMPARE(w.datasetPanel()->classCounts()->counts(),
                 QList<int>({7, 6}));  // once the copy is made off the GUI thread
    // The fine-tuning run can be over between two polls: wait for its outcome, not its running.
    const TrainingController* run = w.trainingController();
    QTRY_VERIFY_WITH_TIMEOUT(
        run->lastSetup() && run->lastSetup()->data->pool.size() == 13 && run->finished() && !run->isRunning(),
        kTrainTimeout);
    QCOMPARE(int(run->epochs().size()), w.project().settings.value("fine_tune_epochs").toInt());
    QVERIFY(epochsBefore == 2);
    QVERIFY(w.runLog()->plainText().contains("Copied new-light.png"));
}

void MainWindowTest::divergingRunReportsNaNAndRestartWorks() {
    MainWindow w;
    waitForData(w);
    choosePreset(w, "mlp");
    setField(w.hyperparameterForm(), "optimizer", "sgd");
    setField(w.hyperparameterForm(), "lr", 10.0);
    setField(w.hyperparameterForm(), "epochs", 3);
    QCOMPARE(w.project().settings.value("optimizer").toString(), QString("sgd"));
    QCOMPARE(w.project().settings.value("lr").toDouble(), 10.0);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(!w.trainingController()->isRunning() && w.trainingController()->lastSetup(),
                             kTrainTimeout);
    QVERIFY2(w.trainingControls()->statusIsError(), qPrintable(w.trainingControls()->statusText()));
    QVERIFY2(w.trainingControls()->statusText().contains("Training failed"),
             qPrintable(w.trainingControls()->statusText()));
    QVERIFY(w.runLog()->plainText().contains("learning rate"));
    QTRY_VERIFY(!w.trainingController()->isRunning());
    QCOMPARE(w.trainingControls()->state(), State::Idle);

    setField(w.hyperparameterForm(), "lr", 0.05);
    setField(w.hyperparameterForm(), "epochs", 1);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    QVERIFY(!w.trainingControls()->statusIsError());
}

void MainWindowTest::closingMidRunExitsQuickly() {
    auto* w = new MainWindow;
    w->show();
    waitForData(*w);
    setField(w->hyperparameterForm(), "epochs", 50);
    w->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w->lossChart()->pointCount("batch") > 3, 10000);
    QElapsedTimer t;
    t.start();
    answerNextQuestionWithDefault();  // "Quit while training?": Stop and Quit, the run is kept
    QVERIFY(w->close());
    delete w;
    const qint64 ms = t.elapsed();
    qInfo("Closing mid-run took %lld ms", ms);
    QVERIFY(ms < timeLimitMs(2000));
}

void MainWindowTest::projectSaveAndOpenRoundTrip() {
    QTemporaryDir dir;
    const QString path = dir.filePath("p.json");
    {
        MainWindow w;
        waitForData(w);
        chooseDataset(w, "gauss");
        waitForData(w);
        choosePreset(w, "mlp");
        setField(w.hyperparameterForm(), "batch_size", 32);
        setField(w.hyperparameterForm(), "schedule", "cosine");
        QVERIFY(w.saveProject(path).ok());
    }
    MainWindow w;
    waitForData(w);
    QVERIFY(w.openProject(path).ok());
    waitForData(w);
    QCOMPARE(w.project().dataset, QString("gauss"));
    QCOMPARE(w.hyperparameterForm()->value("batch_size").toInt(), 32);
    QCOMPARE(w.hyperparameterForm()->value("schedule").toString(), QString("cosine"));
    QCOMPARE(w.currentSpec().toJson(), [&] {
        auto spec = presetSpec("mlp", w.dataset()->pool.sampleShape(), 4);
        return spec->toJson();
    }());

    QFile broken(dir.filePath("broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"format\": \"training-studio-project\", \"settings\": {\"epochs\": 0}}");
    broken.close();
    const Status s = w.openProject(broken.fileName());
    QVERIFY(!s.ok());
    QVERIFY2(toQString(s.error().what()).contains("broken.json"), s.error().what().c_str());
    QVERIFY(w.trainingControls()->statusIsError());
    QCOMPARE(w.project().dataset, QString("gauss"));  // nothing was lost
}

void MainWindowTest::badModelFilesAndUnwritableFoldersAreMessages() {
    QTemporaryDir dir;
    QSettings().remove("runs/current");  // a new studio without a model from earlier runs
    MainWindow w;
    waitForData(w);
    // A truncated model file: refused with a message naming it; nothing else changes.
    const QString broken = dir.filePath("broken.tsmodel");
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("TSMODEL\0\1\0\0\0\xff\xff");
    f.close();
    const Status s = w.loadModel(broken);
    QVERIFY(!s.ok());
    QVERIFY2(w.trainingControls()->statusText().contains("broken.tsmodel"),
             qPrintable(w.trainingControls()->statusText()));
    QVERIFY(w.trainingControls()->statusIsError());
    QVERIFY(w.currentModel() == nullptr);

    // Saving without a model, and into a folder that does not exist: messages, no crash.
    w.saveModel(dir.filePath("none.tsmodel"));
    QVERIFY(w.trainingControls()->statusText().contains("no model"));
    setField(w.hyperparameterForm(), "epochs", 1);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    const QString nowhere = dir.filePath("missing-folder/model.tsmodel");
    w.saveModel(nowhere);
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingControls()->statusIsError(), 5000);
    QVERIFY2(w.trainingControls()->statusText().contains("missing-folder"),
             qPrintable(w.trainingControls()->statusText()));
    QVERIFY(!w.saveProject(nowhere + ".json").ok());
    QVERIFY(!QFile::exists(nowhere));

    // And a good save loads back as the same model.
    const QString good = dir.filePath("good.tsmodel");
    w.saveModel(good);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(good), 5000);
    QVERIFY(w.loadModel(good).ok());
    QCOMPARE(weightsSha256(w.currentModel()->model), weightsSha256(w.trainingController()->snapshot()->model));
    QVERIFY(w.currentModel() != w.trainingController()->snapshot());  // the loaded one is in use
}

void MainWindowTest::startupOptions() {
    QString error, help;
    auto o = parseStartupOptions(
        {"training-studio", "p.json", "--dataset", "spirals", "--model", "mlp", "--epochs", "3", "--start"}, &error,
        &help);
    QVERIFY(o.has_value());
    QCOMPARE(o->project, QString("p.json"));
    QCOMPARE(o->dataset, QString("spirals"));
    QCOMPARE(o->model, QString("mlp"));
    QCOMPARE(*o->epochs, 3);
    QVERIFY(o->start);
    QVERIFY(!parseStartupOptions({"training-studio", "--epochs", "zero"}, &error, &help));
    QVERIFY(error.contains("--epochs"));

    MainWindow w;
    w.applyStartup(*parseStartupOptions(
        {"training-studio", "--dataset", "spirals", "--model", "mlp", "--epochs", "2", "--start"}, &error, &help));
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    QCOMPARE(w.project().dataset, QString("spirals"));
    QCOMPARE(w.trainingController()->epochs().size(), std::size_t(2));  // --epochs over the preset's 10
    QCOMPARE(w.project().settings.value("lr").toDouble(),  // the rest as the CLI trains mlp on spirals
             withRecommendedOptions("mlp", "spirals", {})["lr"].get<double>());
    QCOMPARE(w.project().settings.value("batch_size").toInt(), defaultOptions()["batch_size"].get<int>());
}

void MainWindowTest::loadErrorClearsWhenALaterLoadWorks() {
    MainWindow w;
    w.resize(1024, 700);
    w.show();  // to be looked at (STUDIO_SCREENSHOT_DIR)
    waitForData(w);
    QTemporaryDir dir;
    const QString missing = dir.filePath("no-such-folder");
    Q_EMIT w.datasetPanel()->datasetRequested(missing);
    QTRY_VERIFY_WITH_TIMEOUT(w.project().dataset == missing && !w.isDatasetLoading() && !w.dataset(), kLoadTimeout);
    QVERIFY(w.trainingControls()->statusIsError());
    QVERIFY2(w.trainingControls()->statusText().contains("Could not load the dataset"),
             qPrintable(w.trainingControls()->statusText()));
    QVERIFY(test::saveScreenshot(w, "dataset-load-error"));

    chooseDataset(w, "circles");
    waitForData(w);
    QCOMPARE(w.dataset()->pool.classCount(), 2);
    QVERIFY2(!w.trainingControls()->statusText().contains("Could not load"),
             qPrintable(w.trainingControls()->statusText()));
    QVERIFY(!w.trainingControls()->statusIsError());
    QVERIFY(!w.datasetPanel()->infoText().contains("no-such-folder"));
    // The log keeps the failure and, after it, the load that worked.
    const QString log = w.runLog()->plainText();
    QVERIFY2(log.lastIndexOf("Loaded circles") > log.lastIndexOf("Could not load the dataset"), qPrintable(log));
    QVERIFY(test::saveScreenshot(w, "dataset-load-error-cleared"));
}

// A teacher typed into the form's Distillation field: the run distils (the teacher read on the
// worker that prepares the run, never on the GUI thread), and a missing file is a message.
void MainWindowTest::distilledRunFromTheForm() {
    MainWindow w;
    waitForData(w);
    setField(w.hyperparameterForm(), "epochs", 1);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTrainTimeout);
    const QString teacher = m_runs.filePath("teacher.tsmodel");
    w.saveModel(teacher);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(teacher), 10000);

    auto* path = w.hyperparameterForm()->editor("distill_teacher")->findChild<QLineEdit*>();
    QVERIFY(path);
    path->setText(m_runs.filePath("no-such-teacher.tsmodel"));
    Q_EMIT path->editingFinished();
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.runLog()->plainText().contains("no-such-teacher.tsmodel"), 10000);
    QVERIFY(!w.trainingController()->isRunning());

    path->setText(teacher);
    Q_EMIT path->editingFinished();
    QCOMPARE(w.project().settings.value("distill_teacher").toString(), teacher);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->isRunning(), 10000);
    const auto& setup = w.trainingController()->lastSetup();
    QVERIFY(setup.has_value());
    QCOMPARE(QString::fromStdString(setup->config.distillation.teacher), teacher);
    QVERIFY2(setup->teacher != nullptr, "the teacher was loaded before the run reached the GUI thread");
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value() && !w.trainingController()->isRunning(),
                             kTrainTimeout);
}

QTEST_MAIN(MainWindowTest)
#include "tst_main_window.moc"
