#include "widgets/prediction_card.h"

#include "widgets/focused_wheel.h"
#include "widgets/run_values.h"
#include "widgets/studio_icons.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

constexpr int kMargin = 12;
constexpr int kSummaryGap = 10;  // between the model's view and the headline beside it
constexpr int kCloseSize = 22;

// Small pictures grow by a whole factor with nearest-neighbour (an MNIST digit stays crisp
// pixels, not a blur); big ones shrink smoothly to fit.
QPixmap fitted(const QImage& image, const QSize& box) {
    if (image.isNull()) return {};
    if (image.width() <= box.width() && image.height() <= box.height()) {
        const int factor = std::max(1, std::min(box.width() / image.width(), box.height() / image.height()));
        return QPixmap::fromImage(image.scaled(image.size() * factor, Qt::IgnoreAspectRatio, Qt::FastTransformation));
    }
    return QPixmap::fromImage(image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

QLabel* makeLabel(QWidget* parent, double fontScale = 1.0, bool bold = false) {
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);  // file and class names come from other people's files
    QFont f = label->font();
    if (fontScale != 1.0) f.setPointSizeF(f.pointSizeF() * fontScale);
    f.setBold(bold);
    label->setFont(f);
    return label;
}

}  // namespace

PredictionCard::PredictionCard(int cardId, const QString& title, const QString& path, const QImage& thumbnail,
                               QWidget* parent)
    : QFrame(parent), m_cardId(cardId), m_title(title), m_path(path) {
    setFixedWidth(kWidth);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);

    m_titleLabel = makeLabel(this, 1.0, true);
    m_titleLabel->setText(shownTitle());
    m_titleLabel->setToolTip(plainToolTip(path.isEmpty() ? title : path));
    m_close = new QToolButton(this);
    m_close->setIcon(studioIcon(QStringLiteral("close")));
    m_close->setAutoRaise(true);
    m_close->setFixedSize(kCloseSize, kCloseSize);
    m_close->setToolTip(tr("Remove this card"));
    m_close->setAccessibleName(tr("Remove %1").arg(title));
    connect(m_close, &QToolButton::clicked, this, [this] { Q_EMIT removeRequested(m_cardId); });

    m_picture = new QLabel(this);
    m_picture->setFixedSize(kPictureWidth, kPictureHeight);
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setBackgroundRole(QPalette::AlternateBase);
    m_picture->setAutoFillBackground(true);

    m_status = makeLabel(this);
    m_status->setWordWrap(true);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);  // busy indicator
    m_busy->setTextVisible(false);
    m_busy->setFixedHeight(6);
    m_error = makeLabel(this);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_result = new QWidget(this);
    m_modelViewLabel = new QLabel(m_result);
    m_modelViewLabel->setFixedSize(kModelViewSize + 2, kModelViewSize + 2);
    m_modelViewLabel->setAlignment(Qt::AlignCenter);
    m_modelViewLabel->setFrameShape(QFrame::Box);
    m_modelViewLabel->setForegroundRole(QPalette::Mid);
    m_modelViewLabel->setToolTip(tr("What the model sees: the image after the model's own preprocessing"));
    m_headline = makeLabel(m_result, 1.2, true);
    m_caption = makeLabel(m_result, 0.9);
    m_caption->setWordWrap(true);
    m_caption->setForegroundRole(QPalette::PlaceholderText);
    m_latency = makeLabel(m_result, 0.9);
    m_latency->setForegroundRole(QPalette::PlaceholderText);
    m_latency->setToolTip(tr("Time the model took for this image (preprocessing and forward pass)"));
    m_bars = new ProbabilityBars(m_result);
    m_correction = new QComboBox(m_result);
    m_correction->setPlaceholderText(tr("Correct…"));
    m_correction->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_correction->setMinimumContentsLength(3);
    acceptWheelOnlyWhenFocused(m_correction);  // the cards scroll under the wheel
    m_addToTraining = new QPushButton(tr("Add to training data"), m_result);
    m_addToTraining->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);  // the combo gives way
    connect(m_correction, &QComboBox::currentIndexChanged, this, [this] { updateCorrection(); });
    connect(m_addToTraining, &QPushButton::clicked, this, [this] {
        if (m_correction->currentIndex() >= 0)
            Q_EMIT correctionRequested(m_cardId, m_correction->currentData().toInt());
    });

    auto* header = new QHBoxLayout;
    header->setSpacing(6);
    header->addWidget(m_titleLabel, 1);
    header->addWidget(m_close);
    auto* pending = new QHBoxLayout;
    pending->addWidget(m_status);
    pending->addWidget(m_busy, 1);
    auto* summary = new QVBoxLayout;
    summary->setSpacing(2);
    summary->addWidget(m_headline);
    summary->addWidget(m_caption);
    summary->addWidget(m_latency);
    summary->addStretch(1);
    auto* seen = new QHBoxLayout;
    seen->setSpacing(kSummaryGap);
    seen->addWidget(m_modelViewLabel, 0, Qt::AlignTop);
    seen->addLayout(summary, 1);
    auto* correct = new QHBoxLayout;
    correct->setSpacing(6);
    correct->addWidget(m_correction, 1);
    correct->addWidget(m_addToTraining);
    auto* result = new QVBoxLayout(m_result);
    result->setContentsMargins(0, 0, 0, 0);
    result->setSpacing(8);
    result->addLayout(seen);
    result->addWidget(m_bars);
    result->addLayout(correct);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(kMargin, 8, kMargin, kMargin);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_picture, 0, Qt::AlignHCenter);
    layout->addLayout(pending);
    layout->addWidget(m_error);
    layout->addWidget(m_result);

    m_thumbnail = thumbnail;
    setState(State::Pending);
    applyErrorStyle();
}

