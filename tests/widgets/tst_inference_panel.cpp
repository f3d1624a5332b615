// InferencePanel input and cards: drops and pastes become the right intents (exact paths,
// decodable image bytes, offline error cards for web links); cards follow the app's calls.
#include "widgets/inference_panel.h"
#include "widgets/inference_toolbar.h"
#include "widgets/prediction_card.h"

#include <QAction>
#include <QClipboard>
#include <QDir>
#include <QFile>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

#include "inference_fixtures.h"

using namespace studio::widgets;
using State = PredictionCard::State;

class InferencePanelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void dropOfFilesAndFoldersEmitsExactPaths();
    void dropOfImageDataEmitsDecodableBytes_data();
    void dropOfImageDataEmitsDecodableBytes();
    void dropOfWebLinkMakesOfflineErrorCard();
    void dropOfLocalAndWebDoesBoth();
    void dropOfPlainTextIsRefused();
    void pasteOfClipboardImageEmitsPng();
    void pasteOfClipboardFilesEmitsPaths();
    void pasteOfNothingExplains();
    void cardsFollowTheApp();
    void closeAndClearRemoveCards();
};

void InferencePanelTest::dropOfFilesAndFoldersEmitsExactPaths() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("shoes/boots"));
    QStringList paths{dir.filePath("b.png"), dir.filePath("shoes"), dir.filePath("a photo, 1.jpg")};
    for (const QString& p : {paths[0], paths[2]}) {
        QFile f(p);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(paths[0]), QUrl::fromLocalFile(paths[1]), QUrl::fromLocalFile(paths[2])});
    QVERIFY(sendDragEnter(panel, mime));
    QVERIFY(panel.isDragActive());
    QVERIFY(sendDrop(panel, mime));
    QVERIFY(!panel.isDragActive());
    QCOMPARE(files.count(), 1);
    QCOMPARE(files.at(0).at(0).toStringList(), paths);  // folders included, order kept
    QCOMPARE(images.count(), 0);
    QCOMPARE(panel.cardCount(), 0);  // the app makes the cards
}

void InferencePanelTest::dropOfImageDataEmitsDecodableBytes_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("label");
    QTest::newRow("QImage only") << "qimage"
                                 << "Dropped image";
    QTest::newRow("PNG bytes from a browser") << "png"
                                              << "cat.png";
    QTest::newRow("JPEG bytes") << "jpeg"
                                << "Dropped image";
    QTest::newRow("data: URL") << "data"
                               << "Dropped image";
}

void InferencePanelTest::dropOfImageDataEmitsDecodableBytes() {
    QFETCH(QString, kind);
    QFETCH(QString, label);
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QMimeData mime;
    QByteArray given;
    if (kind == "qimage") {
        mime.setImageData(pattern());
    } else if (kind == "png") {
        given = encoded(pattern(), "PNG");
        mime.setData("image/png", given);
        mime.setUrls({QUrl("https://example.org/pets/cat.png")});  // what a browser adds
    } else if (kind == "jpeg") {
        given = encoded(pattern(), "JPEG");
        mime.setData("image/jpeg", given);
    } else {
        mime.setUrls({QUrl("data:image/png;base64," + encoded(pattern(), "PNG").toBase64())});
    }
    QVERIFY(sendDragEnter(panel, mime));
    QVERIFY(sendDrop(panel, mime));
    QCOMPARE(files.count(), 0);
    QCOMPARE(images.count(), 1);
    const QByteArray bytes = images.at(0).at(0).toByteArray();
    QCOMPARE(images.at(0).at(1).toString(), label);
    if (!given.isEmpty()) QCOMPARE(bytes, given);  // encoded bytes pass through untouched
    const QImage decoded = QImage::fromData(bytes);
    QCOMPARE(decoded.size(), pattern().size());
    if (kind != "jpeg") QCOMPARE(decoded.convertToFormat(QImage::Format_RGB32), pattern());
    QCOMPARE(panel.cardCount(), 0);  // no error card: the browser's link was the image's source
}

