#pragma once
// Sweeps: many runs of one dataset and model whose options come from a search space, trained
// side by side on this machine's cores and recorded as one sweep in the run store.
//
//   grid     every combination of the space's lists (up to --trials)
//   random   --trials points sampled with --seed (the same on every machine)
//   asha     successive halving: every trial trains to min_epochs (rung 0); the best 1/η by
//            validation accuracy go on to min_epochs·η, the rest stop (pruned), and so on until
//            the survivors reach the full epochs. Rungs are resumed from checkpoints, so a
//            promoted trial ends with the weights it would have had training straight through.
//            Promotions wait for a whole rung, so a fixed seed always prunes the same trials.
//
// Scheduling: min(concurrency, threads) runs at a time, each with threads/that many threads: the
// cores are divided, never oversubscribed (trials beyond wait their turn), and results never
// depend on the budget.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/store/experiment.h"
#include "engine/train/search_space.h"

namespace studio {

struct SweepRequest {
    std::string storePath;
    std::string name;
    std::string dataset;
    std::string model;                                      // preset or spec file (the label when `spec` is given)
    std::optional<ModelSpec> spec;                          // an architecture resolved already (the studio's editor)
    nlohmann::json baseOptions = nlohmann::json::object();  // options every trial shares
    nlohmann::json space;                                   // SearchSpace JSON
    std::string strategy = "random";                        // grid | random | asha
    int trials = 0;                                         // 0: grid → every point, random → 10, asha → 9
    int eta = 3;                                            // asha: keep the top 1/eta at each rung
    int minEpochs = 1;                                      // asha: epochs of rung 0
    int epochs = 0;                                         // epochs of a full trial (0: baseOptions' epochs)
    int concurrency = 1;                                    // runs at once
    int threads = 0;                                        // cores to share among them (0: all)
    std::uint64_t seed = 1;                                 // random sampling
    int budgetEpochs = 0;                                   // stop starting work past this many epochs in all (0: none)
    double budgetSeconds = 0;                               // stop starting work after this long (0: none)
    /// Set from any thread to stop the sweep: no new trial starts, running ones are stopped.
    std::shared_ptr<std::atomic<bool>> stop;
    /// Called (from a trial's thread) with each trial's trainer when it starts, and with
    /// nullptr when it ends, so the studio can stop, pause or edit one trial.
    std::function<void(std::int64_t runId, Trainer* trainer)> trainerChanged;
    /// Only record the sweep and queue its trials for `training-studio-cli worker` processes
    /// (on this or other machines); train nothing here. grid and random only: asha ranks whole
    /// rungs in one process.
    bool enqueueOnly = false;
};

struct SweepEvent {
    enum class Kind { Started, Epoch, Ended, Pruned, Promoted, Skipped };
    Kind kind = Kind::Started;
    int trial = 0;  // 1-based
    std::int64_t runId = 0;
    nlohmann::json options;  // the trial's point in the space
    int epoch = 0;
    double valAccuracy = 0;
    std::string status;   // Ended: the run's status; Pruned: "pruned at rung k"
    std::string message;  // a failed trial's error
};

struct SweepOutcome {
    std::int64_t sweepId = 0;
    std::int64_t bestRunId = 0;
    double bestValAccuracy = 0;
    std::vector<RunRecord> runs;         // the trials' final records, by trial
    std::vector<nlohmann::json> points;  // each trial's point in the space
};

/// Validates everything (space, options, dataset, model) before any trial trains; then runs the
/// sweep to its end. onEvent is called from the trials' threads, one call at a time.
Result<SweepOutcome> runSweep(const SweepRequest& request, const DatasetLoader& load,
                              const std::function<void(const SweepEvent&)>& onEvent = {});

/// One dataset per (source, dataset options), loaded once and shared by every trial that asks.
DatasetLoader cachingLoader(const DatasetLoader& load);

/// A sweep run by workers is over when none of its trials is queued or training: marks it
/// finished with its best run (by validation accuracy). True when it is over.
Result<bool> settleSweep(RunStore& store, std::int64_t sweepId);

/// Rung epochs of successive halving: minEpochs·etaᵏ below `epochs`, then `epochs`.
std::vector<int> halvingRungs(int minEpochs, int eta, int epochs);

}  // namespace studio
