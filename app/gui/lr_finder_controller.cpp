#include "app/gui/lr_finder_controller.h"

#include <QMenu>
#include <QtConcurrent/QtConcurrentRun>
#include <chrono>

#include "app/gui/engine_conversions.h"
#include "app/gui/training_setup.h"

namespace studio::app {

namespace {

// The test on a worker: the setup as Start would prepare it, then the finder. `report` is called
// on this thread; it returns false once the test should stop.
Result<LrFinding> runFinder(const LrFinderController::Inputs& in, const LrFinderConfig& config,
                            const LrFinderProgress& report) {
    auto setup = prepareTrainingSetup(in.data, *in.spec, in.settings);
    if (!setup) return setup.error();
    return findLearningRate(*setup, config, report);
}

}  // namespace

LrFinderController::LrFinderController(QWidget* window, std::function<Inputs()> inputs, QObject* parent)
    : QObject(parent), m_window(window), m_inputs(std::move(inputs)) {
    m_watcher = new QFutureWatcher<Result<LrFinding>>(this);
    connect(m_watcher, &QFutureWatcher<Result<LrFinding>>::finished, this, &LrFinderController::onFinished);
}

LrFinderController::~LrFinderController() {
    if (m_cancel) m_cancel->store(true);
    m_watcher->waitForFinished();
}

void LrFinderController::addActions(QMenu* menu, widgets::HyperparameterForm* form) {
    QAction* action = menu->addAction(tr("Find Learning Rate…"), this, &LrFinderController::open);
    action->setObjectName("findLearningRateAction");
    action->setStatusTip(tr("Try rates from 1e-7 to 10 on a throwaway copy and suggest one"));
    // Beside the field it sets, where a newcomer looks for help with the number.
    auto* besideField = new QAction(tr("Find…"), form);
    besideField->setObjectName("findLearningRateButtonAction");
    besideField->setToolTip(tr("Find a learning rate: a short range test on a throwaway copy of the model "
                               "suggests one (Training ▸ Find Learning Rate…)"));
    connect(besideField, &QAction::triggered, this, &LrFinderController::open);
    form->setFieldAction(QStringLiteral("lr"), besideField);
}

void LrFinderController::open() {
    if (!m_dialog) {
        m_dialog = new widgets::LrFinderDialog(m_window);
        connect(m_dialog, &widgets::LrFinderDialog::findRequested, this, &LrFinderController::find);
        connect(m_dialog, &widgets::LrFinderDialog::stopRequested, this, &LrFinderController::stop);
        connect(m_dialog, &widgets::LrFinderDialog::applyRequested, this, &LrFinderController::learningRateChosen);
    }
    m_dialog->setCurrentRate(m_inputs().settings.value("lr", 1e-3).toDouble());
    m_dialog->show();
    m_dialog->raise();
    m_dialog->activateWindow();
}

void LrFinderController::find() {
    if (m_watcher->isRunning()) return;
    Inputs in = m_inputs();
    if (!in.data || !in.spec) {
        m_dialog->failed(tr("Load a dataset first: the test trains on it."));
        return;
    }
    const LrFinderConfig config;
    const quint64 job = ++m_job;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_dialog->setCurrentRate(in.settings.value("lr", 1e-3).toDouble());
    m_dialog->started(config.steps);
    // Progress at most ~30 times a second (STYLE.md 7); the last step always gets through.
    auto report = [this, job, cancel = m_cancel, last = std::chrono::steady_clock::time_point{}](
                      int step, int steps, const LrCurvePoint& point) mutable {
        const auto now = std::chrono::steady_clock::now();
        if (step == steps || now - last >= std::chrono::milliseconds(33)) {
            last = now;
            const QPointF at(point.lr, point.loss);
            QMetaObject::invokeMethod(
                this,
                [this, job, step, steps, at] {
                    if (job == m_job && m_dialog) m_dialog->progressed(step, steps, at);
                },
                Qt::QueuedConnection);
        }
        return !cancel->load();
    };
    m_watcher->setFuture(QtConcurrent::run(
        [in = std::move(in), config, report = std::move(report)]() mutable { return runFinder(in, config, report); }));
}

void LrFinderController::stop() {
    if (m_cancel) m_cancel->store(true);
}

void LrFinderController::onFinished() {
    ++m_job;  // progress still queued from the ended test is dropped
    const Result<LrFinding> found = m_watcher->result();
    if (!m_dialog) return;
    if (!found) {
        m_dialog->failed(found.error().kind() == Error::Kind::Cancelled ? tr("Stopped.") : errorText(found.error()));
        return;
    }
    QList<QPointF> raw, smoothed;
    for (const LrCurvePoint& p : found->curve) {
        raw.append({p.lr, p.loss});
        smoothed.append({p.lr, p.smoothed});
    }
    m_dialog->finished(raw, smoothed, found->suggestedLr, found->rangeLow, found->rangeHigh, found->diverged);
}

}  // namespace studio::app
