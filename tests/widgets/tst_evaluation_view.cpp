// EvaluationView: empty → busy → results, the gallery switching between the most confident
// mistakes and a clicked cell's samples (sorted by loss, counts matching), and the intents.
#include "widgets/confusion_matrix_view.h"
#include "widgets/evaluation_view.h"
#include "widgets/image_gallery.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;

namespace {

const QStringList kNames = {"T-shirt/top", "Trouser", "Pullover", "Shirt"};

EvaluationItem item(const QString& truth, const QString& predicted, double confidence, double loss) {
    QImage image(28, 28, QImage::Format_Grayscale8);
    image.fill(200);
    return {image, truth, predicted, confidence, loss};
}

// Out of loss order on purpose.
QList<EvaluationItem> mistakes() {
    return {item("Shirt", "T-shirt/top", 0.81, 2.1), item("Pullover", "Shirt", 0.97, 4.4),
            item("T-shirt/top", "Shirt", 0.55, 0.9)};
}

QList<QList<int>> counts() {
    return {{80, 0, 2, 18}, {1, 97, 1, 1}, {3, 0, 85, 12}, {25, 0, 6, 69}};
}

void showResults(EvaluationView& view) {
    view.setTitle("Test set · 400 samples · epoch 5");
    view.setMatrix(kNames, counts());
    view.setMetrics({{"T-shirt/top", 0.73, 0.8, 0.76, 100},
                     {"Trouser", 1.0, 0.97, 0.98, 100},
                     {"Pullover", 0.91, 0.85, 0.88, 100},
                     {"Shirt", 0.69, 0.69, 0.69, 100}},
                    0.8275, 0.83, 400);
    view.setMistakes(mistakes());
}

QPushButton* backButton(EvaluationView& view) {
    for (QPushButton* button : view.findChildren<QPushButton*>())
        if (button->text().contains("Back to most confident mistakes")) return button;
    return nullptr;
}

}  // namespace

class EvaluationViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsEmptyThenBusyThenResults();
    void saysWhyThereIsNoEvaluation();
    void mistakesSortedByLoss();
    void cellClickShowsCellItemsAndBack();
    void newMistakesDoNotLeaveCell();
    void emptyGalleryShowsPlaceholder();
    void mistakesAreFramed();
    void intentsForwarded();
    void clearShowsEmptyState();
};

void EvaluationViewTest::startsEmptyThenBusyThenResults() {
    EvaluationView view;
    QCOMPARE(view.state(), EvaluationView::State::Empty);
    QCOMPARE(view.statusText(), QString("No evaluation yet — train a model or load one, then evaluate."));
    view.setBusy("Evaluating 400 samples…");
    QCOMPARE(view.state(), EvaluationView::State::Busy);
    QCOMPARE(view.statusText(), QString("Evaluating 400 samples…"));
    showResults(view);
    QCOMPARE(view.state(), EvaluationView::State::Results);
    QCOMPARE(view.title(), QString("Test set · 400 samples · epoch 5"));
    QCOMPARE(view.matrixView()->count(3, 0), 25);
    QCOMPARE(view.metricsTable()->summaryText(), QString("Accuracy 82.8% · macro-F1 0.830 · 400 samples"));
}

void EvaluationViewTest::mistakesSortedByLoss() {
    EvaluationView view;
    showResults(view);
    QCOMPARE(view.galleryMode(), EvaluationView::GalleryMode::Mistakes);
    QCOMPARE(view.galleryTitle(), QString("Most confident mistakes (3)"));
    QCOMPARE(view.galleryCount(), 3);
    QCOMPARE(view.gallery()->count(), 3);
    QCOMPARE(view.galleryItem(0).loss, 4.4);
    QCOMPARE(view.galleryItem(1).loss, 2.1);
    QCOMPARE(view.galleryItem(2).loss, 0.9);
    QCOMPARE(view.captionAt(0), QString("Pullover → Shirt"));
    QCOMPARE(view.gallery()->model()->index(1, 0).data().toString(), QString("Shirt → T-shirt/top"));
    QVERIFY(!backButton(view)->isVisibleTo(&view));
}