void InferencePanelTest::dropOfWebLinkMakesOfflineErrorCard() {
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QMimeData mime;
    mime.setUrls({QUrl("https://example.org/images/cat.jpg")});
    QVERIFY(sendDragEnter(panel, mime));  // accepted, so the user gets an explanation, not a ⊘ cursor
    QVERIFY(sendDrop(panel, mime));
    QCOMPARE(files.count() + images.count(), 0);
    QCOMPARE(panel.cardCount(), 1);
    PredictionCard* card = panel.card(panel.cardIds().first());
    QCOMPARE(card->state(), State::Error);
    QCOMPARE(card->title(), QString("cat.jpg"));
    QCOMPARE(card->path(), QString("https://example.org/images/cat.jpg"));
    QVERIFY2(card->errorText().contains("'cat.jpg' is on the web (example.org)"), qPrintable(card->errorText()));
    QVERIFY(card->errorText().contains("offline"));
    QVERIFY(card->errorText().contains("save it to your computer first"));
    QVERIFY(!panel.isDropHintVisible());
}

void InferencePanelTest::dropOfLocalAndWebDoesBoth() {
    QTemporaryDir dir;
    const QString local = dir.filePath("dog.png");
    QFile f(local);
    QVERIFY(f.open(QIODevice::WriteOnly));
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QMimeData mime;
    mime.setUrls({QUrl("http://example.org/"), QUrl::fromLocalFile(local)});
    QVERIFY(sendDragEnter(panel, mime));
    QVERIFY(sendDrop(panel, mime));
    QCOMPARE(files.count(), 1);
    QCOMPARE(files.at(0).at(0).toStringList(), QStringList{local});
    QCOMPARE(panel.cardCount(), 1);
    QCOMPARE(panel.card(panel.cardIds().first())->title(), QString("example.org"));  // no file name: the host
}

void InferencePanelTest::dropOfPlainTextIsRefused() {
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QMimeData mime;
    mime.setText("just some words");
    QVERIFY(!sendDragEnter(panel, mime));
    QVERIFY(!panel.isDragActive());
    QVERIFY(!sendDrop(panel, mime));
    QCOMPARE(files.count() + images.count(), 0);
    QCOMPARE(panel.cardCount(), 0);
}

