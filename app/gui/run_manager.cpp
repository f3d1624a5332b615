#include "app/gui/run_manager.h"

#include <QMetaObject>
#include <algorithm>
#include <chrono>

#include "engine/core/parallel.h"
#include "engine/store/experiment.h"

namespace studio::app {

namespace {

QString text(const std::string& s) {
    return QString::fromStdString(s);
}

}  // namespace

RunManager::RunManager(QObject* parent) : QObject(parent) {}

RunManager::~RunManager() {
    stopAll(5000);
    for (auto& t : m_threads)
        if (t.joinable()) t.join();
}

void RunManager::setConcurrency(int runs) {
    // No more runs at once than cores: the rest wait in the queue.
    m_concurrency = std::clamp(runs, 1, ThreadPool::hardwareThreads());
    startNext();
}

int RunManager::threadsPerRun() const {
    return std::max(1, (ThreadPool::hardwareThreads() - m_reserved) / m_concurrency);
}

int RunManager::freeThreads() const {
    return std::max(1, ThreadPool::hardwareThreads() - m_busyThreads);
}

bool RunManager::manages(std::int64_t runId) const {
    std::lock_guard lock(m_mutex);
    if (m_managed.count(runId)) return true;
    for (const Job& j : m_queue)
        if (j.runId == runId) return true;
    return false;
}

int RunManager::runningCount() const {
    return m_running;
}

void RunManager::registerTrainer(std::int64_t runId, Trainer* trainer) {
    std::lock_guard lock(m_mutex);
    if (trainer)
        m_trainers[runId] = trainer;
    else
        m_trainers.erase(runId);
}

void RunManager::stop(std::int64_t runId) {
    std::erase_if(m_queue, [&](const Job& j) { return j.runId == runId; });
    std::lock_guard lock(m_mutex);
    if (auto it = m_trainers.find(runId); it != m_trainers.end()) it->second->stop();
}

void RunManager::pause(std::int64_t runId) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_trainers.find(runId); it != m_trainers.end()) it->second->pause();
}

void RunManager::resumePaused(std::int64_t runId) {
    std::lock_guard lock(m_mutex);
    if (auto it = m_trainers.find(runId); it != m_trainers.end()) it->second->resume();
}

void RunManager::resume(std::int64_t runId, int epochs) {
    Job job;
    job.runId = runId;
    job.threads = threadsPerRun();
    job.work = [this, store = m_storePath, epochs, threads = job.threads](std::int64_t& id) {
        auto opened = openRunStore(store);
        if (!opened) throw std::runtime_error(opened.error().what());
        auto prepared = prepareResume(**opened, id, epochs, threads, plainDatasetLoader());
        if (!prepared) throw std::runtime_error(prepared.error().what());
        opened->reset();
        train(std::move(*prepared));
    };
    enqueue(std::move(job));
}

void RunManager::fork(std::int64_t runId, int epoch, const nlohmann::json& changes, const QString& name) {
    nlohmann::json withThreads = changes;
    withThreads["threads"] = threadsPerRun();
    Job job;
    job.threads = withThreads["threads"].get<int>();
    job.work = [this, store = m_storePath, runId, epoch, withThreads, name = name.toStdString()](std::int64_t& id) {
        auto opened = openRunStore(store);
        if (!opened) throw std::runtime_error(opened.error().what());
        auto prepared = prepareFork(**opened, runId, epoch, withThreads, name, plainDatasetLoader());
        if (!prepared) throw std::runtime_error(prepared.error().what());
        id = prepared->record.id;
        {
            std::lock_guard lock(m_mutex);
            m_managed[id] = true;
        }
        opened->reset();
        train(std::move(*prepared));
    };
    enqueue(std::move(job));
}

void RunManager::train(PreparedRun run) {
    const std::int64_t id = run.record.id;
    auto out = trainRecorded(
        m_storePath, std::move(run),
        [this](const TrainingEvent& e) {
            if (std::holds_alternative<EpochMetrics>(e) || std::holds_alternative<RunStarted>(e))
                QMetaObject::invokeMethod(
                    this, [this] { Q_EMIT progress(); }, Qt::QueuedConnection);
        },
        [this, id](Trainer* t) { registerTrainer(id, t); });
    if (!out) throw std::runtime_error(out.error().what());
}

void RunManager::enqueue(Job job) {
    m_queue.push_back(std::move(job));
    startNext();
    Q_EMIT progress();
}

