// PredictionCard: pending → prediction or error, what the model saw drawn pixel-exact, saliency
// in place of the thumbnail, the correction and remove intents.
#include "widgets/prediction_card.h"
#include "widgets/run_values.h"

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;
using State = PredictionCard::State;

namespace {

QImage digit() {
    // A 28×28 gray gradient, so every pixel differs from its neighbours.
    QImage image(28, 28, QImage::Format_Grayscale8);
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x) image.setPixelColor(x, y, QColor::fromHsv(0, 0, (x * 9 + y * 3) % 256));
    return image;
}

QImage photo(QColor color = QColor(30, 140, 60)) {
    QImage image(320, 240, QImage::Format_RGB32);
    image.fill(color);
    return image;
}

const QList<ClassProbability> kTop{{"one", 0.02, 1}, {"seven", 0.973, 7}, {"nine", 0.007, 9}};
const QStringList kDigits{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

}  // namespace

class PredictionCardTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void longErrorIsNeverCutOff();
    void latencyText_data();
    void latencyText();
    void newCardIsPending();
    void predictionShowsWhatTheModelSaw();
    void errorNamesTheFileInRed();
    void titleElidedWithFullPathTooltip();
    void longClassNameIsElidedBesideItsPercentage();
    void saliencyReplacesOrOverlaysThumbnail();
    void correctionEmitsChosenClass();
    void correctionDisabledWithReason();
    void closeRequestsRemoval();
    void waitingSaysWhyWithoutABusyBar();
};

void PredictionCardTest::latencyText_data() {
    QTest::addColumn<double>("us");
    QTest::addColumn<QString>("text");
    QTest::newRow("sub-µs") << 0.456 << "0.5 µs";
    QTest::newRow("few µs") << 4.24 << "4.2 µs";
    QTest::newRow("tens of µs") << 42.3 << "42 µs";
    QTest::newRow("hundreds of µs") << 999.4 << "999 µs";
    QTest::newRow("rounds to ms") << 999.7 << "1.00 ms";
    QTest::newRow("ms") << 1530.0 << "1.53 ms";
    QTest::newRow("tens of ms") << 42000.0 << "42.0 ms";
    QTest::newRow("hundreds of ms") << 420000.0 << "420 ms";
    QTest::newRow("seconds") << 2.5e6 << "2.50 s";
    QTest::newRow("unknown") << -1.0 << "—";
}

void PredictionCardTest::latencyText() {
    QFETCH(double, us);
    QFETCH(QString, text);
    QCOMPARE(PredictionCard::latencyText(us), text);
}

void PredictionCardTest::newCardIsPending() {
    PredictionCard card(4, "cat.png", "/data/cat.png", photo());
    QCOMPARE(card.cardId(), 4);
    QCOMPARE(card.state(), State::Pending);
    QCOMPARE(card.statusText(), QString("Predicting…"));
    QVERIFY(card.errorText().isEmpty());
    QVERIFY(card.headlineText().isEmpty());
    QVERIFY(!card.bars()->isVisibleTo(&card));
    QVERIFY(!card.addToTrainingButton()->isEnabled());
    QCOMPARE(card.width(), PredictionCard::kWidth);
    QCOMPARE(card.shownPicture(), photo());
}

void PredictionCardTest::predictionShowsWhatTheModelSaw() {
    PredictionCard card(1, "seven.png", "/data/seven.png", photo());
    card.setPrediction(digit(), "model input 28×28 gray", kTop, 42.3);
    QCOMPARE(card.state(), State::Prediction);
    QVERIFY(card.statusText().isEmpty());
    QCOMPARE(card.headlineText(), QString("seven · 97.3%"));
    QCOMPARE(card.captionText(), QString("model input 28×28 gray"));
    QCOMPARE(card.latencyLabelText(), QString("42 µs"));
    QVERIFY(card.bars()->isVisibleTo(&card));
    QCOMPARE(card.bars()->nameTexts(), (QStringList{"seven", "one", "nine"}));
    // 28 px drawn at a whole factor (2 → 56 px), each source pixel a crisp 2×2 block.
    QCOMPARE(card.modelViewScale(), 2);
    const QImage shown = card.shownModelView().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(shown.size(), QSize(56, 56));
    const QImage source = digit().convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < 56; ++y)
        for (int x = 0; x < 56; ++x) QCOMPARE(shown.pixel(x, y), source.pixel(x / 2, y / 2));
    // A larger input shrinks to fit instead.
    card.setPrediction(QImage(96, 96, QImage::Format_RGB32), "model input 96×96 RGB", kTop, 900);
    QCOMPARE(card.shownModelView().size(), QSize(PredictionCard::kModelViewSize, PredictionCard::kModelViewSize));
    // Back to pending for a re-run.
    card.setPending();
    QCOMPARE(card.statusText(), QString("Predicting…"));
    QVERIFY(!card.bars()->isVisibleTo(&card));
}

