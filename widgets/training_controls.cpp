#include "widgets/training_controls.h"

#include "widgets/human_units.h"
#include "widgets/studio_icons.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace studio::widgets {
namespace {

QToolButton* makeButton(const QString& text, const QString& icon, QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setIcon(studioIcon(icon));
    button->setIconSize(QSize(20, 20));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setAutoRaise(false);
    button->setMinimumWidth(92);
    button->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    return button;
}

}  // namespace

TrainingControls::TrainingControls(QWidget* parent) : QWidget(parent) {
    m_start = makeButton(tr("Start"), QStringLiteral("start"), this);
    m_pause = makeButton(tr("Pause"), QStringLiteral("pause"), this);
    m_stop = makeButton(tr("Stop"), QStringLiteral("stop"), this);
    m_stop->setToolTip(tr("Stop training; the model keeps the weights it has learned so far"));
    connect(m_start, &QToolButton::clicked, this, &TrainingControls::startRequested);
    connect(m_pause, &QToolButton::clicked, this, [this] {
        if (m_state == State::Paused)
            Q_EMIT resumeRequested();
        else if (m_state == State::Running)
            Q_EMIT pauseRequested();
    });
    connect(m_stop, &QToolButton::clicked, this, &TrainingControls::stopRequested);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(true);
    m_progress->setMinimumWidth(220);

    m_elapsed = new QLabel(this);
    m_eta = new QLabel(this);
    m_speed = new QLabel(this);
    for (QLabel* label : {m_elapsed, m_eta, m_speed}) label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_elapsed->setToolTip(tr("Time spent training in this run"));
    m_eta->setToolTip(tr("Estimated time until the last epoch ends"));
    m_speed->setToolTip(tr("Training samples processed per second (forward and backward)"));

    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);  // messages quote file and dataset names
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_pause);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_progress, 1);

    auto* rates = new QHBoxLayout;
    rates->addWidget(m_elapsed);
    rates->addSpacing(16);
    rates->addWidget(m_eta);
    rates->addSpacing(16);
    rates->addWidget(m_speed);
    rates->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addLayout(rates);
    layout->addWidget(m_status);

    setProgress(0, 0, 0, 0);
    setRates(0.0, -1.0, 0.0);
    updateButtons();
    applyStatusStyle();
}

void TrainingControls::setState(State state) {
    m_state = state;
    updateButtons();
}

void TrainingControls::setProgress(int epoch, int epochs, int batch, int batches) {
    if (epochs <= 0 || batches <= 0) {
        m_progress->setValue(0);
        m_progress->setFormat(tr("not started"));
        return;
    }
    epoch = std::clamp(epoch, 0, epochs);
    batch = std::clamp(batch, 0, batches);
    const double done = (std::max(epoch - 1, 0) * double(batches) + batch) / (double(epochs) * batches);
    m_progress->setValue(static_cast<int>(std::clamp(done, 0.0, 1.0) * 1000.0 + 0.5));
    m_progress->setFormat(tr("epoch %1/%2 · batch %3/%4").arg(epoch).arg(epochs).arg(batch).arg(batches));
}

void TrainingControls::setRates(double elapsedSeconds, double etaSeconds, double samplesPerSecond) {
    m_elapsed->setText(tr("Elapsed %1").arg(humanDuration(elapsedSeconds)));
    m_eta->setText(tr("Remaining %1").arg(humanDuration(etaSeconds)));
    m_speed->setText(samplesPerSecond > 0.0 ? tr("%1 samples/s").arg(groupedInteger(qint64(samplesPerSecond + 0.5)))
                                            : tr("— samples/s"));
}

void TrainingControls::setStatus(const QString& text, bool isError) {
    m_status->setText(text);
    m_statusIsError = isError;
    applyStatusStyle();
}

void TrainingControls::setStartEnabled(bool enabled, const QString& reasonTooltip) {
    m_startAllowed = enabled;
    m_startReason = reasonTooltip;
    updateButtons();
}

QString TrainingControls::progressText() const { return m_progress->text(); }
int TrainingControls::progressPermille() const { return m_progress->value(); }
QString TrainingControls::elapsedText() const { return m_elapsed->text(); }
QString TrainingControls::etaText() const { return m_eta->text(); }
QString TrainingControls::speedText() const { return m_speed->text(); }
QString TrainingControls::statusText() const { return m_status->text(); }

void TrainingControls::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) applyStatusStyle();
}

void TrainingControls::updateButtons() {
    const bool idle = m_state == State::Idle;
    m_start->setEnabled(idle && m_startAllowed);
    m_start->setToolTip(m_startAllowed || !idle ? tr("Start training with the current data, architecture and settings")
                                                : m_startReason);
    const bool paused = m_state == State::Paused;
    m_pause->setEnabled(m_state == State::Running || paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(studioIcon(paused ? QStringLiteral("start") : QStringLiteral("pause")));
    m_pause->setToolTip(paused ? tr("Continue training from where it paused")
                               : tr("Pause after the current batch; nothing is lost"));
    m_stop->setEnabled(m_state == State::Running || paused);
}

void TrainingControls::applyStatusStyle() {
    // Red that stays readable on both light and dark windows.
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, m_statusIsError ? (dark ? QColor(255, 120, 110) : QColor(190, 30, 30))
                                                       : palette().color(QPalette::WindowText));
    m_status->setPalette(pal);
    QFont f = m_status->font();
    f.setBold(m_statusIsError);
    m_status->setFont(f);
}

}  // namespace studio::widgets
