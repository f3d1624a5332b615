#include "widgets/inference_panel.h"

#include "widgets/camera_view.h"
#include "widgets/drop_hint.h"
#include "widgets/dropped_content.h"
#include "widgets/flow_layout.h"
#include "widgets/inference_toolbar.h"
#include "widgets/prediction_card.h"
#include "widgets/studio_icons.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPointer>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <utility>

namespace studio::widgets {
namespace {

// Drawn over the whole body while something droppable hovers, whatever is underneath.
class DropOverlay : public QWidget {
public:
    explicit DropOverlay(QWidget* parent) : QWidget(parent) {
        setAttribute(Qt::WA_TransparentForMouseEvents);
        hide();
    }

protected:
    void paintEvent(QPaintEvent*) override {
        QPainter painter(this);
        painter.setRenderHint(QPainter::Antialiasing);
        QColor fill = palette().color(QPalette::Highlight);
        fill.setAlphaF(0.10f);
        painter.setBrush(fill);
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2.0, Qt::DashLine));
        painter.drawRoundedRect(QRectF(rect()).adjusted(2, 2, -2, -2), 10, 10);
    }
};

}  // namespace

InferencePanel::InferencePanel(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    m_paste = new QAction(studioIcon(QStringLiteral("paste")), tr("Paste"), this);
    m_paste->setShortcut(QKeySequence::Paste);
    // Anywhere in the window while the panel is visible, even with nothing focused in it; a
    // focused text field still pastes into itself (it claims Ctrl+V first).
    m_paste->setShortcutContext(Qt::WindowShortcut);
    m_paste->setToolTip(tr("Classify the image, files or folder on the clipboard (%1)")
                            .arg(QKeySequence(QKeySequence::Paste).toString(QKeySequence::NativeText)));
    connect(m_paste, &QAction::triggered, this, &InferencePanel::paste);
    addAction(m_paste);

    m_notice = new QLabel(this);
    m_notice->setTextFormat(Qt::PlainText);
    m_notice->setWordWrap(true);
    m_notice->hide();
    m_noticeTimer = new QTimer(this);
    m_noticeTimer->setSingleShot(true);
    m_noticeTimer->setInterval(8000);
    connect(m_noticeTimer, &QTimer::timeout, this, [this] { showNotice({}); });

    m_cameraView = new CameraView(this);
    m_cameraView->hide();
    m_folderResults = new FolderResultsTable(this);
    m_folderResults->hide();
    connect(m_folderResults, &FolderResultsTable::exportCsvRequested, this, &InferencePanel::exportCsvRequested);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->setTabBarAutoHide(true);
    m_tabs->addTab(makeImagesPage(), tr("Images"));

    auto* body = new QHBoxLayout;
    body->setSpacing(12);
    body->addWidget(m_cameraView, 0, Qt::AlignTop);
    body->addWidget(m_tabs, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    m_toolbar = new InferenceToolbar(m_paste, this);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_notice);
    layout->addLayout(body, 1);
    m_dropOverlay = new DropOverlay(this);

    connectToolbar();
    setModelStatus({}, false);
    updateEmptyState();
}

void InferencePanel::connectToolbar() {
    connect(m_toolbar, &InferenceToolbar::loadModelRequested, this, &InferencePanel::loadModelRequested);
    connect(m_toolbar, &InferenceToolbar::topKChanged, this, &InferencePanel::topKChanged);
    connect(m_toolbar, &InferenceToolbar::saliencyClassChanged, this, &InferencePanel::saliencyClassChanged);
    connect(m_toolbar, &InferenceToolbar::saliencyMethodChanged, this, &InferencePanel::saliencyMethodChanged);
    connect(m_toolbar, &InferenceToolbar::classifyFolderRequested, this, &InferencePanel::classifyFolderRequested);
    connect(m_toolbar, &InferenceToolbar::saliencyToggled, this, [this](bool on) {
        for (PredictionCard* c : std::as_const(m_cards)) c->setShowSaliency(on);
        Q_EMIT saliencyToggled(on);
    });
    connect(m_toolbar, &InferenceToolbar::cameraToggled, this, [this](bool on) {
        setCameraOn(on);
        if (on) m_cameraView->setMessage(tr("Starting camera…"));
        Q_EMIT cameraToggled(on);
    });
    connect(m_toolbar, &InferenceToolbar::clearRequested, this, [this] {
        clearCards();
        m_folderResults->setRows({});
        m_tabs->removeTab(m_tabs->indexOf(m_folderResults));
        Q_EMIT cleared();
    });
}