QString PredictionCard::latencyText(double microseconds) {
    if (!std::isfinite(microseconds) || microseconds < 0.0) return QStringLiteral("—");
    // Microseconds in whole numbers (timer noise is larger than a fraction); bigger units keep
    // three significant digits.
    if (microseconds < 9.95) return QStringLiteral("%1 µs").arg(QString::number(microseconds, 'f', 1));
    if (microseconds < 999.5) return QStringLiteral("%1 µs").arg(QString::number(microseconds, 'f', 0));
    const double ms = microseconds / 1e3;
    if (ms < 999.5) return QStringLiteral("%1 ms").arg(QString::number(ms, 'f', ms < 9.995 ? 2 : ms < 99.95 ? 1 : 0));
    return QStringLiteral("%1 s").arg(QString::number(microseconds / 1e6, 'f', 2));
}

QString PredictionCard::shownTitle() const {
    QFont f = font();
    f.setBold(true);
    const int available = kWidth - 2 * kMargin - kCloseSize - 6;
    return QFontMetrics(f).elidedText(m_title, Qt::ElideMiddle, available);
}

QString PredictionCard::statusText() const {
    return m_state == State::Pending || m_state == State::Waiting ? m_status->text() : QString();
}
QString PredictionCard::errorText() const {
    return m_state == State::Error ? m_error->text() : QString();
}
QString PredictionCard::headlineText() const {
    return m_state == State::Prediction ? m_headline->text() : QString();
}
QString PredictionCard::captionText() const {
    return m_caption->text();
}
QString PredictionCard::latencyLabelText() const {
    return m_latency->text();
}

int PredictionCard::modelViewScale() const {
    if (m_modelView.isNull()) return 0;
    return std::max(1, kModelViewSize / std::max(m_modelView.width(), m_modelView.height()));
}

QImage PredictionCard::shownModelView() const {
    return m_modelViewLabel->pixmap().toImage();
}

void PredictionCard::setThumbnail(const QImage& thumbnail) {
    m_thumbnail = thumbnail;
    updatePicture();
}

void PredictionCard::setPending() {
    setState(State::Pending);
}

void PredictionCard::setWaiting(const QString& reason) {
    m_status->setText(reason);
    setState(State::Waiting);
    // As for errors: reserve the lines the reason takes at the card's fixed width.
    m_status->setMinimumHeight(m_status->heightForWidth(kWidth - 2 * kMargin - 2 * frameWidth()));
}

void PredictionCard::setPrediction(const QImage& modelView, const QString& caption, const QList<ClassProbability>& top,
                                   double microseconds) {
    m_modelView = modelView;
    m_modelViewLabel->setPixmap(fitted(modelView, QSize(kModelViewSize, kModelViewSize)));
    m_caption->setText(caption);
    m_latency->setText(latencyText(microseconds));
    m_bars->setProbabilities(top);
    const QList<ClassProbability> sorted = m_bars->probabilities();
    if (sorted.isEmpty()) {
        m_headline->setText(tr("no answer"));
    } else {
        // Beside the model's view, at the card's fixed width: a long class name is elided (the
        // tooltip has it whole) so that the percentage always shows.
        const QString percent = tr(" · %1").arg(ProbabilityBars::percentText(sorted.first().probability));
        const int available = kWidth - 2 * kMargin - 2 * frameWidth() - (kModelViewSize + 2) - kSummaryGap;
        const QFontMetrics metrics(m_headline->font());
        m_headline->setText(
            metrics.elidedText(sorted.first().name, Qt::ElideRight, available - metrics.horizontalAdvance(percent)) +
            percent);
    }
    m_headline->setToolTip(sorted.isEmpty() ? QString() : plainToolTip(sorted.first().name));
    setState(State::Prediction);
}

