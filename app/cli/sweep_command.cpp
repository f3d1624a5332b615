// training-studio-cli sweep: a hyperparameter search recorded as one sweep of runs.

#include <cmath>
#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/option_flags.h"
#include "app/cli/run_report.h"
#include "engine/store/sweep_runner.h"

namespace studio::cli {

namespace {

using nlohmann::json;

const char* kHelpHead = R"(Usage: training-studio-cli sweep --dataset D --model M --space SPACE.json|'JSON' [options]

Trains many runs whose options come from a search space and keeps them as one sweep in the
run store. Prints a line per trial event; with --json a final line
{"sweep_id", "best_run_id", "best_val_accuracy", "runs": [{"run_id", "options", "status", "epochs",
"val_accuracy"}, ...]}.

  --space JSON|FILE       options to vary: lists of values, or ranges
                          {"lr": {"log_uniform": [1e-4, 1e-2]}, "batch_size": [32, 64, 128],
                           "optimizer": ["adam", "sgd"], "dropout": {"uniform": [0, 0.5]},
                           "epochs": {"int_uniform": [2, 6]}, "model": ["lenet", "cnn"]}
  --strategy NAME         grid (every combination of lists), random (seeded samples) or asha
                          (successive halving by epochs) (default random)
  --trials N              runs to try (default: every grid point; random 10; asha 9)
  --epochs E              epochs of a full trial (default: --epochs of the options, 10)
  --min-epochs E          asha: epochs of the first rung (default 1)
  --eta N                 asha: keep the best 1/N at each rung (default 3)
  --concurrency C         runs training at once; the cores are divided among them (default 1)
  --seed N                seeds the random points (and every trial's training, as --seed does)
  --budget-epochs N       start no more work once N epochs were trained in all
  --budget-seconds S      start no more work after S seconds
  --name TEXT             the sweep's name
  --store PATH|URL        the run store (default as for train); postgresql://user@host:port/db
                          for a store that workers on other machines share
  --enqueue-only          record the sweep and queue its trials, train nothing here: any number
                          of `training-studio-cli worker --store URL` processes claim and train
                          them (grid and random)
  --skipped FILE          write every dataset file that was skipped, with the reason
  --json                  finish with the JSON line above

Options every trial shares (the space overrides them):)";

std::string pointText(const json& point) {
    std::string s;
    for (auto it = point.begin(); it != point.end(); ++it) {
        std::string v = it.value().is_string()         ? it.value().get<std::string>()
                        : it.value().is_number_float() ? general(it.value().get<double>())
                                                       : it.value().dump();
        s += (s.empty() ? "" : " ") + it.key() + "=" + v;
    }
    return s;
}

}  // namespace

int sweepCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = optionFlags();
    spec.valued.insert({"--dataset", "--model", "--space", "--strategy", "--trials", "--min-epochs", "--eta",
                        "--concurrency", "--budget-epochs", "--budget-seconds", "--name", "--store", "--skipped"});
    spec.flags = {"--json", "--enqueue-only"};
    auto start = startCommand(args, spec, "sweep", std::string(kHelpHead) + optionsHelp());
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    SweepRequest req;
    auto dataset = a.required("--dataset", "shapes");
    if (!dataset) return reportError(dataset.error());
    auto model = a.required("--model", "lenet");
    if (!model) return reportError(model.error());
    auto spaceText = a.required("--space", "'{\"lr\": [0.001, 0.01]}'");
    if (!spaceText) return reportError(spaceText.error());
    auto space = SearchSpace::fromText(*spaceText);
    if (!space) return reportError(space.error());
    auto base = optionsFromArguments(a);
    if (!base) return reportError(base.error());
    auto trials = a.integer("--trials", 0, 1, 10000);
    auto minEpochs = a.integer("--min-epochs", 1, 1, 100000);
    auto eta = a.integer("--eta", 3, 2, 100);
    auto concurrency = a.integer("--concurrency", 1, 1, 64);
    auto budgetEpochs = a.integer("--budget-epochs", 0, 0, 100000000);
    auto budgetSeconds = a.number("--budget-seconds", 0, 0, 1e9);
    for (const auto* r : {&trials, &minEpochs, &eta, &concurrency, &budgetEpochs})
        if (!*r) return reportError(r->error());
    if (!budgetSeconds) return reportError(budgetSeconds.error());

