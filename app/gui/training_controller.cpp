#include "app/gui/training_controller.h"

#include <chrono>
#include <cmath>
#include <thread>
#include <variant>

#include "app/gui/engine_conversions.h"
#include "engine/train/option_schema.h"
#include "widgets/human_units.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/run_values.h"
#include "widgets/training_controls.h"

namespace studio::app {

using widgets::RunLog;
using State = widgets::TrainingControls::State;

namespace {

QString fixed4(double v) {
    return std::isfinite(v) ? QString::number(v, 'f', 4) : QStringLiteral("n/a");
}

}  // namespace

TrainingController::TrainingController(TrainingViews views, QObject* parent) : QObject(parent), m_views(views) {
    m_drainTimer.setInterval(33);
    connect(&m_drainTimer, &QTimer::timeout, this, &TrainingController::drainEvents);
}

TrainingController::~TrainingController() {
    m_trainer.stop();
    m_trainer.wait();
    if (m_recorder) {
        for (const TrainingEvent& e : m_trainer.events().drain()) m_recorder->record(e);
        m_recorder->setStatus(RunStatus::Interrupted);
        closeRecorder(true);
    }
    for (auto& t : m_closers) t.join();  // the last flushes of earlier runs
}

Status TrainingController::start(TrainingSetup setup, const QString& description,
                                 std::shared_ptr<RunRecorder> recorder) {
    if (isRunning()) return Error::invalid("A training is already running.", "Stop it before starting another one.");
    closeRecorder(false);
    m_recorder = std::move(recorder);
    m_recordedRunId = m_recorder ? m_recorder->runId() : 0;
    if (m_recorder) setup.onCheckpoint = [r = m_recorder.get()](CheckpointPtr c) { r->checkpoint(std::move(c)); };
    m_trainer.events().clear();
    m_setup = setup;
    m_started.reset();
    m_finished.reset();
    m_epochs.clear();
    m_lastStep = 0;
    m_lastEpoch = m_lastBatch = 0;
    m_lastRate = 0.0;
    if (auto s = m_trainer.start(std::move(setup)); !s) {
        if (m_recorder) m_recorder->setStatus(RunStatus::Failed, s.error().what());
        closeRecorder(false);
        m_views.controls->setStatus(errorText(s.error()), true);
        m_views.log->appendLine(tr("Could not start: %1").arg(errorText(s.error())), RunLog::Severity::Error);
        return s;
    }
    m_snapshot.reset();
    m_awaitingFinal = true;
    for (auto* chart : {m_views.loss, m_views.accuracy, m_views.learningRate}) {
        chart->clear();
        chart->clearMarkers();
    }
    m_clock.start();
    m_pausedMs = 0;
    m_views.controls->setState(State::Running);
    m_views.controls->setProgress(1, m_setup->config.epochs, 0, 0);
    m_views.controls->setRates(0.0, -1.0, 0.0);
    m_views.controls->setStatus(tr("Starting: %1").arg(description));
    m_views.log->appendLine(tr("Started %1").arg(description));
    m_drainTimer.start();
    Q_EMIT runStarted();
    Q_EMIT stateChanged();
    return {};
}

void TrainingController::pause() {
    if (!m_trainer.isRunning() || m_trainer.isPaused()) return;
    m_trainer.pause();
    if (m_recorder) m_recorder->setStatus(RunStatus::Paused);
    m_pauseClock.start();
    m_views.controls->setState(State::Paused);
    m_views.controls->setStatus(tr("Paused after step %1").arg(m_lastStep));
    m_views.log->appendLine(tr("Paused at epoch %1, batch %2").arg(m_lastEpoch).arg(m_lastBatch));
    Q_EMIT stateChanged();
}

void TrainingController::stepOnce() {
    if (!m_trainer.isRunning()) return;
    if (!m_trainer.isPaused()) {
        if (m_recorder) m_recorder->setStatus(RunStatus::Paused);
        m_pauseClock.start();
        m_views.controls->setState(State::Paused);
        m_views.log->appendLine(tr("Paused at epoch %1, batch %2 to go step by step").arg(m_lastEpoch).arg(m_lastBatch));
    }
    m_trainer.stepOnce();
    m_views.controls->setStatus(tr("One step at a time: step %1").arg(m_lastStep + 1));
    Q_EMIT stateChanged();
}

void TrainingController::resume() {
    if (!m_trainer.isPaused()) return;
    if (m_pauseClock.isValid()) m_pausedMs += m_pauseClock.elapsed();
    m_pauseClock.invalidate();
    m_trainer.resume();
    if (m_recorder) m_recorder->setStatus(RunStatus::Running);
    m_views.controls->setState(State::Running);
    m_views.controls->setStatus(tr("Resumed"));
    m_views.log->appendLine(tr("Resumed"));
    Q_EMIT stateChanged();
}

void TrainingController::stop() {
    if (!isRunning()) return;
    m_trainer.stop();
    m_views.controls->setState(State::Stopping);
    m_views.controls->setStatus(tr("Stopping…"));
    Q_EMIT stateChanged();
}

bool TrainingController::stopAndWait(int timeoutMs) {
    m_trainer.stop();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (m_trainer.isRunning() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const bool ended = !m_trainer.isRunning();
    if (ended) m_trainer.wait();
    if (ended && m_recorder) {
        // The window is closing mid-run: record what the trainer said last, then call the run
        // interrupted (not stopped by the user), so the next session offers to resume it.
        for (const TrainingEvent& e : m_trainer.events().drain()) m_recorder->record(e);
        m_recorder->setStatus(RunStatus::Interrupted);
        closeRecorder(true);
        m_awaitingFinal = false;
    }
    return ended;
}

Status TrainingController::setLiveOption(const std::string& key, const nlohmann::json& value) {
    if (!m_trainer.isRunning()) return Error::invalid("No run is training.", "Start a run first.");
    return m_trainer.setOption(key, value);
}

void TrainingController::closeRecorder(bool wait) {
    if (!m_recorder) return;
    std::shared_ptr<RunRecorder> recorder = std::move(m_recorder);
    if (wait) {
        (void)recorder->close();
        return;
    }
    // The last flush writes the best model and one transaction: not on the GUI thread.
    m_closers.emplace_back([this, recorder] {
        (void)recorder->close();
        QMetaObject::invokeMethod(
            this, [this] { Q_EMIT recordingClosed(); }, Qt::QueuedConnection);
    });
}

void TrainingController::drainEvents() {
    auto events = m_trainer.events().drain();
    if (m_recorder)
        for (const TrainingEvent& e : events) m_recorder->record(e);
    if (events.empty()) {
        if (m_started && m_trainer.isRunning() && !m_trainer.isPaused()) updateRates(m_lastRate);
        return;
    }
    for (const TrainingEvent& event : events) std::visit([this](const auto& e) { handle(e); }, event);
    flushPoints();
}

void TrainingController::handle(const RunStarted& e) {
    m_started = e;
    m_views.log->appendLine(tr("%1 train / %2 validation / %3 test samples, %4 parameters, %5 FLOPs per sample")
                                .arg(widgets::groupedInteger(e.trainSize), widgets::groupedInteger(e.validationSize),
                                     widgets::groupedInteger(e.testSize), widgets::groupedInteger(e.params),
                                     widgets::humanCount(double(e.flops))));
}

void TrainingController::handle(const OptionChanged& e) {
    // In the user's words, as the form names it: "Learning rate = 0.005", not "lr = 0.005".
    const OptionInfo* option = findOption(e.key);
    const QString name = QString::fromStdString(option ? option->label : e.key);
    const QString label = name + " = " + widgets::optionValueText(toVariant(e.value));
    m_views.log->appendLine(tr("Changed %1 from step %2 on").arg(label, widgets::groupedInteger(e.step)));
    // A marker where it took effect, on the charts' epoch axis.
    const int steps = m_started ? std::max(1, m_started->stepsPerEpoch) : 1;
    const double x = double(e.step) / steps;
    for (auto* chart : {m_views.loss, m_views.accuracy, m_views.learningRate})
        chart->addMarker(x, label, QColor(214, 39, 40));
}

void TrainingController::handle(const TrainingAlert& e) {
    m_views.log->appendLine(tr("Doctor, epoch %1 step %2: %3 %4")
                                .arg(e.epoch)
                                .arg(e.step)
                                .arg(QString::fromStdString(e.message), QString::fromStdString(e.suggestion)),
                            RunLog::Severity::Warning);
    Q_EMIT alertRaised(e);
}

void TrainingController::handle(const BatchMetrics& e) {
    const int steps = m_started ? std::max(1, m_started->stepsPerEpoch) : 1;
    const double x = (e.epoch - 1) + double(e.batch) / steps;
    if (std::isfinite(e.loss)) m_batchLoss.append({x, e.loss});
    m_batchAccuracy.append({x, e.accuracy});
    m_lr.append({x, e.learningRate});
    m_lastStep = e.step;
    m_lastEpoch = e.epoch;
    m_lastBatch = e.batch;
    m_lastRate = e.samplesPerSecond;
}

void TrainingController::handle(const EpochMetrics& e) {
    m_epochs.push_back(e);
    Q_EMIT epochEnded(e);
    // The training numbers are means over the epoch: drawn at its middle; validation at its end.
    m_epochTrainLoss.append({e.epoch - 0.5, e.trainLoss});
    m_epochTrainAcc.append({e.epoch - 0.5, e.trainAccuracy});
    if (std::isfinite(e.validationLoss)) m_epochValLoss.append({double(e.epoch), e.validationLoss});
    if (std::isfinite(e.validationAccuracy)) m_epochValAcc.append({double(e.epoch), e.validationAccuracy});
    const int epochs = m_setup ? m_setup->config.epochs : e.epoch;
    m_views.log->appendLine(tr("epoch %1/%2  loss %3  acc %4 · val loss %5  val acc %6 · lr %7 · %8/s · %9 s")
                                .arg(e.epoch)
                                .arg(epochs)
                                .arg(fixed4(e.trainLoss), percentText(e.trainAccuracy), fixed4(e.validationLoss),
                                     percentText(e.validationAccuracy), QString::number(e.learningRate, 'g', 3))
                                .arg(widgets::groupedInteger(qRound64(e.samplesPerSecond)))
                                .arg(e.seconds, 0, 'f', 2));
    m_views.controls->setStatus(
        tr("Epoch %1 done: validation accuracy %2").arg(e.epoch).arg(percentText(e.validationAccuracy)));
    if (SnapshotPtr s = m_trainer.snapshot(); s && s != m_snapshot) {
        m_snapshot = s;
        Q_EMIT snapshotPublished(m_snapshot);
    }
}

void TrainingController::handle(const Finished& e) {
    m_finished = e;
    const QString how = e.reason == Finished::Reason::EarlyStopped ? tr("Stopped early") : tr("Finished");
    QString text = tr("%1 after %2 epochs in %3 s. Kept epoch %4: validation accuracy %5")
                       .arg(how)
                       .arg(e.epochs)
                       .arg(e.seconds, 0, 'f', 1)
                       .arg(e.bestEpoch)
                       .arg(percentText(e.validationAccuracy));
    if (e.testSize > 0) text += tr(", test accuracy %1 on %2 samples").arg(percentText(e.testAccuracy)).arg(e.testSize);
    m_views.log->appendLine(text);
    m_views.controls->setStatus(tr("%1: %2 epochs in %3 s").arg(how).arg(e.epochs).arg(e.seconds, 0, 'f', 1));
    endRun(true);
}

void TrainingController::handle(const Stopped& e) {
    const QString text = tr("Stopped during epoch %1 after %2 steps.").arg(e.epoch).arg(e.step);
    m_views.log->appendLine(text, RunLog::Severity::Warning);
    m_views.controls->setStatus(text);
    endRun(false);
}

void TrainingController::handle(const Failed& e) {
    const QString text = tr("Training failed: %1").arg(errorText(e.error));
    m_views.log->appendLine(text, RunLog::Severity::Error);
    m_views.controls->setStatus(text, true);
    endRun(false);
}

void TrainingController::endRun(bool completed) {
    m_awaitingFinal = false;
    m_drainTimer.stop();
    if (SnapshotPtr s = m_trainer.snapshot(); s && s != m_snapshot) {
        m_snapshot = s;
        Q_EMIT snapshotPublished(m_snapshot);
    }
    if (m_recorder && completed && m_snapshot) m_recorder->saveBestModel(m_snapshot);
    closeRecorder(false);
    m_views.controls->setState(State::Idle);
    if (m_started && completed) {
        const int epochs = m_finished ? m_finished->epochs : m_lastEpoch;
        m_views.controls->setProgress(epochs, m_setup->config.epochs, m_started->stepsPerEpoch,
                                      m_started->stepsPerEpoch);
    }
    const double elapsed = (m_clock.elapsed() - m_pausedMs) / 1000.0;
    m_views.controls->setRates(elapsed, 0.0, m_finished ? m_finished->trainSamplesPerSecond : m_lastRate);
    Q_EMIT runEnded(completed);
    Q_EMIT stateChanged();
}

void TrainingController::updateRates(double samplesPerSecond) {
    if (!m_started || !m_setup) return;
    const double elapsed =
        (m_clock.elapsed() - m_pausedMs - (m_pauseClock.isValid() ? m_pauseClock.elapsed() : 0)) / 1000.0;
    const double total = double(m_setup->config.epochs) * std::max(1, m_started->stepsPerEpoch);
    const double done = double(m_lastStep) / std::max(1.0, total);
    const double eta = done > 0.005 ? elapsed * (1.0 - done) / done : -1.0;
    m_views.controls->setRates(elapsed, eta, samplesPerSecond);
}

void TrainingController::flushPoints() {
    m_views.loss->appendPoints("batch", m_batchLoss);
    m_views.loss->appendPoints("train", m_epochTrainLoss);
    m_views.loss->appendPoints("val", m_epochValLoss);
    m_views.accuracy->appendPoints("batch", m_batchAccuracy);
    m_views.accuracy->appendPoints("train", m_epochTrainAcc);
    m_views.accuracy->appendPoints("val", m_epochValAcc);
    m_views.learningRate->appendPoints("lr", m_lr);
    for (auto* list :
         {&m_batchLoss, &m_batchAccuracy, &m_lr, &m_epochTrainLoss, &m_epochValLoss, &m_epochTrainAcc, &m_epochValAcc})
        list->clear();
    if (m_started && m_awaitingFinal) {
        m_views.controls->setProgress(std::max(1, m_lastEpoch), m_setup->config.epochs, m_lastBatch,
                                      m_started->stepsPerEpoch);
        updateRates(m_lastRate);
    }
}

}  // namespace studio::app