QWidget* InferencePanel::makeImagesPage() {
    m_imagesStack = new QStackedWidget(this);
    m_hint = new DropHint(m_imagesStack);
    m_hint->setTitle(tr("Drop images or a folder here, or paste with %1")
                         .arg(QKeySequence(QKeySequence::Paste).toString(QKeySequence::NativeText)));
    m_scroll = new QScrollArea(m_imagesStack);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* grid = new QWidget(m_scroll);
    m_flow = new FlowLayout(grid, 12);
    m_flow->setContentsMargins(4, 4, 4, 4);
    m_scroll->setWidget(grid);
    m_imagesStack->addWidget(m_hint);
    m_imagesStack->addWidget(m_scroll);
    // Focus rests on the cards area, not on the top-k spin box, or Ctrl+V would paste text there.
    m_imagesStack->setFocusPolicy(Qt::StrongFocus);
    setFocusProxy(m_imagesStack);
    m_imagesStack->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_imagesStack->addAction(m_paste);
    return m_imagesStack;
}

// ---- model and options ----

void InferencePanel::setModelStatus(const QString& text, bool hasModel) {
    m_toolbar->setModelStatus(text, hasModel);
    m_hint->setDetail(hasModel ? tr("Each image gets a card with the model's answer. Nothing leaves this computer.")
                               : tr("No model yet — train one or load a model file, then drop images here."));
}

QString InferencePanel::modelStatusText() const {
    return m_toolbar->modelStatusText();
}
bool InferencePanel::hasModel() const {
    return m_toolbar->hasModel();
}

void InferencePanel::setClassNames(const QStringList& names) {
    m_classNames = names;
    m_toolbar->setClassNames(names);
    for (PredictionCard* c : std::as_const(m_cards)) c->setClassNames(names);
}

void InferencePanel::setTopK(int k) {
    m_toolbar->setTopK(k);
}
int InferencePanel::topK() const {
    return m_toolbar->topK();
}
QString InferencePanel::saliencyMethod() const {
    return m_toolbar->saliencyMethod();
}

int InferencePanel::saliencyClass() const {
    return m_toolbar->saliencyClass();
}
bool InferencePanel::isSaliencyOn() const {
    return m_toolbar->isSaliencyOn();
}

void InferencePanel::setCorrectionEnabled(bool enabled, const QString& reason) {
    m_correctionAllowed = enabled;
    m_correctionReason = reason;
    for (PredictionCard* c : std::as_const(m_cards)) c->setCorrectionEnabled(enabled, reason);
}

// ---- cards ----

int InferencePanel::addCard(const QString& title, const QString& path, const QImage& thumbnail) {
    const int id = m_nextCardId++;
    auto* c = new PredictionCard(id, title, path, thumbnail);
    c->setClassNames(m_classNames);
    c->setCorrectionEnabled(m_correctionAllowed, m_correctionReason);
    c->setShowSaliency(isSaliencyOn());
    connect(c, &PredictionCard::correctionRequested, this, &InferencePanel::correctionRequested);
    connect(c, &PredictionCard::removeRequested, this, [this](int cardId) {
        removeCard(cardId);
        Q_EMIT cardRemoved(cardId);
    });
    m_cards.insert(id, c);
    m_flow->addWidget(c);
    updateEmptyState();
    // Once laid out, scroll to the first card of this batch (a dropped folder adds many at once).
    if (!m_scrollPending) {
        m_scrollPending = true;
        QTimer::singleShot(0, this, [this, card = QPointer<PredictionCard>(c)] {
            m_scrollPending = false;
            if (card) m_scroll->ensureWidgetVisible(card);
        });
    }
    return id;
}

bool InferencePanel::setCardThumbnail(int id, const QImage& thumbnail) {
    PredictionCard* c = card(id);
    if (c) c->setThumbnail(thumbnail);
    return c;
}

bool InferencePanel::setCardPending(int id) {
    PredictionCard* c = card(id);
    if (c) c->setPending();
    return c;
}

bool InferencePanel::setCardWaiting(int id, const QString& reason) {
    PredictionCard* c = card(id);
    if (c) c->setWaiting(reason);
    return c;
}

bool InferencePanel::setCardPrediction(int id, const QImage& modelView, const QString& modelViewCaption,
                                       const QList<ClassProbability>& top, double microseconds) {
    PredictionCard* c = card(id);
    if (c) c->setPrediction(modelView, modelViewCaption, top, microseconds);
    return c;
}

bool InferencePanel::setCardError(int id, const QString& message) {
    PredictionCard* c = card(id);
    if (c) c->setError(message);
    return c;
}

bool InferencePanel::setCardSaliency(int id, const QImage& overlay) {
    PredictionCard* c = card(id);
    if (c) c->setSaliency(overlay);
    return c;
}

void InferencePanel::removeCard(int id) {
    PredictionCard* c = m_cards.take(id);
    if (!c) return;
    m_flow->removeWidget(c);
    c->hide();
    c->deleteLater();  // it may be the sender of the click that got us here
    updateEmptyState();
}

void InferencePanel::clearCards() {
    const QList<int> ids = m_cards.keys();
    for (int id : ids) removeCard(id);
}

