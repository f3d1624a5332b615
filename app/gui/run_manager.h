#pragma once
// RunManager: the runs the studio trains in the background — resumed, trained further, forked,
// or trials of a sweep — each on a thread of its own that drives the engine (prepare, then
// train while recording into the run store). The scheduler gives each of at most
// `concurrency` runs cores/concurrency threads and queues the rest, so the cores are never
// oversubscribed; results never depend on the budget. The GUI thread only queues work and
// asks trainers to stop or pause; it never waits on a run (except when the window closes).

#include <QObject>
#include <QString>
#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/store/sweep_runner.h"

namespace studio::app {

class RunManager : public QObject {
    Q_OBJECT
public:
    explicit RunManager(QObject* parent = nullptr);
    /// Stops every run and waits for their threads (each stops within a step, then checkpoints
    /// are already on disk: the runs show as stopped and resume later).
    ~RunManager() override;

    void setStorePath(const QString& path) { m_storePath = path.toStdString(); }
    /// Runs trained at once (≥ 1, ≤ cores); each gets max(1, free cores / concurrency) threads.
    void setConcurrency(int runs);
    int concurrency() const { return m_concurrency; }
    int threadsPerRun() const;
    /// Cores the window's own run holds while it trains (0 when none): background runs share the rest.
    void setReservedThreads(int threads) { m_reserved = std::max(0, threads); }
    /// Threads a new run of the window may take without oversubscribing: every core less those
    /// the background runs hold (at least one).
    int freeThreads() const;

    /// Goes on with a stopped or interrupted run, or trains a finished one to `epochs` in all.
    void resume(std::int64_t runId, int epochs = 0);
    /// A new run from `runId`'s checkpoint at `epoch`, with `changes` to its options.
    void fork(std::int64_t runId, int epoch, const nlohmann::json& changes, const QString& name = {});
    /// A sweep; its trials are reported as they go (sweepEvent) and it ends with sweepEnded.
    void startSweep(SweepRequest request);
    void stopSweep();
    bool isSweepRunning() const { return m_sweepRunning; }

    /// Runs this manager trains (queued or running).
    bool manages(std::int64_t runId) const;
    void stop(std::int64_t runId);
    void pause(std::int64_t runId);
    void resumePaused(std::int64_t runId);
    int runningCount() const;
    int queuedCount() const { return static_cast<int>(m_queue.size()); }

    /// Stops everything and waits at most `timeoutMs`; true when every thread ended.
    bool stopAll(int timeoutMs);

Q_SIGNALS:
    /// A background run ended (or could not start): its id (0 if it never got one) and a line
    /// for the log; `ok` false for errors.
    void runEnded(qint64 runId, const QString& message, bool ok);
    /// Something worth a refresh of the runs table happened (a run started, an epoch ended).
    void progress();
    void sweepEvent(const QString& line);
    void sweepEnded(qint64 sweepId, qint64 bestRunId, const QString& message, bool ok);

private:
    struct Job {
        std::int64_t runId = 0;                         // known for resume; 0 for a fork until prepared
        int threads = 1;                                // its budget, fixed when it was queued
        std::function<void(std::int64_t& runId)> work;  // runs on the job's thread
    };
    /// On a job's thread: trains a prepared run, recording it; throws its error.
    void train(PreparedRun run);
    void enqueue(Job job);
    void startNext();
    void onJobEnded();
    void registerTrainer(std::int64_t runId, Trainer* trainer);

    std::string m_storePath;
    int m_concurrency = 1;
    int m_reserved = 0;
    int m_busyThreads = 0;  // threads of the background runs training now
    std::deque<Job> m_queue;
    std::vector<std::thread> m_threads;  // joined when the manager goes (or by stopAll)
    int m_running = 0;

    mutable std::mutex m_mutex;  // guards m_trainers, m_managed
    std::map<std::int64_t, Trainer*> m_trainers;
    std::map<std::int64_t, bool> m_managed;

    std::shared_ptr<std::atomic<bool>> m_sweepStop;
    bool m_sweepRunning = false;
    std::atomic<int> m_activeThreads{0};
};

}  // namespace studio::app