    req.storePath = a.value("--store").value_or(defaultStorePath());
    req.name = a.value("--name").value_or("");
    req.dataset = *dataset;
    req.model = *model;
    req.space = space->toJson();
    req.strategy = a.value("--strategy").value_or("random");
    req.trials = static_cast<int>(*trials);
    req.minEpochs = static_cast<int>(*minEpochs);
    req.eta = static_cast<int>(*eta);
    req.concurrency = static_cast<int>(*concurrency);
    req.seed = base->value("seed", 1ull);
    req.threads = base->value("threads", 0);
    base->erase("threads");
    req.baseOptions = *base;
    req.budgetEpochs = static_cast<int>(*budgetEpochs);
    req.budgetSeconds = *budgetSeconds;
    req.enqueueOnly = a.flag("--enqueue-only");

    auto outcome = runSweep(req, reportingLoader(), [](const SweepEvent& e) {
        const long long run = static_cast<long long>(e.runId);
        switch (e.kind) {
            case SweepEvent::Kind::Started:
                std::printf("trial %d (run %lld) %s: %s\n", e.trial, run, e.epoch > 0 ? "resumed" : "started",
                            pointText(e.options).c_str());
                break;
            case SweepEvent::Kind::Epoch:
                std::printf("trial %d (run %lld) epoch %d: val acc %s\n", e.trial, run, e.epoch,
                            fixed(e.valAccuracy, 4).c_str());
                break;
            case SweepEvent::Kind::Ended:
                std::printf("trial %d (run %lld) %s after %d epochs: best val acc %s%s%s\n", e.trial, run,
                            e.status.c_str(), e.epoch, fixed(e.valAccuracy, 4).c_str(), e.message.empty() ? "" : ": ",
                            e.message.c_str());
                break;
            case SweepEvent::Kind::Pruned:
            case SweepEvent::Kind::Promoted:
                std::printf("trial %d (run %lld) %s (val acc %s)\n", e.trial, run, e.status.c_str(),
                            fixed(e.valAccuracy, 4).c_str());
                break;
            case SweepEvent::Kind::Skipped:
                std::printf("trial %d (run %lld) skipped: %s\n", e.trial, run, e.message.c_str());
                break;
        }
        std::fflush(stdout);
    });
    if (!outcome) return reportError(outcome.error());
    if (req.enqueueOnly)
        std::printf("Sweep %lld: %zu trials queued for workers (training-studio-cli worker --store URL --sweep %lld)\n",
                    static_cast<long long>(outcome->sweepId), outcome->runs.size(),
                    static_cast<long long>(outcome->sweepId));
    else
        std::printf("Sweep %lld: best run %lld with validation accuracy %s\n", static_cast<long long>(outcome->sweepId),
                static_cast<long long>(outcome->bestRunId), fixed(outcome->bestValAccuracy, 4).c_str());
    if (a.flag("--json")) {
        json runs = json::array();
        for (std::size_t i = 0; i < outcome->runs.size(); ++i) {
            const RunRecord& r = outcome->runs[i];
            runs.push_back({{"run_id", r.id},
                            {"trial", i + 1},
                            {"options", outcome->points[i]},
                            {"status", runStatusText(r.status)},
                            {"stop_reason", r.final.value("stop_reason", json(nullptr))},
                            {"epochs", r.epochsDone},
                            {"val_accuracy", numberOrNull(r.bestValAccuracy)}});
        }
        printJsonLine({{"sweep_id", outcome->sweepId},
                       {"best_run_id", outcome->bestRunId},
                       {"best_val_accuracy", numberOrNull(outcome->bestValAccuracy)},
                       {"runs", runs}});
    }
    return 0;
}

}  // namespace studio::cli
