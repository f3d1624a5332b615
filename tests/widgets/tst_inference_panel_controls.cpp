// InferencePanel controls: Why? overlays and its class chooser, the correction intent, the
// toolbar's intents, the camera view, the folder results tab and a grid that wraps with the width.
#include "widgets/camera_view.h"
#include "widgets/inference_panel.h"
#include "widgets/inference_toolbar.h"
#include "widgets/prediction_card.h"

#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QToolButton>
#include <QtTest>

#include "inference_fixtures.h"

using namespace studio::widgets;

class InferencePanelControlsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void whyTogglesOverlaysAndChoosesClass();
    void correctionForwardedWithClass();
    void toolbarIntents();
    void cameraViewFollowsToggle();
    void folderResultsTab();
    void gridWrapsWithWidth();
    void toolbarWrapsInsteadOfClipping();
};

void InferencePanelControlsTest::whyTogglesOverlaysAndChoosesClass() {
    InferencePanel panel;
    panel.setModelStatus("Model: lenet", true);
    panel.setClassNames(kDigits);
    QSignalSpy toggled(&panel, &InferencePanel::saliencyToggled);
    QSignalSpy classChanged(&panel, &InferencePanel::saliencyClassChanged);
    const int a = panel.addCard("a.png", {}, pattern());
    panel.setCardPrediction(a, pattern(), "in", kTop, 40);
    QImage overlay(12, 9, QImage::Format_RGB32);
    overlay.fill(Qt::yellow);
    panel.setCardSaliency(a, overlay);
    QVERIFY(!panel.card(a)->isShowingSaliency());
    QVERIFY(!panel.toolbar()->saliencyClassCombo()->isEnabled());
    QTest::mouseClick(panel.toolbar()->whyButton(), Qt::LeftButton);
    QCOMPARE(toggled.count(), 1);
    QCOMPARE(toggled.at(0).at(0).toBool(), true);
    QVERIFY(panel.isSaliencyOn());
    QVERIFY(panel.card(a)->isShowingSaliency());
    // The pressed toggle is tinted, so it reads as "on" in dark palettes too.
    const QColor button = panel.toolbar()->palette().color(QPalette::Button);
    QVERIFY(panel.toolbar()->whyButton()->palette().color(QPalette::Button) != button);
    QCOMPARE(panel.card(a)->shownPicture(), overlay);
    // A card added while Why? is on shows its overlay as soon as it arrives.
    const int b = panel.addCard("b.png", {}, pattern());
    panel.setCardSaliency(b, overlay);
    QVERIFY(panel.card(b)->isShowingSaliency());
    // The class chooser: "predicted class" (-1) or a class index.
    QVERIFY(panel.toolbar()->saliencyClassCombo()->isEnabled());
    QCOMPARE(panel.saliencyClass(), -1);
    QCOMPARE(panel.toolbar()->saliencyClassCombo()->count(), 11);
    panel.toolbar()->saliencyClassCombo()->setCurrentIndex(panel.toolbar()->saliencyClassCombo()->findText("three"));
    QCOMPARE(classChanged.count(), 1);
    QCOMPARE(classChanged.at(0).at(0).toInt(), 3);
    panel.toolbar()->saliencyClassCombo()->setCurrentIndex(0);
    QCOMPARE(classChanged.at(1).at(0).toInt(), -1);
    // The method chooser: occlusion by default, gradient on request.
    QSignalSpy methodChanged(&panel, &InferencePanel::saliencyMethodChanged);
    QVERIFY(panel.toolbar()->saliencyMethodCombo()->isEnabled());
    QCOMPARE(panel.saliencyMethod(), QString("occlusion"));
    panel.toolbar()->saliencyMethodCombo()->setCurrentIndex(1);
    QCOMPARE(methodChanged.count(), 1);
    QCOMPARE(methodChanged.at(0).at(0).toString(), QString("gradient"));
    QCOMPARE(panel.saliencyMethod(), QString("gradient"));
    QTest::mouseClick(panel.toolbar()->whyButton(), Qt::LeftButton);
    QCOMPARE(toggled.at(1).at(0).toBool(), false);
    QCOMPARE(panel.toolbar()->whyButton()->palette().color(QPalette::Button), button);
    QVERIFY(!panel.card(a)->isShowingSaliency());
    QCOMPARE(panel.card(a)->shownPicture(), pattern());
}