void PredictionCard::setError(const QString& message) {
    const bool named = m_title.isEmpty() || message.contains(m_title);
    m_error->setText(named ? message : tr("%1: %2").arg(m_title, message));
    // The card's layout under-estimates a wrapped label's height at this fixed width: reserve
    // the lines the message really takes, so its end is never cut off.
    m_error->setMinimumHeight(m_error->heightForWidth(kWidth - 2 * kMargin - 2 * frameWidth()));
    setState(State::Error);
}

void PredictionCard::setSaliency(const QImage& overlay) {
    m_saliency = overlay;
    updatePicture();
}

void PredictionCard::setShowSaliency(bool show) {
    m_showSaliency = show;
    updatePicture();
}

void PredictionCard::setClassNames(const QStringList& names) {
    const QSignalBlocker blocker(m_correction);
    m_correction->clear();
    for (int i = 0; i < names.size(); ++i) m_correction->addItem(names[i], i);
    m_correction->setCurrentIndex(-1);
    updateCorrection();
}

void PredictionCard::setCorrectionEnabled(bool enabled, const QString& reason) {
    m_correctionAllowed = enabled;
    m_correctionReason = reason;
    updateCorrection();
}

QImage PredictionCard::shownPicture() const {
    if (!isShowingSaliency()) return m_thumbnail;
    if (!m_saliency.hasAlphaChannel() || m_thumbnail.isNull()) return m_saliency;
    QImage composite = m_thumbnail.convertToFormat(QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&composite);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(composite.rect(), m_saliency);
    return composite;
}

void PredictionCard::setState(State state) {
    m_state = state;
    if (state != State::Waiting) {
        m_status->setText(state == State::Pending ? tr("Predicting…") : QString());
        m_status->setMinimumHeight(0);
    }
    m_status->setForegroundRole(state == State::Waiting ? QPalette::PlaceholderText : QPalette::WindowText);
    m_status->setVisible(state == State::Pending || state == State::Waiting);
    m_busy->setVisible(state == State::Pending);
    m_error->setVisible(state == State::Error);
    m_result->setVisible(state == State::Prediction);
    updatePicture();
    updateCorrection();
    update();
}

void PredictionCard::updatePicture() {
    const QImage picture = shownPicture();
    // Nothing to show for a file that is not an image: a short strip with the problem icon.
    const bool iconOnly = picture.isNull() && m_state == State::Error;
    m_picture->setFixedSize(kPictureWidth, iconOnly ? kPictureHeight / 2 : kPictureHeight);
    m_picture->setPixmap(iconOnly ? studioIcon(QStringLiteral("problem")).pixmap(40, 40)
                                  : fitted(picture, QSize(kPictureWidth, kPictureHeight)));
    m_picture->setToolTip(isShowingSaliency() ? tr("Why: the brighter a region, the more it moved the score")
                                              : QString());
}

void PredictionCard::updateCorrection() {
    const bool possible = m_state == State::Prediction && m_correction->count() > 0;
    m_correction->setEnabled(possible && m_correctionAllowed);
    const bool chosen = m_correction->currentIndex() >= 0;
    m_addToTraining->setEnabled(possible && m_correctionAllowed && chosen);
    QString tip;
    if (!m_correctionAllowed)
        tip = m_correctionReason;
    else if (m_correction->count() == 0)
        tip = tr("The model has no class names to choose from");
    else if (!chosen)
        tip = tr("Choose the class this image really shows");
    else
        tip = tr("Add this image to the training data as '%1'").arg(m_correction->currentText());
    m_correction->setToolTip(m_correctionAllowed ? tr("The class this image really shows") : m_correctionReason);
    m_addToTraining->setToolTip(tip);
}

void PredictionCard::applyErrorStyle() {
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    QPalette pal = m_error->palette();
    pal.setColor(QPalette::WindowText, dark ? QColor(255, 120, 110) : QColor(190, 30, 30));
    m_error->setPalette(pal);
}

void PredictionCard::changeEvent(QEvent* event) {
    QFrame::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        applyErrorStyle();
        updatePicture();
    }
}

void PredictionCard::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor border = palette().color(QPalette::Mid);
    if (m_state == State::Error) border = m_error->palette().color(QPalette::WindowText);
    painter.setPen(QPen(border, m_state == State::Error ? 1.5 : 1.0));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8);
}

}  // namespace studio::widgets
