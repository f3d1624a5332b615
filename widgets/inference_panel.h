#pragma once
// InferencePanel: the studio's live inference page. An InferenceToolbar (model status, Load
// model…, top-k, Why?, Camera, Classify folder…, Paste, Clear) over a flowing grid of
// PredictionCards, with a big drop hint while empty, an optional camera view and a folder
// results tab.
//
// It never predicts. Drops and pastes become intents (filesDropped, imageDataDropped); the app
// answers with addCard() and later setCardPrediction() or setCardError(). The only cards the
// panel makes itself are the errors for web links, which the offline studio cannot fetch.
// Setters never emit; only the user's actions do.

#include "widgets/folder_results_table.h"
#include "widgets/probability_bars.h"

#include <QByteArray>
#include <QImage>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <QWidget>

class QAction;
class QLabel;
class QMimeData;
class QScrollArea;
class QStackedWidget;
class QTabWidget;
class QTimer;
class QUrl;

namespace studio::widgets {

class CameraView;
class DropHint;
class FlowLayout;
class InferenceToolbar;
class PredictionCard;

class InferencePanel : public QWidget {
    Q_OBJECT
public:
    explicit InferencePanel(QWidget* parent = nullptr);

    // ---- model and options (see InferenceToolbar; the panel also feeds its cards) ----
    /// e.g. ("Model: lenet, epoch 3 (training)", true); ({}, false) shows "No model yet — …".
    void setModelStatus(const QString& text, bool hasModel);
    QString modelStatusText() const;
    bool hasModel() const;
    /// Class index = position. Feeds every card's correction combo and the Why? class chooser,
    /// and caps top-k at the class count (read topK() afterwards; nothing is emitted).
    void setClassNames(const QStringList& names);
    QStringList classNames() const { return m_classNames; }
    void setTopK(int k);
    int topK() const;
    /// -1 = explain the predicted class, else a class index.
    int saliencyClass() const;
    /// "occlusion" or "gradient" (the toolbar's method chooser).
    QString saliencyMethod() const;
    bool isSaliencyOn() const;
    /// Applies to every card, present and future.
    void setCorrectionEnabled(bool enabled, const QString& reason = {});

    // ---- cards (ids are unique for the panel's lifetime, never reused) ----
    /// A new pending card at the end of the grid; returns its id. `path` may be empty (pasted data).
    int addCard(const QString& title, const QString& path, const QImage& thumbnail);
    /// These return false (and do nothing) for an unknown id, e.g. a card the user removed
    /// while its prediction was running. See PredictionCard for the arguments.
    bool setCardThumbnail(int id, const QImage& thumbnail);
    bool setCardPending(int id);
    bool setCardWaiting(int id, const QString& reason);
    bool setCardPrediction(int id, const QImage& modelView, const QString& modelViewCaption,
                           const QList<ClassProbability>& top, double microseconds);
    bool setCardError(int id, const QString& message);
    bool setCardSaliency(int id, const QImage& overlay);
    /// Removes every card (emits nothing; the Clear button also emits cleared()).
    void clearCards();
    int cardCount() const { return int(m_cards.size()); }
    PredictionCard* card(int id) const { return m_cards.value(id, nullptr); }
    /// In grid order (oldest first).
    QList<int> cardIds() const;

    // ---- camera ----
    void setCameraFrame(const QImage& frame, const QList<ClassProbability>& top);
    /// Shows the camera view with `message` instead of a frame, even with Camera off (so "No
    /// camera found …" stays in sight after the button springs back).
    void setCameraMessage(const QString& message);
    /// Checks or unchecks Camera and shows or hides the camera view, without emitting (e.g. the
    /// app could not open the camera).
    void setCameraOn(bool on);
    bool isCameraOn() const;

    // ---- folder results ----
    /// Shows (and switches to) the folder results tab.
    void showFolderResults(const QList<FolderResultRow>& rows, const QString& folder = {});
    bool isShowingFolderResults() const;

    // ---- for tests and the window ----
    /// Handles `mime` as a paste: the same intents as a drop; a notice when nothing is usable.
    void pasteFrom(const QMimeData* mime);
    /// Ctrl+V. Its shortcut works in the whole window while the panel is visible (a focused text
    /// field keeps its own paste); a window with its own Ctrl+V action should route it here
    /// while this panel is shown, or the shortcut is ambiguous.
    QAction* pasteAction() const { return m_paste; }
    QString dropHintText() const;
    bool isDropHintVisible() const;
    QString noticeText() const;
    bool isDragActive() const { return m_dragActive; }
    InferenceToolbar* toolbar() const { return m_toolbar; }
    CameraView* cameraView() const { return m_cameraView; }
    FolderResultsTable* folderResults() const { return m_folderResults; }

public Q_SLOTS:
    /// Classifies what the system clipboard holds (Ctrl+V).
    void paste();

Q_SIGNALS:
    void loadModelRequested();
    /// Re-run the cards with k classes (or read topK() for the next prediction).
    void topKChanged(int k);
    /// The cards already show (on) or hide their overlays; when on, the app computes saliency
    /// for cardIds() and answers with setCardSaliency().
    void saliencyToggled(bool on);
    /// Recompute the overlays for this class (-1: each card's predicted class).
    void saliencyClassChanged(int classIndexOrMinus1);
    void saliencyMethodChanged(const QString& method);
    /// On: start the camera and call setCameraFrame() per frame, or setCameraMessage() if none.
    void cameraToggled(bool on);
    /// Ask for a folder, classify it, answer with showFolderResults().
    void classifyFolderRequested();
    /// Local files and folders, as dropped or pasted (folders not expanded: the app does that).
    void filesDropped(const QStringList& paths);
    /// An encoded image (PNG, JPEG, … bytes) from a browser drag or the clipboard, with a title
    /// for its card ("cat.jpg", "Pasted image").
    void imageDataDropped(const QByteArray& encodedBytes, const QString& label);
    void correctionRequested(int cardId, int classIndex);
    /// The user closed a card (it is already gone); a running prediction for it can be dropped.
    void cardRemoved(int cardId);
    /// The user pressed Clear: all cards and folder results are gone.
    void cleared();
    /// Ask where to save, then folderResults()->writeCsv(path, &error).
    void exportCsvRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    QWidget* makeImagesPage();
    void connectToolbar();
    /// Emits or makes error cards for `mime`; false if it held nothing usable.
    bool accept(const QMimeData* mime, const QString& fallbackLabel);
    void addWebLinkCard(const QUrl& url);
    void removeCard(int id);
    void showNotice(const QString& text);
    void setDragActive(bool active);
    void updateEmptyState();

    bool m_dragActive = false;
    bool m_scrollPending = false;
    bool m_correctionAllowed = true;
    QString m_correctionReason;
    QStringList m_classNames;
    int m_nextCardId = 1;
    QMap<int, PredictionCard*> m_cards;

    InferenceToolbar* m_toolbar = nullptr;
    QAction* m_paste = nullptr;
    QLabel* m_notice = nullptr;
    QTimer* m_noticeTimer = nullptr;
    QTabWidget* m_tabs = nullptr;
    QStackedWidget* m_imagesStack = nullptr;
    DropHint* m_hint = nullptr;
    QScrollArea* m_scroll = nullptr;
    FlowLayout* m_flow = nullptr;
    CameraView* m_cameraView = nullptr;
    FolderResultsTable* m_folderResults = nullptr;
    QWidget* m_dropOverlay = nullptr;
};

}  // namespace studio::widgets
