// The studio's "Try it" panel and evaluation view with a model trained in the window: dropped
// files become prediction cards that match the engine's predictor, bad files become error
// cards, pasted image data works, Why? draws a heatmap, a correction fine-tunes the model, a
// folder classifies into a table, and the evaluation view shows the CLI's numbers exactly.
// With STUDIO_SCREENSHOT_DIR set, the window is saved there at each stage (for looking at it).

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QPainter>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUrl>
#include <QtTest>

#include <cmath>

#include "tests/timing_limits.h"
#include "app/gui/dataset_panel.h"
#include "app/gui/evaluation_controller.h"
#include "app/gui/inference_controller.h"
#include "app/gui/main_window.h"
#include "tests/screenshot.h"
#include "app/gui/training_controller.h"
#include "engine/infer/predictor.h"
#include "widgets/camera_view.h"
#include "widgets/class_count_chart.h"
#include "widgets/confusion_matrix_view.h"
#include "widgets/evaluation_view.h"
#include "widgets/folder_results_table.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/inference_panel.h"
#include "widgets/inference_toolbar.h"
#include "widgets/prediction_card.h"
#include "widgets/probability_bars.h"
#include "widgets/run_log.h"

using namespace studio;
using namespace studio::app;
using widgets::PredictionCard;

namespace {

const QString kSamples = QStringLiteral(STUDIO_SOURCE_DIR "/datasets/samples");

void drop(QWidget* target, const QStringList& paths) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths) urls.append(QUrl::fromLocalFile(p));
    mime.setUrls(urls);
    QDragEnterEvent enter(QPoint(50, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent dropEvent(QPointF(50, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(target, &dropEvent);
    QVERIFY(dropEvent.isAccepted());
}

void waitIdle(InferenceController* c) {
    QTRY_VERIFY_WITH_TIMEOUT(c->pendingJobs() == 0, 30000);
}

PredictionCard* cardTitled(widgets::InferencePanel* panel, const QString& fileName) {
    for (int id : panel->cardIds())
        if (panel->card(id)->toolTip().contains(fileName) || panel->card(id)->shownTitle().contains(fileName))
            return panel->card(id);
    return nullptr;
}

double probabilityOf(const PredictionCard* card, int classIndex) {
    for (const auto& p : card->bars()->probabilities())
        if (p.classIndex == classIndex) return p.probability;
    return -1.0;
}

}  // namespace

class InferenceEvaluationTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void noModelSaysSo();
    void droppedFilesBecomeCardsMatchingTheEngine();
    void pastedImageDataBecomesACard();
    void whyShowsAHeatmap();
    void folderClassifiesIntoATable();
    void cameraAbsentIsAMessage();
    void videoFramesGetLiveProbabilities();
    void evaluationMatchesTheCli();
    void correctionFineTunesTowardsTheChosenClass();
    void dropToBarsLatency();

private:
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
};

void InferenceEvaluationTest::initTestCase() {
    QCoreApplication::setOrganizationName("TrainingStudioTests");
    QCoreApplication::setApplicationName("tst_inference_evaluation");
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->dataset() && !m_window->isDatasetLoading(), 20000);
}

void InferenceEvaluationTest::cleanupTestCase() {
    m_window->inferenceController()->waitForIdle();
    m_window.reset();
}

void InferenceEvaluationTest::noModelSaysSo() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    QVERIFY(!panel->hasModel());
    QVERIFY(panel->modelStatusText().contains("No model"));
    drop(panel, {kSamples + "/shape-star.png"});
    waitIdle(m_window->inferenceController());
    QCOMPARE(panel->cardCount(), 1);
    // Decoded and shown, waiting for a model, and saying so rather than "Predicting…".
    PredictionCard* waiting = panel->card(panel->cardIds().first());
    QVERIFY(!waiting->shownPicture().isNull());
    QCOMPARE(waiting->state(), PredictionCard::State::Waiting);
    QVERIFY2(waiting->statusText().contains("No model yet"), qPrintable(waiting->statusText()));
    m_window->centralTabs()->setCurrentWidget(panel);
    QVERIFY(test::saveScreenshot(*m_window, "card-waiting-for-a-model"));

    // Train: the card refreshes with the new model by itself.
    m_window->hyperparameterForm()->setValues({{"epochs", 3}});
    QVariantMap s = m_window->project().settings;
    s["epochs"] = 3;
    Project p = m_window->project();
    p.settings = s;
    m_window->editProject(p, "epochs");
    m_window->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->trainingController()->finished().has_value(), 120000);
    QTRY_VERIFY(panel->hasModel());
    waitIdle(m_window->inferenceController());
    PredictionCard* card = panel->card(panel->cardIds().first());
    QTRY_COMPARE(card->state(), PredictionCard::State::Prediction);
    QCOMPARE(card->bars()->probabilities().first().name, QString("star"));
    QVERIFY(test::saveScreenshot(*m_window, "after-training"));
    panel->clearCards();
}