void InferencePanelControlsTest::correctionForwardedWithClass() {
    InferencePanel panel;
    panel.setClassNames(kDigits);
    QSignalSpy corrections(&panel, &InferencePanel::correctionRequested);
    const int a = panel.addCard("a.png", {}, pattern());
    panel.setCardPrediction(a, pattern(), "in", kTop, 40);
    PredictionCard* card = panel.card(a);
    QCOMPARE(card->correctionCombo()->count(), 10);
    card->correctionCombo()->setCurrentIndex(card->correctionCombo()->findText("four"));
    QTest::mouseClick(card->addToTrainingButton(), Qt::LeftButton);
    QCOMPARE(corrections.count(), 1);
    QCOMPARE(corrections.at(0).at(0).toInt(), a);
    QCOMPARE(corrections.at(0).at(1).toInt(), 4);
    panel.setCorrectionEnabled(false, "Training is running");
    QVERIFY(!card->addToTrainingButton()->isEnabled());
    const int b = panel.addCard("b.png", {}, pattern());  // future cards too
    panel.setCardPrediction(b, pattern(), "in", kTop, 40);
    QVERIFY(!panel.card(b)->correctionCombo()->isEnabled());
    QCOMPARE(panel.card(b)->addToTrainingButton()->toolTip(), QString("Training is running"));
}

void InferencePanelControlsTest::toolbarIntents() {
    InferencePanel panel;
    QCOMPARE(panel.modelStatusText(), QString("No model yet — train one or load a model file"));
    QVERIFY(!panel.toolbar()->whyButton()->isEnabled());
    QVERIFY(!panel.toolbar()->classifyFolderButton()->isEnabled());
    panel.setModelStatus("Model: lenet, epoch 3 (training)", true);
    QCOMPARE(panel.modelStatusText(), QString("Model: lenet, epoch 3 (training)"));
    QVERIFY(panel.toolbar()->whyButton()->isEnabled());
    QVERIFY(panel.toolbar()->classifyFolderButton()->isEnabled());

    QSignalSpy load(&panel, &InferencePanel::loadModelRequested);
    QSignalSpy folder(&panel, &InferencePanel::classifyFolderRequested);
    QSignalSpy topK(&panel, &InferencePanel::topKChanged);
    QTest::mouseClick(panel.toolbar()->loadModelButton(), Qt::LeftButton);
    QTest::mouseClick(panel.toolbar()->classifyFolderButton(), Qt::LeftButton);
    QCOMPARE(load.count(), 1);
    QCOMPARE(folder.count(), 1);
    QCOMPARE(panel.topK(), 5);
    panel.toolbar()->topKSpinBox()->setValue(3);
    QCOMPARE(topK.count(), 1);
    QCOMPARE(topK.at(0).at(0).toInt(), 3);
    panel.setTopK(7);  // setters do not emit
    QCOMPARE(panel.topK(), 7);
    QCOMPARE(topK.count(), 1);
    panel.setClassNames({"cat", "dog", "frog"});  // top-k cannot exceed the classes
    QCOMPARE(panel.toolbar()->topKSpinBox()->maximum(), 3);
    QCOMPARE(panel.topK(), 3);
    QCOMPARE(topK.count(), 1);
}

void InferencePanelControlsTest::cameraViewFollowsToggle() {
    InferencePanel panel;
    QSignalSpy camera(&panel, &InferencePanel::cameraToggled);
    QVERIFY(!panel.cameraView()->isVisibleTo(&panel));
    QTest::mouseClick(panel.toolbar()->cameraButton(), Qt::LeftButton);
    QCOMPARE(camera.count(), 1);
    QCOMPARE(camera.at(0).at(0).toBool(), true);
    QVERIFY(panel.cameraView()->isVisibleTo(&panel));
    QCOMPARE(panel.cameraView()->messageText(), QString("Starting camera…"));
    panel.setCameraFrame(pattern(), kTop);
    QVERIFY(!panel.cameraView()->isShowingMessage());
    QCOMPARE(panel.cameraView()->frame(), pattern());
    QCOMPARE(panel.cameraView()->bars()->nameTexts(), (QStringList{"seven", "one"}));
    panel.setCameraMessage("No camera found: connect one and switch Camera on again");
    QCOMPARE(panel.cameraView()->messageText(), QString("No camera found: connect one and switch Camera on again"));
    QVERIFY(panel.cameraView()->frame().isNull());
    QCOMPARE(panel.cameraView()->bars()->rowCount(), 0);
    panel.setCameraOn(false);  // the app gives up: no signal
    QCOMPARE(camera.count(), 1);
    QVERIFY(!panel.isCameraOn());
    QVERIFY(!panel.cameraView()->isVisibleTo(&panel));
}