void InferencePanelTest::pasteOfClipboardImageEmitsPng() {
    InferencePanel panel;
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QGuiApplication::clipboard()->setImage(pattern());
    panel.paste();
    QCOMPARE(images.count(), 1);
    QCOMPARE(images.at(0).at(1).toString(), QString("Pasted image"));
    const QByteArray bytes = images.at(0).at(0).toByteArray();
    QVERIFY(bytes.startsWith("\x89PNG"));
    QCOMPARE(QImage::fromData(bytes, "PNG").convertToFormat(QImage::Format_RGB32), pattern());
    // The Paste action (Ctrl+V) does the same.
    QCOMPARE(panel.pasteAction()->shortcut(), QKeySequence(QKeySequence::Paste));
    panel.pasteAction()->trigger();
    QCOMPARE(images.count(), 2);
    QVERIFY(panel.noticeText().isEmpty());
    // And the real key press reaches it when the panel's window is active.
    panel.show();
    panel.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    QTest::keyClick(&panel, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(images.count(), 3);
}

void InferencePanelTest::pasteOfClipboardFilesEmitsPaths() {
    QTemporaryDir dir;
    const QString path = dir.filePath("copied.png");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    auto* mime = new QMimeData;
    mime->setUrls({QUrl::fromLocalFile(path)});
    QGuiApplication::clipboard()->setMimeData(mime);
    panel.paste();
    QCOMPARE(files.count(), 1);
    QCOMPARE(files.at(0).at(0).toStringList(), QStringList{path});
    // A path copied as text works too.
    QGuiApplication::clipboard()->setText(path + "\n");
    panel.paste();
    QCOMPARE(files.count(), 2);
    QCOMPARE(files.at(1).at(0).toStringList(), QStringList{path});
}

void InferencePanelTest::pasteOfNothingExplains() {
    InferencePanel panel;
    QSignalSpy files(&panel, &InferencePanel::filesDropped);
    QSignalSpy images(&panel, &InferencePanel::imageDataDropped);
    QGuiApplication::clipboard()->setText("not a path or an image");
    panel.paste();
    QCOMPARE(files.count() + images.count(), 0);
    QVERIFY2(panel.noticeText().contains("clipboard holds no image"), qPrintable(panel.noticeText()));
    QCOMPARE(panel.cardCount(), 0);
}

void InferencePanelTest::cardsFollowTheApp() {
    InferencePanel panel;
    QVERIFY(panel.isDropHintVisible());
    QCOMPARE(panel.dropHintText(), QString("Drop images or a folder here, or paste with Ctrl+V"));
    const int a = panel.addCard("a.png", "/d/a.png", pattern());
    const int b = panel.addCard("b.png", "/d/b.png", QImage());
    QVERIFY(a != b);
    QCOMPARE(panel.cardIds(), (QList<int>{a, b}));
    QVERIFY(!panel.isDropHintVisible());
    QCOMPARE(panel.card(a)->state(), State::Pending);
    QCOMPARE(panel.card(a)->statusText(), QString("Predicting…"));
    QVERIFY(panel.setCardPrediction(a, pattern(), "model input 12×9 RGB", kTop, 42));
    QCOMPARE(panel.card(a)->state(), State::Prediction);
    QCOMPARE(panel.card(a)->headlineText(), QString("seven · 90%"));
    QCOMPARE(panel.card(a)->latencyLabelText(), QString("42 µs"));
    QVERIFY(panel.setCardError(b, "not an image"));
    QCOMPARE(panel.card(b)->errorText(), QString("b.png: not an image"));
    QVERIFY(panel.setCardThumbnail(b, pattern()));
    QCOMPARE(panel.card(b)->shownPicture(), pattern());
    QVERIFY(panel.setCardPending(a));
    QCOMPARE(panel.card(a)->state(), State::Pending);
    // A stale result for a card that is gone is refused, not applied elsewhere.
    QVERIFY(!panel.setCardPrediction(999, pattern(), {}, kTop, 1));
    QVERIFY(!panel.setCardError(999, "x"));
    QVERIFY(!panel.setCardSaliency(999, pattern()));
    QVERIFY(panel.card(999) == nullptr);
}

void InferencePanelTest::closeAndClearRemoveCards() {
    InferencePanel panel;
    QSignalSpy removed(&panel, &InferencePanel::cardRemoved);
    QSignalSpy cleared(&panel, &InferencePanel::cleared);
    const int a = panel.addCard("a.png", {}, pattern());
    const int b = panel.addCard("b.png", {}, pattern());
    QTest::mouseClick(panel.card(a)->closeButton(), Qt::LeftButton);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toInt(), a);
    QCOMPARE(panel.cardIds(), QList<int>{b});
    QVERIFY(panel.card(a) == nullptr);
    QVERIFY(!panel.setCardPrediction(a, pattern(), {}, kTop, 1));
    const int c = panel.addCard("c.png", {}, pattern());
    QVERIFY(c != a && c != b);  // ids are never reused
    panel.showFolderResults({{"x.png", "cat", 0.5, {}}});
    QTest::mouseClick(panel.toolbar()->clearButton(), Qt::LeftButton);
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(panel.cardCount(), 0);
    QVERIFY(panel.isDropHintVisible());
    QCOMPARE(panel.folderResults()->rowCount(), 0);
    QVERIFY(!panel.isShowingFolderResults());
    panel.addCard("d.png", {}, pattern());
    panel.clearCards();  // programmatic: no signal
    QCOMPARE(cleared.count(), 1);
    QCOMPARE(panel.cardCount(), 0);
}

QTEST_MAIN(InferencePanelTest)
#include "tst_inference_panel.moc"