void PredictionCardTest::errorNamesTheFileInRed() {
    for (bool dark : {false, true}) {
        PredictionCard card(2, "notes.png", "/home/u/notes.png", QImage());
        QPalette pal;
        pal.setColor(QPalette::Base, dark ? QColor(30, 30, 32) : QColor(255, 255, 255));
        card.setPalette(pal);
        card.setError("not an image: the file starts with text");
        QCOMPARE(card.state(), State::Error);
        QCOMPARE(card.errorText(), QString("notes.png: not an image: the file starts with text"));
        QVERIFY(card.statusText().isEmpty());
        QVERIFY(!card.bars()->isVisibleTo(&card));
        QVERIFY(!card.addToTrainingButton()->isEnabled());
        QLabel* error = nullptr;
        for (QLabel* label : card.findChildren<QLabel*>())
            if (label->text() == card.errorText()) error = label;
        QVERIFY(error);
        QVERIFY(error->isVisibleTo(&card));
        const QColor red = error->palette().color(QPalette::WindowText);
        QVERIFY(red.red() > red.green() + 60 && red.red() > red.blue() + 60);
        QVERIFY2(std::abs(red.lightness() - pal.color(QPalette::Base).lightness()) >= 70, dark ? "dark" : "light");
        // A null thumbnail in the error state shows the problem icon rather than nothing.
        QVERIFY(!card.grab().isNull());
    }
    // A message that already names the file is kept as is.
    PredictionCard card(3, "a.png", {}, QImage());
    card.setError("Could not read 'a.png'");
    QCOMPARE(card.errorText(), QString("Could not read 'a.png'"));
}

void PredictionCardTest::titleElidedWithFullPathTooltip() {
    const QString longName = QString("a_really_long_file_name_from_a_camera_%1.jpeg").arg(QString(40, 'x'));
    PredictionCard card(5, longName, "/photos/" + longName, photo());
    QVERIFY(card.shownTitle().size() < longName.size());
    QVERIFY(card.shownTitle().contains(QChar(0x2026)));
    bool found = false;
    for (QLabel* label : card.findChildren<QLabel*>())
        if (label->text() == card.shownTitle()) found = label->toolTip() == plainToolTip("/photos/" + longName);
    QVERIFY(found);
    PredictionCard shortCard(6, "cat.png", {}, photo());
    QCOMPARE(shortCard.shownTitle(), QString("cat.png"));
}

// A class name from someone's dataset can be long: the headline beside the model's view elides it
// and keeps the percentage, instead of running off the card's edge (seen on a screenshot).
void PredictionCardTest::longClassNameIsElidedBesideItsPercentage() {
    const QString name = "a class someone named at great length";
    PredictionCard card(8, "x.png", "/data/x.png", photo());
    card.setPrediction(digit(), "model input 28×28 gray", {{name, 0.9, 0}, {"short", 0.1, 1}}, 40);
    card.show();
    QVERIFY(QTest::qWaitForWindowExposed(&card));
    const QString shown = card.headlineText();
    QVERIFY2(shown.endsWith(" · 90%") && shown.contains(QChar(0x2026)), qPrintable(shown));
    QLabel* headline = nullptr;
    for (QLabel* label : card.findChildren<QLabel*>())
        if (label->text() == shown) headline = label;
    QVERIFY(headline);
    QVERIFY2(headline->fontMetrics().horizontalAdvance(shown) <= headline->width(),
             qPrintable(QString("%1 px of text in %2 px").arg(headline->fontMetrics().horizontalAdvance(shown))
                            .arg(headline->width())));
    QCOMPARE(headline->toolTip(), plainToolTip(name));
    QVERIFY(studio::test::saveScreenshot(card, "card-long-class-name"));
}

void PredictionCardTest::saliencyReplacesOrOverlaysThumbnail() {
    PredictionCard card(7, "cat.png", {}, photo());
    card.setPrediction(digit(), "model input", kTop, 40);
    QImage opaque(28, 28, QImage::Format_RGB32);
    opaque.fill(Qt::red);
    card.setSaliency(opaque);
    QVERIFY(!card.isShowingSaliency());
    QCOMPARE(card.shownPicture(), photo());
    card.setShowSaliency(true);
    QVERIFY(card.isShowingSaliency());
    QCOMPARE(card.shownPicture(), opaque);
    // With alpha: drawn over the thumbnail, stretched to it.
    QImage heat(28, 28, QImage::Format_ARGB32);
    heat.fill(QColor(255, 0, 0, 128));
    card.setSaliency(heat);
    const QImage composite = card.shownPicture();
    QCOMPARE(composite.size(), photo().size());
    const QColor mixed = composite.pixelColor(160, 120);
    QVERIFY2(qAbs(mixed.red() - (255 + 30) / 2) <= 2 && qAbs(mixed.green() - 140 / 2) <= 2, qPrintable(mixed.name()));
    card.setShowSaliency(false);
    QCOMPARE(card.shownPicture(), photo());
    // No overlay yet: the toggle shows the thumbnail.
    card.setSaliency(QImage());
    card.setShowSaliency(true);
    QVERIFY(!card.isShowingSaliency());
    QCOMPARE(card.shownPicture(), photo());
}