void EvaluationViewTest::cellClickShowsCellItemsAndBack() {
    EvaluationView view;
    view.resize(1280, 800);
    showResults(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy spy(&view, &EvaluationView::cellActivated);
    ConfusionMatrixView* matrix = view.matrixView();
    QTest::mouseClick(matrix, Qt::LeftButton, {}, matrix->cellRect(3, 0).center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 3);
    QCOMPARE(spy.at(0).at(1).toInt(), 0);
    // The app answers with the cell's 25 samples.
    QList<EvaluationItem> cell;
    for (int i = 0; i < 25; ++i) cell << item("Shirt", "T-shirt/top", 0.5 + i / 100.0, 0.1 * i);
    view.showCellItems("True: Shirt → predicted: T-shirt/top (25)", cell);
    QCOMPARE(view.galleryMode(), EvaluationView::GalleryMode::Cell);
    QCOMPARE(view.galleryTitle(), QString("True: Shirt → predicted: T-shirt/top (25)"));
    QCOMPARE(view.galleryCount(), 25);
    QCOMPARE(view.gallery()->count(), 25);
    QCOMPARE(view.galleryItem(0).loss, 2.4);
    QCOMPARE(matrix->selectedCell(), std::optional<QPoint>(QPoint(0, 3)));
    QPushButton* back = backButton(view);
    QVERIFY(back && back->isVisible());
    QTest::mouseClick(back, Qt::LeftButton);
    QCOMPARE(view.galleryMode(), EvaluationView::GalleryMode::Mistakes);
    QCOMPARE(view.galleryCount(), 3);
    QCOMPARE(view.gallery()->count(), 3);
    QVERIFY(!back->isVisible());
    QVERIFY(!matrix->selectedCell());
}

void EvaluationViewTest::newMistakesDoNotLeaveCell() {
    EvaluationView view;
    showResults(view);
    view.showCellItems("True: Trouser → predicted: Shirt (1)", {item("Trouser", "Shirt", 0.6, 1.2)});
    view.setMistakes(mistakes().mid(0, 2));
    QCOMPARE(view.galleryMode(), EvaluationView::GalleryMode::Cell);
    QCOMPARE(view.galleryCount(), 1);
    view.showMistakes();
    QCOMPARE(view.galleryCount(), 2);
    QCOMPARE(view.galleryTitle(), QString("Most confident mistakes (2)"));
}

void EvaluationViewTest::emptyGalleryShowsPlaceholder() {
    EvaluationView view;
    showResults(view);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(view.gallery()->isVisible());
    view.showCellItems("True: Trouser → predicted: Pullover (0)", {});
    QCOMPARE(view.gallery()->count(), 0);
    QVERIFY(!view.gallery()->isVisible());
    view.showMistakes();
    QVERIFY(view.gallery()->isVisible());
}

void EvaluationViewTest::mistakesAreFramed() {
    EvaluationView view;
    showResults(view);
    view.showCellItems("Shirt", {item("Shirt", "Shirt", 0.9, 0.1), item("Shirt", "Coat", 0.9, 2.0)});
    QCOMPARE(view.captionAt(1), QString("✓ Shirt"));
    const QImage wrong = view.thumbnailAt(0), right = view.thumbnailAt(1);
    QCOMPARE(wrong.size(), QSize(view.gallery()->thumbnailSize(), view.gallery()->thumbnailSize()));
    const QColor frame = wrong.pixelColor(wrong.width() / 2, 1);
    QVERIFY2(frame.red() > 150 && frame.green() < 80 && frame.alpha() == 255, qPrintable(frame.name()));
    QCOMPARE(right.pixelColor(right.width() / 2, 1).alpha(), 0);
    // The sample itself (grey 200) fills the middle of both.
    QCOMPARE(qGray(right.pixel(right.width() / 2, right.height() / 2)), 200);
}

void EvaluationViewTest::intentsForwarded() {
    EvaluationView view;
    showResults(view);
    QSignalSpy classes(&view, &EvaluationView::classActivated);
    Q_EMIT view.metricsTable()->rowActivated(2);
    QCOMPARE(classes.count(), 1);
    QCOMPARE(classes.at(0).at(0).toInt(), 2);
    QSignalSpy exports(&view, &EvaluationView::exportRequested);
    QToolButton* exportButton = nullptr;
    for (QToolButton* button : view.findChildren<QToolButton*>())
        if (button->text() == "Export…") exportButton = button;
    QVERIFY(exportButton);
    exportButton->click();
    QCOMPARE(exports.count(), 1);
}

void EvaluationViewTest::clearShowsEmptyState() {
    EvaluationView view;
    showResults(view);
    view.showCellItems("x", mistakes());
    view.clear();
    QCOMPARE(view.state(), EvaluationView::State::Empty);
    QVERIFY(view.statusText().startsWith("No evaluation yet"));
    QCOMPARE(view.galleryMode(), EvaluationView::GalleryMode::Mistakes);
    QCOMPARE(view.galleryCount(), 0);
    QCOMPARE(view.gallery()->count(), 0);
    QCOMPARE(view.matrixView()->classCount(), 0);
    QVERIFY(view.metricsTable()->metrics().isEmpty());
    QVERIFY(view.title().isEmpty());
}

void EvaluationViewTest::saysWhyThereIsNoEvaluation() {
    EvaluationView view;
    const QString reason = "The model takes 3×32×32 inputs in 10 classes, but dataset '<b>shapes</b>' has 1×28×28 "
                           "samples in 8 classes.";
    view.clear(reason);
    QCOMPARE(view.state(), EvaluationView::State::Empty);
    QVERIFY2(view.statusText().contains(reason), qPrintable(view.statusText()));
    view.resize(800, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QVERIFY(studio::test::saveScreenshot(view, "no-evaluation-reason"));
    view.clear();
    QVERIFY(view.statusText().startsWith("No evaluation yet"));
}

QTEST_MAIN(EvaluationViewTest)
#include "tst_evaluation_view.moc"
