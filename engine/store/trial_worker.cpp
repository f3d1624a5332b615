#include "engine/store/trial_worker.h"

#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/core/parallel.h"
#include "engine/store/sweep_runner.h"

namespace studio {

namespace {

using Clock = std::chrono::steady_clock;

bool stopping(const WorkerOptions& o) {
    return o.stop && o.stop->load();
}

// True while a trial of the sweep (or of any sweep) is queued or held by a worker.
Result<bool> workLeft(RunStore& store, std::int64_t sweepId) {
    auto runs = store.runs(sweepId);
    if (!runs) return runs.error();
    return std::any_of(runs->begin(), runs->end(),
                       [](const RunRecord& r) { return r.forWorkers && isActive(r.status); });
}

// Renews the lease while a trial trains, on a connection of its own; stops the trainer when
// the lease is lost or the worker is told to stop.
class LeaseKeeper {
public:
    LeaseKeeper(const WorkerOptions& o, std::int64_t runId, std::string worker)
        : m_options(o), m_runId(runId), m_worker(std::move(worker)) {
        m_thread = std::thread([this] { loop(); });
    }
    ~LeaseKeeper() {
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_cv.notify_all();
        m_thread.join();
    }
    void attach(Trainer* t) {
        std::lock_guard lock(m_mutex);
        m_trainer = t;
        if (t && (m_lost || stopping(m_options))) t->stop();
    }
    bool lost() const {
        std::lock_guard lock(m_mutex);
        return m_lost;
    }

private:
    void loop() {
        auto store = openRunStore(m_options.store);
        const auto period = std::chrono::duration<double>(std::clamp(m_options.leaseSeconds / 4, 0.2, 10.0));
        auto nextBeat = Clock::now() + std::chrono::duration_cast<Clock::duration>(period);
        std::unique_lock lock(m_mutex);
        while (!m_done) {
            // Wakes often enough to pass a stop on within 100 ms.
            m_cv.wait_for(lock, std::chrono::milliseconds(100), [this] { return m_done; });
            if (m_done) break;
            if (stopping(m_options) && m_trainer) m_trainer->stop();
            if (Clock::now() < nextBeat || !store) continue;
            nextBeat = Clock::now() + std::chrono::duration_cast<Clock::duration>(period);
            lock.unlock();
            auto held = (*store)->heartbeat(m_runId, m_worker);
            lock.lock();
            if (held && !*held) {
                m_lost = true;
                if (m_trainer) m_trainer->stop();
            }
        }
    }

    const WorkerOptions& m_options;
    const std::int64_t m_runId;
    const std::string m_worker;
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    Trainer* m_trainer = nullptr;
    bool m_lost = false;
    bool m_done = false;
    std::thread m_thread;
};

}  // namespace

Result<WorkerSummary> runWorker(const WorkerOptions& o, const DatasetLoader& plainLoad,
                                const std::function<void(const WorkerEvent&)>& onEvent) {
    auto opened = openRunStore(o.store);
    if (!opened) return opened.error();
    RunStore& store = **opened;
    if (o.sweepId > 0) {
        auto sweep = store.sweep(o.sweepId);
        if (!sweep) return sweep.error();
    }
    if (!(o.leaseSeconds > 0))
        return Error::invalid("--lease must be more than 0 seconds.", "The default, 60, suits most trials.");
    const std::string worker = o.name.empty() ? hostName() + ":" + std::to_string(::getpid()) : o.name;
    const int threads = o.threads > 0 ? o.threads : ThreadPool::hardwareThreads();
    const DatasetLoader load = cachingLoader(plainLoad);
    auto report = [&](WorkerEvent e) {
        if (onEvent) onEvent(e);
    };

    WorkerSummary summary;
    auto idleSince = Clock::now();
    while (!stopping(o)) {
        if (o.maxTrials > 0 && summary.trials >= o.maxTrials) {
            summary.exitReason = "claimed " + std::to_string(summary.trials) + " trials (--max-trials)";
            return summary;
        }
        auto claimed = store.claimRun(o.sweepId, worker, o.leaseSeconds);
        if (!claimed) return claimed.error();
        if (!*claimed) {
            auto left = workLeft(store, o.sweepId);
            if (!left) return left.error();
            if (!*left) {
                summary.exitReason = "no trial is left";
                return summary;
            }
            const double idle = std::chrono::duration<double>(Clock::now() - idleSince).count();
            if (o.idleExitSeconds > 0 && idle >= o.idleExitSeconds) {
                summary.exitReason = "idle for " + std::to_string(static_cast<int>(idle)) + " s (--idle-exit)";
                return summary;
            }
            // Trials held by other workers may come back (a worker dies): look again soon.
            const auto pause = std::chrono::duration<double>(std::clamp(o.leaseSeconds / 4, 0.2, 2.0));
            for (auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(pause);
                 Clock::now() < until && !stopping(o);)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            continue;
        }
        RunRecord run = std::move(**claimed);
        ++summary.trials;

        auto prepared = prepareClaimedRun(store, run, threads, load);
        if (!prepared) {
            // Most likely this machine lacks the data (or it differs): the trial goes back for a
            // worker that has it, and this one says why it cannot help.
            (void)store.releaseRun(run.id, worker);
            const Error& e = prepared.error();
            return Error(e.kind(), "Trial " + std::to_string(run.id) + " (" + run.name + "): " + e.message(), e.hint());
        }
        if (run.sweepId > 0) (void)settleSweep(store, run.sweepId);  // queued → running
        report({WorkerEvent::Kind::Claimed, run.id, run.name, run.attempts, prepared->record.epochsDone,
                prepared->record.epochsPlanned, 0, ""});

        bool lost = false;
        Result<RecordedOutcome> result = Error::invalid("not trained");
        {
            LeaseKeeper lease(o, run.id, worker);
            result = trainRecorded(
                o.store, std::move(*prepared),
                [&](const TrainingEvent& e) {
                    if (const auto* m = std::get_if<EpochMetrics>(&e))
                        report({WorkerEvent::Kind::Epoch, run.id, run.name, run.attempts, m->epoch, run.epochsPlanned,
                                m->validationAccuracy, ""});
                },
                [&](Trainer* t) { lease.attach(t); });
            lost = lease.lost();
        }
        if (lost) {
            report({WorkerEvent::Kind::Lost, run.id, run.name, run.attempts, 0, run.epochsPlanned, 0,
                    "its lease ran out and another worker took it"});
        } else if (!result && result.error().kind() == Error::Kind::Cancelled) {
            if (auto s = store.releaseRun(run.id, worker); !s) return s.error();
            ++summary.released;
            report({WorkerEvent::Kind::Released, run.id, run.name, run.attempts, 0, run.epochsPlanned, 0, ""});
        } else if (!result) {
            ++summary.failed;
            report({WorkerEvent::Kind::Failed, run.id, run.name, run.attempts, 0, run.epochsPlanned, 0,
                    result.error().what()});
        } else {
            ++summary.finished;
            report({WorkerEvent::Kind::Finished, run.id, run.name, run.attempts, result->record.epochsDone,
                    run.epochsPlanned, result->record.bestValAccuracy, runStatusText(result->record.status)});
        }
        if (run.sweepId > 0) (void)settleSweep(store, run.sweepId);
        idleSince = Clock::now();
    }
    summary.exitReason = "told to stop";
    return summary;
}

}  // namespace studio