void InferencePanelControlsTest::folderResultsTab() {
    InferencePanel panel;
    QSignalSpy exportCsv(&panel, &InferencePanel::exportCsvRequested);
    panel.showFolderResults({{"a.png", "cat", 0.9, {}}, {"b.png", {}, 0, "not an image"}}, "pets");
    QVERIFY(panel.isShowingFolderResults());
    QCOMPARE(panel.folderResults()->summaryText(), QString("pets: 2 files, 1 could not be classified"));
    QTest::mouseClick(panel.folderResults()->exportButton(), Qt::LeftButton);
    QCOMPARE(exportCsv.count(), 1);
    // A drop brings the cards back into view.
    QMimeData mime;
    mime.setImageData(pattern());
    QVERIFY(sendDragEnter(panel, mime));
    QVERIFY(sendDrop(panel, mime));
    QVERIFY(!panel.isShowingFolderResults());
}

void InferencePanelControlsTest::gridWrapsWithWidth() {
    InferencePanel panel;
    panel.resize(1000, 700);
    for (int i = 0; i < 5; ++i) panel.addCard(QString("%1.png").arg(i), {}, pattern());
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    auto rows = [&panel] {
        QList<int> tops;
        for (int id : panel.cardIds()) tops << panel.card(id)->y();
        return tops;
    };
    QTRY_COMPARE(rows().at(1), rows().at(0));
    // 1000 px holds three 248 px cards a row: the fourth starts a new row at the left.
    QList<int> tops = rows();
    QCOMPARE(tops.at(2), tops.at(0));
    QVERIFY(tops.at(3) > tops.at(0) + 100);
    QCOMPARE(panel.card(panel.cardIds().at(3))->x(), panel.card(panel.cardIds().at(0))->x());
    QVERIFY(panel.card(panel.cardIds().at(1))->x() >= panel.card(panel.cardIds().at(0))->x() + PredictionCard::kWidth);
    panel.resize(620, 700);
    QTRY_VERIFY(rows().at(2) > rows().at(0));  // two a row now
    tops = rows();
    QCOMPARE(tops.at(1), tops.at(0));
    QCOMPARE(tops.at(3), tops.at(2));
    QVERIFY(tops.at(4) > tops.at(2));
}

// The Try it tab beside the docks at 1024×700 is about 580 pixels wide: every tool keeps the width
// its text needs (it used to read "Ca…ra" and "lassify fold"), wrapping onto a second row.
void InferencePanelControlsTest::toolbarWrapsInsteadOfClipping() {
    InferencePanel panel;
    panel.setModelStatus("Model: lenet on shapes · epoch 2", true);
    panel.setClassNames(kDigits);
    panel.resize(580, 500);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_COMPARE(panel.width(), 580);  // not held wider by the tools' minimum widths
    InferenceToolbar* toolbar = panel.toolbar();
    int tools = 0;
    for (QWidget* w : toolbar->findChildren<QWidget*>(Qt::FindDirectChildrenOnly)) {
        if (!w->isVisible() ||
            !(qobject_cast<QAbstractButton*>(w) || qobject_cast<QComboBox*>(w) || qobject_cast<QAbstractSpinBox*>(w)))
            continue;
        ++tools;
        const QString name = w->metaObject()->className() + QString(" ") + w->toolTip().left(30);
        QVERIFY2(w->width() >= w->sizeHint().width(),
                 qPrintable(QString("%1: %2 px of %3").arg(name).arg(w->width()).arg(w->sizeHint().width())));
        QVERIFY2(toolbar->rect().contains(w->geometry()), qPrintable(name + " is outside the toolbar"));
    }
    QVERIFY(tools >= 8);
    QCOMPARE(toolbar->classifyFolderButton()->text(), QString("Classify folder…"));
}

QTEST_MAIN(InferencePanelControlsTest)
#include "tst_inference_panel_controls.moc"
