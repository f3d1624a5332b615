// training-studio-cli lr-find: the learning-rate range test (engine/train/lr_finder.h) on a
// throwaway copy of a preset or spec, with the usual option flags; prints the curve and the
// suggested rate, or one JSON line with --json. Nothing is recorded in the run store.

#include <cmath>
#include <cstdio>
#include <string>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/option_flags.h"
#include "app/cli/run_report.h"
#include "engine/store/experiment.h"
#include "engine/train/lr_finder.h"

namespace studio::cli {

namespace {

const char* kHelpHead = R"(Usage: training-studio-cli lr-find --dataset NAME|PATH --model PRESET|SPEC.json [options]

The learning-rate range test (Smith, 2017): trains a throwaway copy of the model for a few
hundred steps while the learning rate rises exponentially, records the loss of every step,
and suggests a rate: the rates whose smoothed loss is within a fifth of its whole fall of the
lowest form the good range, and the suggestion lies a third of the way into it (log scale).
It stops early when the loss blows up. Nothing is saved or recorded in the run store.

Required:
  --dataset NAME|PATH         as for train
  --model PRESET|FILE         as for train; a preset brings its tuned options (its optimizer,
                              batch size, ...), which flags override

Range test:
  --steps N                   rates tried (default 200, 10-100000)
  --start-lr LR               the first rate (default 1e-7)
  --end-lr LR                 the last rate (default 10)

Output:
  --json                      one line of JSON: {"suggested_lr": LR or null, "minimum_lr": LR,
                              "range": [LOW, HIGH] or null, "diverged": bool, "steps": N,
                              "curve": [[lr, loss], ...], "smoothed": [loss, ...]}
  --skipped FILE              as for train

The training options below shape the test as they shape training (the optimizer and its
constants, batch size, weight decay, augmentation, seed...); --lr, --schedule and --epochs
are not used: the test sets the rate of every step.
)";

// "1e-07", "0.0012": short enough for a column, exact enough to paste.
std::string rate(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

void printHuman(const LrFinding& f, const std::string& model, const std::string& dataset) {
    std::printf("%-10s %-10s %s\n", "lr", "loss", "smoothed");
    const std::size_t n = f.curve.size();
    const std::size_t every = n > 40 ? n / 20 : 1;  // about 20 rows
    for (std::size_t i = 0; i < n; ++i) {
        if (i % every != 0 && i + 1 != n && static_cast<int>(i) != f.suggestedIndex) continue;
        const auto& p = f.curve[i];
        std::printf("%-10s %-10s %s%s\n", rate(p.lr).c_str(), fixed(p.loss, 4).c_str(), fixed(p.smoothed, 4).c_str(),
                    static_cast<int>(i) == f.suggestedIndex ? "   <- suggested" : "");
    }
    std::printf("%zu steps%s; the smoothed loss was lowest at lr %s.\n", n,
                f.diverged ? ", stopped when the loss blew up" : "", rate(f.minimumLr).c_str());
    if (f.suggestedLr)
        std::printf("Good range (within a fifth of the fall of the lowest loss): %s to %s\n", rate(f.rangeLow).c_str(),
                    rate(f.rangeHigh).c_str());
    if (f.suggestedLr)
        std::printf("Suggested learning rate: %s\n  training-studio-cli train --dataset %s --model %s --lr %s\n",
                    rate(*f.suggestedLr).c_str(), dataset.c_str(), model.c_str(), rate(*f.suggestedLr).c_str());
    else
        std::printf("No suggestion: the loss did not fall over this range (try a wider one, e.g. --end-lr 100).\n");
}

}  // namespace

int lrFindCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = optionFlags();
    spec.valued.insert({"--dataset", "--model", "--steps", "--start-lr", "--end-lr", "--skipped"});
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "lr-find", std::string(kHelpHead) + optionsHelp());
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    LrFinderConfig finder;
    auto steps = a.integer("--steps", finder.steps, 10, 100000);
    if (!steps) return reportError(steps.error());
    auto startLr = a.number("--start-lr", finder.startLr, 1e-10, 100.0);
    if (!startLr) return reportError(startLr.error());
    auto endLr = a.number("--end-lr", finder.endLr, 1e-10, 1000.0);
    if (!endLr) return reportError(endLr.error());
    finder.steps = static_cast<int>(*steps);
    finder.startLr = *startLr;
    finder.endLr = *endLr;
    if (auto s = finder.validate(); !s) return reportError(s.error());

    auto given = optionsFromArguments(a);
    if (!given) return reportError(given.error());
    auto datasetName = a.required("--dataset", "shapes");
    if (!datasetName) return reportError(datasetName.error());
    auto modelName = a.required("--model", "lenet");
    if (!modelName) return reportError(modelName.error());
    NewRun request;
    request.dataset = *datasetName;
    request.model = *modelName;
    request.options = *given;
    auto prepared = prepareSetup(request, reportingLoader());
    if (!prepared) return reportError(prepared.error());
    auto found = findLearningRate(prepared->setup, finder);
    if (!found) return reportError(found.error());

    if (a.flag("--json")) {
        nlohmann::json curve = nlohmann::json::array(), smoothed = nlohmann::json::array();
        for (const auto& p : found->curve) {
            curve.push_back({p.lr, numberOrNull(p.loss)});
            smoothed.push_back(numberOrNull(p.smoothed));
        }
        printJsonLine({{"suggested_lr", found->suggestedLr ? nlohmann::json(*found->suggestedLr) : nlohmann::json()},
                       {"minimum_lr", found->minimumLr},
                       {"range", found->suggestedLr ? nlohmann::json::array({found->rangeLow, found->rangeHigh})
                                                    : nlohmann::json()},
                       {"diverged", found->diverged},
                       {"steps", found->curve.size()},
                       {"curve", std::move(curve)},
                       {"smoothed", std::move(smoothed)}});
    } else {
        printHuman(*found, request.model, request.dataset);
    }
    return 0;
}

}  // namespace studio::cli