void InferenceEvaluationTest::droppedFilesBecomeCardsMatchingTheEngine() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    m_window->centralTabs()->setCurrentWidget(panel);
    panel->setTopK(8);  // every class: the bars must add up to 1
    const QString dir = m_dir.filePath("drops");
    QDir().mkpath(dir + "/folder");
    QFile::copy(kSamples + "/shape-circle.png", dir + "/circle.png");
    QFile::copy(kSamples + "/shape-star.jpg", dir + "/star.jpg");
    QFile::copy(kSamples + "/shape-ring.png", dir + "/folder/ring.png");
    QFile::copy(kSamples + "/shape-arrow.png", dir + "/folder/arrow.png");
    QFile text(dir + "/notes.png");
    QVERIFY(text.open(QIODevice::WriteOnly));
    text.write("these are my notes, not a picture\n");
    text.close();
    QFile whole(kSamples + "/shape-cross.png");
    QVERIFY(whole.open(QIODevice::ReadOnly));
    const QByteArray png = whole.readAll();
    QFile truncated(dir + "/truncated.png");
    QVERIFY(truncated.open(QIODevice::WriteOnly));
    truncated.write(png.left(png.size() / 2));
    truncated.close();

    drop(panel, {dir + "/circle.png", dir + "/star.jpg", dir + "/notes.png", dir + "/truncated.png", dir + "/folder"});
    waitIdle(m_window->inferenceController());
    QCOMPARE(panel->cardCount(), 6);

    const SnapshotPtr model = m_window->currentModel();
    for (const char* file : {"circle.png", "star.jpg", "ring.png", "arrow.png"}) {
        const QString name = QString::fromLatin1(file);
        PredictionCard* card = cardTitled(panel, name);
        QVERIFY2(card, qPrintable(name));
        QTRY_COMPARE(card->state(), PredictionCard::State::Prediction);
        const auto bars = card->bars()->probabilities();
        QCOMPARE(bars.size(), 8);
        double sum = 0.0;
        for (const auto& b : bars) sum += b.probability;
        QVERIFY2(std::abs(sum - 1.0) < 1e-5, qPrintable(QString::number(sum)));
        const QString path = name == QLatin1String("ring.png") || name == QLatin1String("arrow.png")
                                 ? dir + "/folder/" + name
                                 : dir + "/" + name;
        auto engine = predictFile(*model, path.toStdString(), 8);
        QVERIFY(engine.ok());
        for (const auto& b : bars) QCOMPARE(float(b.probability), engine->probabilities[std::size_t(b.classIndex)]);
        QVERIFY(!card->shownModelView().isNull());
        QCOMPARE(card->shownModelView().width() % 28, 0);
    }
    QCOMPARE(cardTitled(panel, "circle.png")->bars()->probabilities().first().name, QString("circle"));
    for (const char* file : {"notes.png", "truncated.png"}) {
        const QString name = QString::fromLatin1(file);
        PredictionCard* card = cardTitled(panel, name);
        QVERIFY2(card, qPrintable(name));
        QCOMPARE(card->state(), PredictionCard::State::Error);
        QVERIFY2(card->errorText().contains(name), qPrintable(card->errorText()));
    }
    QVERIFY(test::saveScreenshot(*m_window, "inference-cards"));
}

void InferenceEvaluationTest::pastedImageDataBecomesACard() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    const int before = panel->cardCount();
    QImage square(kSamples + "/shape-square.png");
    QVERIFY(!square.isNull());
    QMimeData mime;
    mime.setImageData(square);
    panel->pasteFrom(&mime);
    waitIdle(m_window->inferenceController());
    QCOMPARE(panel->cardCount(), before + 1);
    PredictionCard* card = panel->card(panel->cardIds().last());
    QTRY_COMPARE(card->state(), PredictionCard::State::Prediction);
    QCOMPARE(card->bars()->probabilities().first().name, QString("square"));
}

