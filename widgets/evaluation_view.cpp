#include "widgets/evaluation_view.h"

#include "widgets/confusion_matrix_view.h"
#include "widgets/image_gallery.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace studio::widgets {

namespace {

enum Page { EmptyPage, BusyPage, ResultsPage };

QLabel* emptyStateLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

QFont scaledFont(QFont font, double factor, bool bold) {
    if (font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * factor);
    font.setBold(bold);
    return font;
}

}  // namespace

EvaluationView::EvaluationView(QWidget* parent) : QWidget(parent) {
    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);  // names the model and the dataset
    m_title->setFont(scaledFont(font(), 1.25, true));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export = new QToolButton(this);
    m_export->setText(tr("Export…"));
    m_export->setToolTip(tr("Save the matrix, the metrics and the mistakes"));
    connect(m_export, &QToolButton::clicked, this, &EvaluationView::exportRequested);
    auto* header = new QHBoxLayout;
    header->addWidget(m_title, 1);
    header->addWidget(m_export);

    m_emptyText = emptyStateLabel(this);
    m_emptyText->setFont(scaledFont(font(), 1.15, false));
    auto* busyPage = new QWidget(this);
    m_busyText = emptyStateLabel(busyPage);
    m_busyBar = new QProgressBar(busyPage);
    m_busyBar->setRange(0, 0);  // indeterminate: the app does not report progress
    m_busyBar->setTextVisible(false);
    m_busyBar->setFixedWidth(240);
    auto* busyLayout = new QVBoxLayout(busyPage);
    busyLayout->addStretch(1);
    busyLayout->addWidget(m_busyText);
    busyLayout->addWidget(m_busyBar, 0, Qt::AlignHCenter);
    busyLayout->addStretch(1);

    m_pages = new QStackedWidget(this);
    m_pages->insertWidget(EmptyPage, m_emptyText);
    m_pages->insertWidget(BusyPage, busyPage);
    m_pages->insertWidget(ResultsPage, buildResultsPage());

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_pages, 1);
    clear();
}

QWidget* EvaluationView::buildResultsPage() {
    m_matrix = new ConfusionMatrixView(this);
    connect(m_matrix, &ConfusionMatrixView::cellActivated, this, &EvaluationView::cellActivated);
    m_table = new ClassMetricsTable(this);
    connect(m_table, &ClassMetricsTable::rowActivated, this, &EvaluationView::classActivated);

    auto* top = new QSplitter(Qt::Horizontal);
    top->addWidget(m_matrix);
    top->addWidget(m_table);
    top->setStretchFactor(0, 1);
    top->setStretchFactor(1, 1);
    top->setChildrenCollapsible(false);
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(buildGalleryPanel());
    // Proportions until the user drags: the splitter scales these to its size (≈ 1280×800 window).
    top->setSizes({600, 620});  // the matrix stays square; the table needs its five columns
    split->setSizes({520, 280});
    split->setChildrenCollapsible(false);
    return split;
}

QWidget* EvaluationView::buildGalleryPanel() {
    auto* panel = new QWidget;
    m_galleryTitle = new QLabel(panel);
    m_galleryTitle->setTextFormat(Qt::PlainText);  // names classes
    m_galleryTitle->setFont(scaledFont(font(), 1.0, true));
    auto* order = new QLabel(tr("highest loss first"), panel);
    order->setForegroundRole(QPalette::PlaceholderText);
    m_back = new QPushButton(tr("← Back to most confident mistakes"), panel);
    m_back->setFlat(true);
    m_back->setCursor(Qt::PointingHandCursor);
    connect(m_back, &QPushButton::clicked, this, &EvaluationView::showMistakes);
    auto* bar = new QHBoxLayout;
    bar->addWidget(m_galleryTitle);
    bar->addSpacing(8);
    bar->addWidget(order);
    bar->addStretch(1);
    bar->addWidget(m_back);

    m_gallery = new ImageGallery(panel);
    // Two class names fit under a 104 px thumbnail in a slightly smaller font; longer pairs elide
    // and read whole in the tooltip.
    m_gallery->setThumbnailSize(104);
    m_gallery->setFont(scaledFont(font(), 0.9, false));
    m_galleryEmpty = emptyStateLabel(panel);
    m_galleryPages = new QStackedWidget(panel);
    m_galleryPages->addWidget(m_gallery);
    m_galleryPages->addWidget(m_galleryEmpty);

    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_galleryPages, 1);
    return panel;
}

void EvaluationView::setTitle(const QString& title) {
    m_title->setText(title);
}

QString EvaluationView::title() const {
    return m_title->text();
}

void EvaluationView::setMatrix(const QStringList& classNames, const QList<QList<int>>& counts) {
    m_matrix->setMatrix(classNames, counts);
    setState(State::Results);
}

void EvaluationView::setMetrics(const QList<ClassMetricsRow>& rows, double accuracy, double macroF1, int samples) {
    m_table->setMetrics(rows, accuracy, macroF1, samples);
    setState(State::Results);
}

void EvaluationView::setMistakes(const QList<EvaluationItem>& items) {
    m_mistakes = items;
    if (m_mode == GalleryMode::Mistakes) showMistakes();
    setState(State::Results);
}