QList<int> InferencePanel::cardIds() const {
    return m_cards.keys();
}  // ids grow, so key order is grid order

void InferencePanel::updateEmptyState() {
    m_imagesStack->setCurrentIndex(m_cards.isEmpty() ? 0 : 1);
    m_tabs->setTabText(0, m_cards.isEmpty() ? tr("Images") : tr("Images (%1)").arg(m_cards.size()));
}

// ---- camera and folder results ----

void InferencePanel::setCameraFrame(const QImage& frame, const QList<ClassProbability>& top) {
    m_cameraView->setFrame(frame, top);
}

void InferencePanel::setCameraMessage(const QString& message) {
    m_cameraView->setMessage(message);
    m_cameraView->show();  // also with Camera off: "No camera found" must not vanish with the view
}

void InferencePanel::setCameraOn(bool on) {
    m_toolbar->setCameraOn(on);
    m_cameraView->setVisible(on);
    if (!on) m_cameraView->clear();
}

bool InferencePanel::isCameraOn() const {
    return m_toolbar->isCameraOn();
}

void InferencePanel::showFolderResults(const QList<FolderResultRow>& rows, const QString& folder) {
    m_folderResults->setRows(rows, folder);
    const QString title = folder.isEmpty() ? tr("Folder results") : tr("Folder: %1").arg(folder);
    if (m_tabs->indexOf(m_folderResults) < 0) m_tabs->addTab(m_folderResults, title);
    m_tabs->setTabText(m_tabs->indexOf(m_folderResults), title);
    m_tabs->setCurrentWidget(m_folderResults);
}

bool InferencePanel::isShowingFolderResults() const {
    return m_tabs->currentWidget() == m_folderResults;
}

// ---- drops and pastes ----

bool InferencePanel::accept(const QMimeData* mime, const QString& fallbackLabel) {
    const DroppedContent content = readDroppedContent(mime);
    if (content.isEmpty()) return false;
    m_tabs->setCurrentIndex(0);  // the cards are where the answers appear
    if (!content.localPaths.isEmpty())
        Q_EMIT filesDropped(content.localPaths);
    else if (!content.imageBytes.isEmpty())
        Q_EMIT imageDataDropped(content.imageBytes, content.imageLabel.isEmpty() ? fallbackLabel : content.imageLabel);
    for (const QUrl& url : content.webUrls) addWebLinkCard(url);
    return true;
}

void InferencePanel::addWebLinkCard(const QUrl& url) {
    const QString title = url.fileName().isEmpty() ? url.host() : url.fileName();
    const int id = addCard(title, url.toDisplayString(QUrl::RemoveUserInfo), QImage());
    setCardError(id, tr("'%1' is on the web (%2). Training Studio works offline and does not download images: "
                        "save it to your computer first, then drop the saved file here.")
                         .arg(title, url.host()));
}

void InferencePanel::paste() {
    pasteFrom(QApplication::clipboard()->mimeData());
}

void InferencePanel::pasteFrom(const QMimeData* mime) {
    if (accept(mime, tr("Pasted image")))
        showNotice({});
    else
        showNotice(
            tr("The clipboard holds no image, file or folder to classify. Copy an image, or copy files "
               "in the file manager, then paste again."));
}

QString InferencePanel::dropHintText() const {
    return m_hint->title();
}
bool InferencePanel::isDropHintVisible() const {
    return m_imagesStack->currentIndex() == 0;
}
QString InferencePanel::noticeText() const {
    return m_notice->text();
}

void InferencePanel::showNotice(const QString& text) {
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
    if (text.isEmpty())
        m_noticeTimer->stop();
    else
        m_noticeTimer->start();
}

void InferencePanel::setDragActive(bool active) {
    m_dragActive = active;
    if (active) {
        const QRect body = m_tabs->geometry().united(m_cameraView->isVisible() ? m_cameraView->geometry() : QRect());
        m_dropOverlay->setGeometry(body);
        m_dropOverlay->raise();
    }
    m_dropOverlay->setVisible(active);
}

void InferencePanel::dragEnterEvent(QDragEnterEvent* event) {
    if (!hasDroppableContent(event->mimeData())) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    setDragActive(true);
}

void InferencePanel::dragMoveEvent(QDragMoveEvent* event) {
    if (m_dragActive)
        event->acceptProposedAction();
    else
        event->ignore();
}

void InferencePanel::dragLeaveEvent(QDragLeaveEvent* event) {
    setDragActive(false);
    QWidget::dragLeaveEvent(event);
}

void InferencePanel::dropEvent(QDropEvent* event) {
    setDragActive(false);
    if (accept(event->mimeData(), tr("Dropped image")))
        event->acceptProposedAction();
    else
        event->ignore();
}

void InferencePanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_dragActive) setDragActive(true);  // keep the overlay over the body
}

}  // namespace studio::widgets