void InferenceEvaluationTest::whyShowsAHeatmap() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    PredictionCard* card = cardTitled(panel, "circle.png");
    QVERIFY(card);
    const QImage plain = card->shownPicture();
    QVERIFY(!card->isShowingSaliency());
    QTest::mouseClick(panel->toolbar()->whyButton(), Qt::LeftButton);
    QVERIFY(panel->isSaliencyOn());
    waitIdle(m_window->inferenceController());
    QTRY_VERIFY(card->isShowingSaliency());
    const QImage heat = card->shownPicture();
    QVERIFY(!heat.isNull());
    QVERIFY(heat != plain);
    // The circle sample is a bright disc on dark ground: the overlay is most intense on the disc.
    const QColor centre = heat.pixelColor(heat.width() / 2, heat.height() / 2);
    const QColor corner = heat.pixelColor(1, 1);
    QVERIFY2(centre != corner, "the heatmap is flat");
    QVERIFY(test::saveScreenshot(*m_window, "inference-why"));
    // The input-gradient method draws another map of the same card.
    panel->toolbar()->saliencyMethodCombo()->setCurrentIndex(1);
    waitIdle(m_window->inferenceController());
    QTRY_VERIFY(card->shownPicture() != heat);
    QVERIFY(card->isShowingSaliency());
    QTest::mouseClick(panel->toolbar()->whyButton(), Qt::LeftButton);
    waitIdle(m_window->inferenceController());
    QVERIFY(!card->isShowingSaliency());
}

void InferenceEvaluationTest::folderClassifiesIntoATable() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    m_window->inferenceController()->classifyFolder(m_dir.filePath("drops"));
    waitIdle(m_window->inferenceController());
    QVERIFY(panel->isShowingFolderResults());
    widgets::FolderResultsTable* table = panel->folderResults();
    QCOMPARE(table->rowCount(), 6);
    QCOMPARE(table->errorCount(), 2);
    const QString csv = table->toCsv();
    QVERIFY(csv.contains("folder/ring.png"));
    QVERIFY(csv.contains("ring"));
    QVERIFY(test::saveScreenshot(*m_window, "folder-table"));
}

void InferenceEvaluationTest::cameraAbsentIsAMessage() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    m_window->inferenceController()->setCameraOn(true);
    waitIdle(m_window->inferenceController());
    // Not "Opening the camera…", which shows at once: the answer, once the attempt has failed.
    QTRY_VERIFY2(panel->cameraView()->messageText().contains("No camera found"),
                 qPrintable(panel->cameraView()->messageText()));
    QVERIFY(!panel->isCameraOn());
    QVERIFY2(panel->cameraView()->isVisible(), "the message stays in sight with Camera off");
    QVERIFY(test::saveScreenshot(*m_window, "camera-absent"));
}

// A video file through the same capture path as a webcam: frames → live probabilities.
void InferenceEvaluationTest::videoFramesGetLiveProbabilities() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    QVERIFY(panel->hasModel());
    InferenceController* inference = m_window->inferenceController();
    inference->setCameraSource(QStringLiteral(STUDIO_SOURCE_DIR "/datasets/samples/shapes-demo.avi"));
    panel->setCameraOn(true);  // what the Camera button does: the view shows, the controller starts
    inference->setCameraOn(true);
    widgets::CameraView* view = panel->cameraView();
    QTRY_VERIFY_WITH_TIMEOUT(!view->frame().isNull() && view->bars()->rowCount() > 0, 10000);
    QVERIFY(!view->isShowingMessage());
    QVERIFY2(view->isVisible() && panel->isCameraOn(), "the camera view is shown");
    QCOMPARE(view->frame().width(), 96);
    // Frames keep coming: the video shows six shapes, four frames each, and loops.
    QSet<QString> answers;
    QTRY_VERIFY_WITH_TIMEOUT((answers.insert(view->bars()->probabilities().first().name), answers.size() >= 3), 15000);
    QVERIFY(test::saveScreenshot(*m_window, "camera-video"));
    panel->setCameraOn(false);
    inference->setCameraOn(false);
    waitIdle(inference);
    inference->setCameraSource({});
}

