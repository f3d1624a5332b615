#pragma once
// TrialWorker: what `training-studio-cli worker` does on each machine of a sweep run by workers
// (ARCHITECTURE.md "Runs"). It is stateless: everything it knows is in the store.
//
//   loop: claimRun (atomic; a queued trial, or one whose worker's lease ran out)
//         → prepareClaimedRun (from the trial's last checkpoint, if any)
//         → trainRecorded, with a heartbeat every lease/4 on a connection of its own
//         → settleSweep; repeat until nothing is left, --max-trials, --idle-exit or a stop.
//
// A stop (SIGTERM from Slurm or Kubernetes) stops the trial at once and gives it back to the
// queue: its checkpoints (one per finished epoch) stay, and whichever worker claims it next
// resumes with the weights it would have had. A worker that finds its lease taken (it stalled
// for longer than the lease) stops training that trial.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/store/experiment.h"

namespace studio {

struct WorkerOptions {
    std::string store;           // postgresql://… or a SQLite path (workers on one machine)
    std::int64_t sweepId = 0;    // 0: trials of any sweep
    int threads = 0;             // per trial; 0: every core of this machine
    int maxTrials = 0;           // 0: no limit
    double idleExitSeconds = 0;  // > 0: exit after this long without a claim
    double leaseSeconds = 60;    // no heartbeat for this long: another worker may take the trial
    std::string name;            // empty: host:pid
    /// Set from any thread (a signal handler's flag) to stop: the trial goes back to the queue.
    std::shared_ptr<std::atomic<bool>> stop;
};

struct WorkerEvent {
    enum class Kind { Claimed, Epoch, Finished, Released, Lost, Failed };
    Kind kind = Kind::Claimed;
    std::int64_t runId = 0;
    std::string runName;
    int attempt = 0;  // Claimed: 1 for a fresh trial, more when resumed after another worker
    int epoch = 0;    // Claimed: the checkpoint it resumes from; Epoch: the epoch ended
    int epochs = 0;   // planned
    double valAccuracy = 0;
    std::string message;  // Failed: why; Finished: the run's status
};

struct WorkerSummary {
    int trials = 0;    // claimed
    int finished = 0;  // trained to their end (finished or stopped early by early stopping)
    int failed = 0;
    int released = 0;  // given back on a stop
    std::string exitReason;
};

/// Runs until nothing is left to claim, the limits are reached, or `stop` is set. Errors: the
/// store cannot be opened, or stays unreachable past its retry window.
Result<WorkerSummary> runWorker(const WorkerOptions& options, const DatasetLoader& load,
                                const std::function<void(const WorkerEvent&)>& onEvent = {});

}  // namespace studio
