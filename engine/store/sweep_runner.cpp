#include "engine/store/sweep_runner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>

#include "engine/core/parallel.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

namespace studio {

using nlohmann::json;

namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

DatasetLoader cachingLoader(const DatasetLoader& load) {
    auto cache = std::make_shared<std::map<std::string, std::shared_ptr<const DatasetBundle>>>();
    auto mutex = std::make_shared<std::mutex>();
    return [=](const std::string& name, const DatasetOptions& o) -> Result<std::shared_ptr<const DatasetBundle>> {
        const std::string key = name + "|" + std::to_string(o.seed) + "|" + std::to_string(o.samples) + "|" +
                                std::to_string(o.imageSize) + "|" + std::to_string(o.channels) + "|" + o.csvHeader +
                                "|" + o.labelColumn;
        std::lock_guard lock(*mutex);
        if (auto it = cache->find(key); it != cache->end()) return it->second;
        auto data = load(name, o);
        if (!data) return data.error();
        (*cache)[key] = *data;
        return *data;
    };
}

namespace {

struct Trial {
    int index = 0;  // 0-based
    json point;
    std::int64_t runId = 0;
    bool alive = true;  // not pruned, not failed
    double valAccuracy = std::nan("");
    int epochs = 0;
};

struct Job {
    std::size_t trial;
    std::optional<PreparedRun> fresh;  // rung 0: prepared up front
    int untilEpoch = 0;                // 0: to the end
};

}  // namespace

Result<bool> settleSweep(RunStore& store, std::int64_t sweepId) {
    auto sweep = store.sweep(sweepId);
    if (!sweep) return sweep.error();
    auto runs = store.runs(sweepId);
    if (!runs) return runs.error();
    std::int64_t best = 0;
    double bestAccuracy = -1;
    for (const RunRecord& r : *runs) {
        if (isActive(r.status)) {
            if (sweep->status == "queued") {  // a worker has begun
                sweep->status = "running";
                STUDIO_TRY(store.updateSweep(*sweep));
            }
            return false;
        }
        if (std::isfinite(r.bestValAccuracy) && r.bestValAccuracy > bestAccuracy) {
            bestAccuracy = r.bestValAccuracy;
            best = r.id;
        }
    }
    if (sweep->status != "finished") {
        sweep->status = "finished";
        sweep->settings["best_run_id"] = best;
        STUDIO_TRY(store.updateSweep(*sweep));
    }
    return true;
}

std::vector<int> halvingRungs(int minEpochs, int eta, int epochs) {
    std::vector<int> rungs;
    long long r = std::max(1, minEpochs);
    while (r < epochs) {
        rungs.push_back(static_cast<int>(r));
        r *= std::max(2, eta);
    }
    rungs.push_back(epochs);
    return rungs;
}

Result<SweepOutcome> runSweep(const SweepRequest& req, const DatasetLoader& plainLoad,
                              const std::function<void(const SweepEvent&)>& onEvent) {
    auto space = SearchSpace::fromJson(req.space);
    if (!space) return space.error();
    const std::string& strategy = req.strategy;
    if (strategy != "grid" && strategy != "random" && strategy != "asha")
        return Error::invalid("Unknown sweep strategy '" + strategy + "'.", "Use grid, random or asha.");
    if (strategy == "grid" && !space->isFinite())
        return Error::invalid("A grid sweep needs lists of values, but the space has ranges.",
                              "Give lists ([0.001, 0.01]) or use --strategy random or asha.");
    if (req.concurrency < 1 || req.concurrency > 64)
        return Error::invalid("--concurrency must be between 1 and 64.", "For example: --concurrency 2.");
    if (req.eta < 2) return Error::invalid("--eta must be 2 or more.", "3 keeps the best third at each rung.");
    if (req.enqueueOnly && strategy == "asha")
        return Error::invalid("An asha sweep cannot be left to workers: it ranks each whole rung in one process.",
                              "Use --strategy grid or random with --enqueue-only, or run asha without it.");

    // The base options as given: each trial's preset fills in the rest (prepareNewRun), as for
    // a single run of that preset. Normalized here only to check them and to read the epochs.
    const json given = withRecommendedOptions(req.spec ? "" : req.model, req.dataset, req.baseOptions);
    auto checked = normalizeOptions(given);
    if (!checked) return checked.error();
    const int epochs = req.epochs > 0 ? req.epochs : (*checked)["epochs"].get<int>();
    json base = req.baseOptions.is_object() ? req.baseOptions : json::object();
    base["epochs"] = epochs;

    // The trials' points.
    std::vector<json> points;
    if (strategy == "grid") {
        points = space->grid();
        if (req.trials > 0 && static_cast<std::size_t>(req.trials) < points.size())
            points.resize(static_cast<std::size_t>(req.trials));
    } else {
        const int n = req.trials > 0 ? req.trials : (strategy == "asha" ? 9 : 10);
        for (int i = 0; i < n; ++i) points.push_back(space->sample(req.seed, static_cast<std::uint64_t>(i)));
    }
    const std::vector<int> rungs =
        strategy == "asha" ? halvingRungs(req.minEpochs, req.eta, epochs) : std::vector<int>{epochs};
    for (const auto& p : points)
        if (strategy == "asha" && p.contains("epochs"))
            return Error::invalid("An asha sweep decides the epochs itself: 'epochs' cannot be in its space.",
                                  "Set the full length with --epochs and the first rung with --min-epochs.");

    auto opened = openRunStore(req.storePath);
    if (!opened) return opened.error();
    RunStore& store = **opened;
    SweepRecord sweep;
    sweep.name = req.name.empty() ? strategy + " sweep of " + req.model + " on " + req.dataset : req.name;
    sweep.space = req.space;
    sweep.settings = {
        {"strategy", strategy},
        {"trials", points.size()},
        {"eta", req.eta},
        {"min_epochs", req.minEpochs},
        {"epochs", epochs},
        {"rungs", rungs},
        {"concurrency", std::min(req.concurrency, req.threads > 0 ? req.threads : ThreadPool::hardwareThreads())},
        {"seed", req.seed},
        {"dataset", req.dataset},
        {"model", req.model},
        {"base_options", req.baseOptions}};
    sweep.status = "running";
    sweep.createdAt = unixNow();

    // Every trial is prepared (and so validated) before any trains: a bad option or model in
    // trial 7 is an error now, not after an hour.
    const DatasetLoader load = cachingLoader(plainLoad);
    // No more runs at once than cores: each gets at least one thread, the rest wait their turn.
    const int totalThreads = req.threads > 0 ? req.threads : ThreadPool::hardwareThreads();
    const int concurrency = std::max(1, std::min(req.concurrency, totalThreads));
    const int threadsPerRun = std::max(1, totalThreads / concurrency);
    std::vector<Trial> trials(points.size());
    std::vector<Job> jobs;
    for (std::size_t i = 0; i < points.size(); ++i) {
        NewRun run;
        run.dataset = req.dataset;
        run.model = points[i].value("model", req.model);
        if (!points[i].contains("model")) run.spec = req.spec;
        run.options = base;
        for (auto it = points[i].begin(); it != points[i].end(); ++it)
            if (it.key() != "model") run.options[it.key()] = it.value();
        run.options["threads"] = threadsPerRun;
        if (i == 0) {
            auto id = store.createSweep(sweep);
            if (!id) return id.error();
            sweep.id = *id;
        }
        run.sweepId = sweep.id;
        run.forWorkers = req.enqueueOnly;
        std::string label;
        for (auto it = points[i].begin(); it != points[i].end(); ++it)
            label += (label.empty() ? "" : " ") + it.key() + "=" +
                     (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
        run.name = "trial " + std::to_string(i + 1) + ": " + label;
        auto prepared = prepareNewRun(store, run, load);
        if (!prepared) {
            sweep.status = "failed";
            (void)store.updateSweep(sweep);
            return Error(prepared.error().kind(),
                         "Sweep trial " + std::to_string(i + 1) + " (" + label + "): " + prepared.error().message(),
                         prepared.error().hint());
        }
        trials[i] = Trial{static_cast<int>(i), points[i], prepared->record.id};
        jobs.push_back(Job{i, std::move(*prepared), rungs.size() > 1 ? rungs[0] : 0});
    }

    if (req.enqueueOnly) {  // the workers take it from here
        sweep.status = "queued";
        STUDIO_TRY(store.updateSweep(sweep));
        SweepOutcome queued;
        queued.sweepId = sweep.id;
        queued.bestValAccuracy = std::nan("");
        for (const auto& t : trials) {
            auto r = store.run(t.runId);
            if (!r) return r.error();
            queued.runs.push_back(*r);
            queued.points.push_back(t.point);
        }
        return queued;
    }

    std::mutex reportMutex;
    auto report = [&](SweepEvent e) {
        if (!onEvent) return;
        std::lock_guard lock(reportMutex);
        onEvent(e);
    };
    const auto sweepStart = Clock::now();
    std::atomic<int> epochsUsed{0};

    // Runs a list of jobs `concurrency` at a time; each job's outcome updates its trial.
    auto runJobs = [&](std::vector<Job>& list) {
        std::atomic<std::size_t> next{0};
        auto worker = [&] {
            for (std::size_t j; (j = next.fetch_add(1)) < list.size();) {
                Job& job = list[j];
                Trial& trial = trials[job.trial];
                auto ownStore = openRunStore(req.storePath);
                const double elapsed = std::chrono::duration<double>(Clock::now() - sweepStart).count();
                const int wants = (job.untilEpoch > 0 ? job.untilEpoch : epochs) - trial.epochs;
                const bool stopped = req.stop && req.stop->load();
                const bool overTime = stopped || (req.budgetSeconds > 0 && elapsed >= req.budgetSeconds);
                const bool overEpochs = req.budgetEpochs > 0 && epochsUsed.load() + wants > req.budgetEpochs;
                if (!ownStore || overTime || overEpochs) {
                    trial.alive = false;
                    if (ownStore) {
                        if (auto r = (*ownStore)->run(trial.runId)) {
                            r->status = RunStatus::Stopped;
                            r->final["stop_reason"] = stopped    ? "sweep stopped"
                                                      : overTime ? "time budget"
                                                                 : "epoch budget";
                            (void)(*ownStore)->updateRun(*r);
                        }
                    }
                    report({SweepEvent::Kind::Skipped, trial.index + 1, trial.runId, trial.point, trial.epochs,
                            trial.valAccuracy, "skipped",
                            !ownStore  ? ownStore.error().what()
                            : stopped  ? "the sweep was stopped"
                            : overTime ? "time budget reached"
                                       : "epoch budget reached"});
                    continue;
                }
                epochsUsed += wants;
                std::optional<PreparedRun> prepared = std::move(job.fresh);
                if (!prepared) {
                    auto resumed = prepareResume(**ownStore, trial.runId, 0, threadsPerRun, load);
                    if (!resumed) {
                        trial.alive = false;
                        report({SweepEvent::Kind::Ended, trial.index + 1, trial.runId, trial.point, trial.epochs,
                                trial.valAccuracy, "failed", resumed.error().what()});
                        continue;
                    }
                    prepared = std::move(*resumed);
                }
                prepared->setup.stopAfterEpoch = job.untilEpoch;
                ownStore->reset();
                report({SweepEvent::Kind::Started, trial.index + 1, trial.runId, trial.point, trial.epochs,
                        trial.valAccuracy, "running", ""});
                auto result = trainRecorded(
                    req.storePath, std::move(*prepared),
                    [&](const TrainingEvent& e) {
                        if (const auto* m = std::get_if<EpochMetrics>(&e))
                            report({SweepEvent::Kind::Epoch, trial.index + 1, trial.runId, trial.point, m->epoch,
                                    m->validationAccuracy, "running", ""});
                    },
                    [&](Trainer* t) {
                        if (req.trainerChanged) req.trainerChanged(trial.runId, t);
                        if (t && req.stop && req.stop->load()) t->stop();
                    });
                if (!result) {
                    trial.alive = false;
                    const bool stopped = result.error().kind() == Error::Kind::Cancelled;
                    report({SweepEvent::Kind::Ended, trial.index + 1, trial.runId, trial.point, trial.epochs,
                            trial.valAccuracy, stopped ? "stopped" : "failed", stopped ? "" : result.error().what()});
                    continue;
                }
                trial.epochs = result->record.epochsDone;
                trial.valAccuracy = result->record.bestValAccuracy;
                if (result->outcome.finished.reason != Finished::Reason::Suspended)
                    report({SweepEvent::Kind::Ended, trial.index + 1, trial.runId, trial.point, trial.epochs,
                            trial.valAccuracy, runStatusText(result->record.status), ""});
            }
        };
        std::vector<std::thread> threads;
        const int n = std::min<int>(concurrency, static_cast<int>(list.size()));
        for (int t = 0; t < n; ++t) threads.emplace_back(worker);
        for (auto& t : threads) t.join();
    };

    runJobs(jobs);
    // Successive halving: rank the survivors of each rung, promote the top 1/eta.
    for (std::size_t rung = 1; rung < rungs.size() && !(req.stop && req.stop->load()); ++rung) {
        std::vector<Trial*> alive;
        for (auto& t : trials)
            if (t.alive) alive.push_back(&t);
        if (alive.empty()) break;
        std::stable_sort(alive.begin(), alive.end(), [](const Trial* a, const Trial* b) {
            const double x = std::isfinite(a->valAccuracy) ? a->valAccuracy : -1.0;
            const double y = std::isfinite(b->valAccuracy) ? b->valAccuracy : -1.0;
            return x > y;
        });
        const std::size_t keep = std::max<std::size_t>(1, alive.size() / static_cast<std::size_t>(req.eta));
        std::vector<Job> next;
        for (std::size_t k = 0; k < alive.size(); ++k) {
            Trial& t = *alive[k];
            if (k < keep) {
                report({SweepEvent::Kind::Promoted, t.index + 1, t.runId, t.point, t.epochs, t.valAccuracy,
                        "promoted to " + std::to_string(rungs[rung]) + " epochs", ""});
                next.push_back(
                    Job{static_cast<std::size_t>(t.index), std::nullopt, rung + 1 < rungs.size() ? rungs[rung] : 0});
            } else {
                t.alive = false;
                if (auto r = store.run(t.runId)) {
                    r->final["stop_reason"] = "pruned";
                    r->final["pruned_at_epoch"] = t.epochs;
                    (void)store.updateRun(*r);
                }
                report({SweepEvent::Kind::Pruned, t.index + 1, t.runId, t.point, t.epochs, t.valAccuracy,
                        "pruned after " + std::to_string(t.epochs) + " epochs", ""});
            }
        }
        runJobs(next);
    }

    SweepOutcome outcome;
    outcome.sweepId = sweep.id;
    outcome.bestValAccuracy = std::nan("");
    for (const auto& t : trials) {
        auto r = store.run(t.runId);
        if (!r) return r.error();
        const double acc = r->bestValAccuracy;
        if (std::isfinite(acc) && (!std::isfinite(outcome.bestValAccuracy) || acc > outcome.bestValAccuracy)) {
            outcome.bestValAccuracy = acc;
            outcome.bestRunId = r->id;
        }
        outcome.runs.push_back(*r);
        outcome.points.push_back(t.point);
    }
    sweep.status = req.stop && req.stop->load() ? "stopped" : "finished";
    sweep.settings["best_run_id"] = outcome.bestRunId;
    STUDIO_TRY(store.updateSweep(sweep));
    return outcome;
}

}  // namespace studio