void InferenceEvaluationTest::evaluationMatchesTheCli() {
    EvaluationController* eval = m_window->evaluationController();
    QTRY_VERIFY_WITH_TIMEOUT(!eval->isBusy() && eval->report().has_value(), 30000);
    m_window->centralTabs()->setCurrentWidget(m_window->evaluationView());
    QVERIFY(test::saveScreenshot(*m_window, "evaluation"));
    const QString path = m_dir.filePath("shapes.tsmodel");
    m_window->saveModel(path);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 10000);

    QProcess cli;
    cli.start(qEnvironmentVariable("STUDIO_CLI"), {"evaluate", "--model", path, "--dataset", "shapes", "--json"});
    QVERIFY(cli.waitForFinished(timeLimitMs(60000)));
    QCOMPARE(cli.exitCode(), 0);
    const QList<QByteArray> lines = cli.readAllStandardOutput().trimmed().split('\n');
    const QJsonObject j = QJsonDocument::fromJson(lines.last()).object();
    const EvaluationReport& report = *eval->report();
    QCOMPARE(j["samples"].toInt(), report.samples);
    QCOMPARE(j["accuracy"].toDouble(), report.accuracy);
    QCOMPARE(j["macro_f1"].toDouble(), report.macroF1);
    const QJsonArray confusion = j["confusion"].toArray();
    const auto shown = m_window->evaluationView()->matrixView()->counts();
    QCOMPARE(shown.size(), confusion.size());
    for (int t = 0; t < confusion.size(); ++t)
        for (int p = 0; p < confusion[t].toArray().size(); ++p)
            QCOMPARE(shown[t][p], confusion[t].toArray()[p].toInt());
    QCOMPARE(report.accuracy, m_window->trainingController()->finished()->testAccuracy);

    // Clicking a confusion cell lists exactly its samples; export writes the same report.
    widgets::EvaluationView* view = m_window->evaluationView();
    int t = -1, p = -1;
    for (int a = 0; a < shown.size() && t < 0; ++a)
        for (int b = 0; b < shown.size(); ++b)
            if (a != b && shown[a][b] > 0) {
                t = a;
                p = b;
                break;
            }
    QVERIFY(t >= 0);
    Q_EMIT view->matrixView()->cellActivated(t, p);
    QCOMPARE(view->galleryMode(), widgets::EvaluationView::GalleryMode::Cell);
    QCOMPARE(view->galleryCount(), shown[t][p]);
    QVERIFY(view->galleryItem(0).isMistake());
    const QString exported = m_dir.filePath("evaluation.json");
    QVERIFY(eval->exportTo(exported).ok());
    QFile file(exported);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object()["accuracy"].toDouble(), report.accuracy);
    QVERIFY(eval->exportTo(m_dir.filePath("matrix.png")).ok());
    QVERIFY(!QImage(m_dir.filePath("matrix.png")).isNull());
}

void InferenceEvaluationTest::correctionFineTunesTowardsTheChosenClass() {
    widgets::InferencePanel* panel = m_window->inferencePanel();
    PredictionCard* card = cardTitled(panel, "circle.png");
    QVERIFY(card);
    const int target = 5;  // "ring": a circle called a ring, on purpose
    const double before = probabilityOf(card, target);
    const int countBefore = m_window->datasetPanel()->classCounts()->counts().at(target);
    card->correctionCombo()->setCurrentIndex(card->correctionCombo()->findText("ring"));
    QTest::mouseClick(card->addToTrainingButton(), Qt::LeftButton);
    QTRY_COMPARE(m_window->datasetPanel()->classCounts()->counts().at(target), countBefore + 1);
    // The fine-tuning run may end between two polls: wait for its outcome on the grown data.
    const TrainingController* run = m_window->trainingController();
    const int grown = m_window->dataset()->pool.size();
    QTRY_VERIFY_WITH_TIMEOUT(
        run->lastSetup() && run->lastSetup()->data->pool.size() == grown && run->finished() && !run->isRunning(),
        120000);
    waitIdle(m_window->inferenceController());
    QTRY_VERIFY_WITH_TIMEOUT(probabilityOf(card, target) != before, 10000);
    qInfo("p(ring | the corrected circle) before %.6f, after fine-tuning %.6f", before, probabilityOf(card, target));
    QVERIFY(probabilityOf(card, target) > before);
    QVERIFY(m_window->runLog()->plainText().contains("Fine-tuning"));
}

void InferenceEvaluationTest::dropToBarsLatency() {
    // A benchmark, not a timed test: prints the drop-to-bars latency for a small and a large image.
    widgets::InferencePanel* panel = m_window->inferencePanel();
    panel->clearCards();
    QImage big(1024, 1024, QImage::Format_RGB32);
    big.fill(Qt::black);
    {
        QPainter paint(&big);
        paint.setBrush(Qt::white);
        paint.drawEllipse(QPoint(512, 512), 300, 300);
    }
    QVERIFY(big.save(m_dir.filePath("big.png")));
    for (const QString& path : {kSamples + "/shape-star.png", m_dir.filePath("big.png")}) {
        drop(panel, {path});
        waitIdle(m_window->inferenceController());
        const double ms = m_window->inferenceController()->lastDropToBarsMs();
        PredictionCard* card = panel->card(panel->cardIds().last());
        QCOMPARE(card->state(), PredictionCard::State::Prediction);
        qInfo("drop-to-bars %s: %.2f ms (prediction itself: %s)", qPrintable(QFileInfo(path).fileName()), ms,
              qPrintable(card->latencyLabelText()));
        QVERIFY(ms > 0);
    }
}

QTEST_MAIN(InferenceEvaluationTest)
#include "tst_inference_evaluation.moc"