void EvaluationView::showMistakes() {
    m_matrix->setSelectedCell(std::nullopt);
    showItems(GalleryMode::Mistakes, tr("Most confident mistakes (%1)").arg(m_mistakes.size()), m_mistakes);
}

void EvaluationView::showCellItems(const QString& title, const QList<EvaluationItem>& items) {
    showItems(GalleryMode::Cell, title, items);
    setState(State::Results);
}

void EvaluationView::showItems(GalleryMode mode, const QString& title, QList<EvaluationItem> items) {
    std::stable_sort(items.begin(), items.end(),
                     [](const EvaluationItem& a, const EvaluationItem& b) { return a.loss > b.loss; });
    m_mode = mode;
    m_shown = std::move(items);
    m_galleryTitle->setText(title);
    m_back->setVisible(mode == GalleryMode::Cell);
    m_galleryEmpty->setText(mode == GalleryMode::Cell ? tr("No samples in this cell.")
                                                      : tr("No mistakes: every sample was classified correctly."));
    m_galleryPages->setCurrentWidget(m_shown.isEmpty() ? static_cast<QWidget*>(m_galleryEmpty) : m_gallery);
    m_gallery->setSource(
        galleryCount(), [this](int i) { return thumbnailAt(i); }, [this](int i) { return captionAt(i); });
}

void EvaluationView::setBusy(const QString& message) {
    m_busyText->setText(message);
    setState(State::Busy);
}

void EvaluationView::clear(const QString& reason) {
    m_title->clear();
    m_matrix->clear();
    m_table->clear();
    m_mistakes.clear();
    showMistakes();
    m_emptyText->setText(reason.isEmpty() ? tr("No evaluation yet — train a model or load one, then evaluate.")
                                          : tr("No evaluation: %1").arg(reason));
    setState(State::Empty);
}

void EvaluationView::setState(State state) {
    m_state = state;
    m_pages->setCurrentIndex(state == State::Empty ? EmptyPage : state == State::Busy ? BusyPage : ResultsPage);
    m_title->setVisible(state == State::Results);
    m_export->setVisible(state == State::Results);
}

QString EvaluationView::statusText() const {
    switch (m_state) {
        case State::Empty:
            return m_emptyText->text();
        case State::Busy:
            return m_busyText->text();
        case State::Results:
            return {};
    }
    return {};
}

void EvaluationView::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    // The mistake frame's red follows the palette: make the gallery draw its thumbnails again.
    if (event->type() == QEvent::PaletteChange)
        m_gallery->setSource(
            galleryCount(), [this](int i) { return thumbnailAt(i); }, [this](int i) { return captionAt(i); });
}

QString EvaluationView::galleryTitle() const {
    return m_galleryTitle->text();
}

QString EvaluationView::captionAt(int index) const {
    if (index < 0 || index >= m_shown.size()) return {};
    const EvaluationItem& item = m_shown[index];
    if (!item.isMistake()) return QStringLiteral("✓ %1").arg(item.predictedName);
    return QStringLiteral("%1 → %2").arg(item.trueName, item.predictedName);
}

QImage EvaluationView::thumbnailAt(int index) const {
    if (index < 0 || index >= m_shown.size()) return {};
    const EvaluationItem& item = m_shown[index];
    const int size = m_gallery->thumbnailSize();
    QImage canvas(size, size, QImage::Format_ARGB32_Premultiplied);
    canvas.fill(Qt::transparent);
    QPainter painter(&canvas);
    constexpr int frame = 3;
    const QRect inner = canvas.rect().adjusted(frame + 1, frame + 1, -frame - 1, -frame - 1);
    if (!item.image.isNull()) {
        // 28×28 digits scale up with crisp pixels, photos smoothly (as the gallery itself does).
        const bool small = item.image.width() * 2 <= inner.width();
        const QImage scaled = item.image.scaled(inner.size(), Qt::KeepAspectRatio,
                                                small ? Qt::FastTransformation : Qt::SmoothTransformation);
        painter.drawImage(inner.left() + (inner.width() - scaled.width()) / 2,
                          inner.top() + (inner.height() - scaled.height()) / 2, scaled);
    }
    painter.setRenderHint(QPainter::Antialiasing);
    if (item.isMistake()) {
        const bool dark = palette().color(QPalette::Base).lightness() < 128;
        painter.setPen(QPen(dark ? QColor(255, 105, 95) : QColor(205, 35, 35), frame));
        painter.setBrush(Qt::NoBrush);
        painter.drawRoundedRect(QRectF(canvas.rect()).adjusted(1.5, 1.5, -1.5, -1.5), 3, 3);
    }
    // The confidence as a badge on the image: the caption below has room for the names only.
    const QString confidence = QString::number(qRound(item.confidence * 100.0)) + QLatin1Char('%');
    const QFont badgeFont = scaledFont(font(), 0.85, true);
    const QFontMetrics fm(badgeFont);
    QRect badge(0, 0, fm.horizontalAdvance(confidence) + 6, fm.height());
    badge.moveBottomRight(inner.bottomRight());
    painter.setPen(Qt::NoPen);
    painter.setBrush(QColor(0, 0, 0, 175));
    painter.drawRoundedRect(badge, 3, 3);
    painter.setPen(Qt::white);
    painter.setFont(badgeFont);
    painter.drawText(badge, Qt::AlignCenter, confidence);
    return canvas;
}

}  // namespace studio::widgets
