#include "widgets/lr_finder_dialog.h"

#include "widgets/lr_curve_plot.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace studio::widgets {

namespace {
QString rate(double lr) {
    return QString::number(lr, 'g', 3);
}
}  // namespace

LrFinderDialog::LrFinderDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Find learning rate"));
    setObjectName("lrFinderDialog");
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Trains a throwaway copy of the model for a few hundred steps while the learning rate rises "
           "from 1e-7 to 10, with the current data, architecture and settings. The loss falls once the "
           "rate is large enough to learn and blows up when it is too large; the suggestion lies a third "
           "of the way into the range where the loss is lowest (shaded). Your model is not changed."),
        this);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_plot = new LrCurvePlot(this);
    layout->addWidget(m_plot, 1);
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_status = new QLabel(this);
    m_status->setObjectName("lrFinderStatus");
    m_status->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    auto* buttons = new QDialogButtonBox(this);
    m_find = buttons->addButton(tr("Find"), QDialogButtonBox::ActionRole);
    m_find->setObjectName("findButton");
    m_apply = buttons->addButton(tr("Apply"), QDialogButtonBox::ApplyRole);
    m_apply->setObjectName("applyButton");
    m_apply->setEnabled(false);
    QPushButton* close = buttons->addButton(QDialogButtonBox::Close);
    layout->addWidget(buttons);
    connect(m_find, &QPushButton::clicked, this, [this] { Q_EMIT(m_running ? stopRequested() : findRequested()); });
    connect(m_apply, &QPushButton::clicked, this, [this] {
        if (m_suggested) Q_EMIT applyRequested(*m_suggested);
    });
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(this, &QDialog::rejected, this, [this] {
        if (m_running) Q_EMIT stopRequested();  // closing stops a test that runs
    });
    resize(640, 520);
}

void LrFinderDialog::setCurrentRate(double lr) {
    m_currentRate = lr;
    if (!m_running && !m_suggested) m_status->setText(tr("Current learning rate: %1. Press Find.").arg(rate(lr)));
}

void LrFinderDialog::started(int steps) {
    m_plot->clear();
    m_suggested.reset();
    m_apply->setEnabled(false);
    m_progress->setRange(0, steps);
    m_progress->setValue(0);
    m_status->setText(tr("Training a throwaway copy…"));
    setRunning(true);
}

void LrFinderDialog::progressed(int step, int steps, QPointF point) {
    m_progress->setRange(0, steps);
    m_progress->setValue(step);
    m_plot->appendPoint(point);
    m_status->setText(tr("Step %1 of %2: learning rate %3, loss %4")
                          .arg(step)
                          .arg(steps)
                          .arg(rate(point.x()))
                          .arg(QString::number(point.y(), 'f', 3)));
}

void LrFinderDialog::finished(const QList<QPointF>& raw, const QList<QPointF>& smoothed,
                              std::optional<double> suggested, double rangeLow, double rangeHigh, bool diverged) {
    setRunning(false);
    m_progress->setValue(m_progress->maximum());
    m_plot->setCurve(raw, smoothed);
    m_plot->setSuggestion(suggested, rangeLow, rangeHigh);
    m_suggested = suggested;
    m_apply->setEnabled(suggested.has_value());
    const QString ending = diverged ? tr(" The loss blew up after %1 steps.").arg(raw.size()) : QString();
    if (suggested)
        m_status->setText(tr("Suggested learning rate: %1 (good range %2 to %3; current %4).%5")
                              .arg(rate(*suggested), rate(rangeLow), rate(rangeHigh), rate(m_currentRate), ending));
    else
        m_status->setText(tr("The loss did not fall at any rate from 1e-7 to 10, so there is no suggestion.%1")
                              .arg(ending));
}

void LrFinderDialog::failed(const QString& message) {
    setRunning(false);
    m_status->setText(message);
}

QString LrFinderDialog::statusText() const {
    return m_status->text();
}

void LrFinderDialog::setRunning(bool running) {
    m_running = running;
    m_find->setText(running ? tr("Stop") : tr("Find"));
}

}  // namespace studio::widgets