void PredictionCardTest::correctionEmitsChosenClass() {
    PredictionCard card(9, "seven.png", {}, photo());
    card.setClassNames(kDigits);
    QSignalSpy spy(&card, &PredictionCard::correctionRequested);
    QComboBox* combo = card.correctionCombo();
    QCOMPARE(combo->count(), 10);
    QCOMPARE(combo->currentIndex(), -1);
    QVERIFY(!combo->isEnabled());  // nothing to correct while pending
    card.setPrediction(digit(), "model input", kTop, 40);
    QVERIFY(combo->isEnabled());
    QVERIFY(!card.addToTrainingButton()->isEnabled());  // choose a class first
    combo->setCurrentIndex(combo->findText("one"));
    QVERIFY(card.addToTrainingButton()->isEnabled());
    QVERIFY(card.addToTrainingButton()->toolTip().contains("'one'"));
    QTest::mouseClick(card.addToTrainingButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 9);
    QCOMPARE(spy.at(0).at(1).toInt(), 1);
    combo->setCurrentIndex(8);
    card.addToTrainingButton()->click();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(1).toInt(), 8);
}

void PredictionCardTest::correctionDisabledWithReason() {
    PredictionCard card(10, "seven.png", {}, photo());
    card.setClassNames(kDigits);
    card.setPrediction(digit(), "model input", kTop, 40);
    card.correctionCombo()->setCurrentIndex(3);
    card.setCorrectionEnabled(false, "Training is running; add examples after it stops");
    QVERIFY(!card.addToTrainingButton()->isEnabled());
    QVERIFY(!card.correctionCombo()->isEnabled());
    QCOMPARE(card.addToTrainingButton()->toolTip(), QString("Training is running; add examples after it stops"));
    card.setCorrectionEnabled(true);
    QVERIFY(card.addToTrainingButton()->isEnabled());
    // Without class names there is nothing to choose.
    card.setClassNames({});
    QVERIFY(!card.correctionCombo()->isEnabled());
    QVERIFY(!card.addToTrainingButton()->isEnabled());
}

void PredictionCardTest::closeRequestsRemoval() {
    PredictionCard card(11, "cat.png", {}, photo());
    QSignalSpy spy(&card, &PredictionCard::removeRequested);
    QTest::mouseClick(card.closeButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 11);
}

// A long message (a deep temporary path) wraps to many lines; every one of them must show.
void PredictionCardTest::longErrorIsNeverCutOff() {
    QWidget host;
    auto* layout = new QVBoxLayout(&host);
    auto* card = new PredictionCard(1, "notes.png", "/tmp/a/b/notes.png", {});
    layout->addWidget(card);
    layout->addStretch(1);
    const QString message =
        "File '/tmp/gui_tst_inference_evaluation-RGsfFJ/drops/notes.png' is not an image (no known "
        "image format recognised). Use PNG, JPEG, BMP, TIFF, WebP or PNM.";
    card->setError(message);
    host.resize(400, 800);
    host.show();
    QVERIFY(QTest::qWaitForWindowExposed(&host));
    QLabel* label = nullptr;
    for (QLabel* l : card->findChildren<QLabel*>())
        if (l->text() == message) label = l;
    QVERIFY(label);
    QVERIFY2(label->height() >= label->heightForWidth(label->width()),
             qPrintable(QString("%1 < %2").arg(label->height()).arg(label->heightForWidth(label->width()))));
    QVERIFY(label->geometry().bottom() <= card->contentsRect().bottom());
}

void PredictionCardTest::waitingSaysWhyWithoutABusyBar() {
    PredictionCard card(3, "cat.png", "/data/cat.png", photo());
    const QString reason = "No model yet: train one or load a model file.";
    card.setWaiting(reason);
    QCOMPARE(card.state(), State::Waiting);
    QCOMPARE(card.statusText(), reason);
    QVERIFY(card.errorText().isEmpty());
    QVERIFY(!card.bars()->isVisibleTo(&card));
    QVERIFY(!card.addToTrainingButton()->isEnabled());
    QLabel* status = nullptr;
    for (QLabel* label : card.findChildren<QLabel*>())
        if (label->text() == reason) status = label;
    QVERIFY(status);
    QVERIFY(status->isVisibleTo(&card));
    QVERIFY(status->wordWrap());
    QVERIFY(!card.findChild<QProgressBar*>()->isVisibleTo(&card));  // nothing is running
    QCOMPARE(card.shownPicture(), photo());
    // When a model arrives the card is busy, then answers.
    card.setPending();
    QCOMPARE(card.statusText(), QString("Predicting…"));
    QVERIFY(card.findChild<QProgressBar*>()->isVisibleTo(&card));
    card.setPrediction(digit(), "model input 28×28 gray", kTop, 42.3);
    QVERIFY(card.statusText().isEmpty());
}

QTEST_MAIN(PredictionCardTest)
#include "tst_prediction_card.moc"