void RunManager::startNext() {
    while (m_running < m_concurrency && !m_queue.empty()) {
        Job job = std::move(m_queue.front());
        m_queue.pop_front();
        ++m_running;
        m_busyThreads += job.threads;
        {
            std::lock_guard lock(m_mutex);
            if (job.runId) m_managed[job.runId] = true;
        }
        ++m_activeThreads;
        m_threads.emplace_back([this, job = std::move(job)]() mutable {
            std::int64_t id = job.runId;
            const int threads = job.threads;
            QString message;
            bool ok = true;
            try {
                job.work(id);
                message = tr("Run %1 ended").arg(id);
            } catch (const std::exception& e) {
                ok = QString(e.what()).startsWith("Training was stopped");
                message = id ? tr("Run %1: %2").arg(id).arg(text(e.what())) : text(e.what());
            }
            --m_activeThreads;
            QMetaObject::invokeMethod(
                this,
                [this, id, message, ok, threads] {
                    {
                        std::lock_guard lock(m_mutex);
                        m_managed.erase(id);
                    }
                    m_busyThreads -= threads;
                    Q_EMIT runEnded(id, message, ok);
                    onJobEnded();
                },
                Qt::QueuedConnection);
        });
    }
}

void RunManager::onJobEnded() {
    --m_running;
    startNext();
}

void RunManager::startSweep(SweepRequest request) {
    if (m_sweepRunning) {
        Q_EMIT sweepEnded(0, 0, tr("A sweep is already running: stop it first."), false);
        return;
    }
    m_sweepRunning = true;
    m_sweepStop = std::make_shared<std::atomic<bool>>(false);
    request.storePath = m_storePath;
    request.stop = m_sweepStop;
    request.trainerChanged = [this](std::int64_t id, Trainer* t) {
        registerTrainer(id, t);
        std::lock_guard lock(m_mutex);
        if (t)
            m_managed[id] = true;
        else
            m_managed.erase(id);
    };
    ++m_activeThreads;
    m_threads.emplace_back([this, request = std::move(request)] {
        auto out = runSweep(request, plainDatasetLoader(), [this](const SweepEvent& e) {
            QString line;
            switch (e.kind) {
                case SweepEvent::Kind::Started:
                    line = tr("Trial %1 (run %2) started").arg(e.trial).arg(e.runId);
                    break;
                case SweepEvent::Kind::Epoch:
                    line.clear();
                    break;
                case SweepEvent::Kind::Ended:
                    line = tr("Trial %1 (run %2) %3 after %4 epochs")
                               .arg(e.trial)
                               .arg(e.runId)
                               .arg(text(e.status))
                               .arg(e.epoch);
                    if (!e.message.empty()) line += ": " + text(e.message);
                    break;
                default:
                    line = tr("Trial %1 (run %2) %3")
                               .arg(e.trial)
                               .arg(e.runId)
                               .arg(text(e.status.empty() ? e.message : e.status));
            }
            QMetaObject::invokeMethod(
                this,
                [this, line] {
                    if (!line.isEmpty()) Q_EMIT sweepEvent(line);
                    Q_EMIT progress();
                },
                Qt::QueuedConnection);
        });
        --m_activeThreads;
        QMetaObject::invokeMethod(
            this,
            [this, ok = out.ok(), id = out ? out->sweepId : 0, best = out ? out->bestRunId : 0,
             message = out ? tr("Sweep %1 ended: best run %2").arg(out->sweepId).arg(out->bestRunId)
                           : text(out.error().what())] {
                m_sweepRunning = false;
                Q_EMIT sweepEnded(id, best, message, ok);
            },
            Qt::QueuedConnection);
    });
}

void RunManager::stopSweep() {
    if (m_sweepStop) m_sweepStop->store(true);
    std::lock_guard lock(m_mutex);
    for (auto& [id, trainer] : m_trainers) trainer->stop();
}

bool RunManager::stopAll(int timeoutMs) {
    m_queue.clear();
    if (m_sweepStop) m_sweepStop->store(true);
    {
        std::lock_guard lock(m_mutex);
        for (auto& [id, trainer] : m_trainers) trainer->stop();
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (m_activeThreads.load() > 0 && std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(m_mutex);
            for (auto& [id, trainer] : m_trainers) trainer->stop();  // trainers that started meanwhile
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return m_activeThreads.load() == 0;
}

}  // namespace studio::app
