// training-studio-cli report: the run report (engine/report/report_html.h) of a saved model or a
// recorded run, as one self-contained HTML file for teachers and graders. Not to be confused
// with run_report.cpp, which prints a training's progress on the terminal.

#include <cstdio>
#include <filesystem>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/infer/trained_dataset.h"
#include "engine/io/atomic_file.h"
#include "engine/io/model_file.h"
#include "engine/report/report_html.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli report (--model FILE | --run ID) --out FILE.html [options]

Writes a self-contained HTML report (pictures inline, no external files) of a trained model:
the dataset, the architecture with shapes, every option, the learning curves, the confusion
matrix, per-class metrics, the most confident mistakes, the training doctor's alerts, the
machine and the timings. The model is evaluated on its official test set or, when the data has
none, on the test split it was trained with.

Options:
  --model FILE           a .tsmodel; its run's curves are included when the store holds it
  --run ID               a run of the store: its best model and its recorded history
  --store PATH           the run store (default as for train)
  --out FILE             where to write the HTML (written atomically)
  --dataset NAME|PATH    the data to evaluate on (default: what the model was trained on)
  --samples N            size of a generated dataset (default: as when trained)
  --image-size N         side length for image folders (default: as when trained)
  --mistakes N           how many confident mistakes to show (default 12)
  --threads N            threads (default 0 = all cores)
  --json                 one line of JSON: out, bytes, sections, test_accuracy, run_id
)";

}  // namespace

int reportCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--run", "--store", "--out", "--dataset", "--samples", "--image-size", "--mistakes",
                   "--threads"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "report", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    const auto modelArg = a.value("--model");
    const auto runArg = a.value("--run");
    if (modelArg.has_value() == runArg.has_value())
        return reportError(Error::invalid("report needs exactly one of --model FILE and --run ID.",
                                          "e.g. training-studio-cli report --model shapes.tsmodel --out report.html"));
    auto out = a.required("--out", "report.html");
    if (!out) return reportError(out.error());
    auto threads = a.integer("--threads", 0, 0, 1024);
    if (!threads) return reportError(threads.error());
    auto mistakes = a.integer("--mistakes", 12, 0, 1000);
    if (!mistakes) return reportError(mistakes.error());
    const std::string storePath = a.value("--store").value_or(defaultStorePath());

    std::string modelPath, title, source;
    RunHistory history;
    if (runArg) {
        auto id = a.integer("--run", 0, 1, std::numeric_limits<std::int32_t>::max());
        if (!id) return reportError(id.error());
        auto store = openRunStore(storePath);
        if (!store) return reportError(store.error());
        auto h = readRunHistory(**store, *id);
        if (!h) return reportError(h.error());
        history = std::move(*h);
        if (history.run->bestModelPath.empty())
            return reportError(Error::notFound(
                "Run " + std::to_string(*id) + " has no saved model yet: it is written when the run ends.",
                "Resume the run to its end (training-studio-cli train --resume " + std::to_string(*id) +
                    ") or report on a model file with --model."));
        auto local = (*store)->localFile(*id, history.run->bestModelPath);
        if (!local) return reportError(local.error());
        modelPath = *local;
        title = history.run->name.empty() ? "run " + std::to_string(*id) : history.run->name;
        source = "Run " + std::to_string(*id) + " in " + history.storeLocation + " (its best model, epoch " +
                 std::to_string(history.run->bestEpoch) + ")";
    } else {
        modelPath = *modelArg;
    }
    auto snapshot = loadModelFile(modelPath);
    if (!snapshot) return reportError(snapshot.error());
    if (!runArg) {
        history = findModelHistory(*snapshot, storePath);
        title = std::filesystem::path(modelPath).filename().string();
        source = "Model file " + modelPath;
        if (history.run)
            source += "; curves and options from run " + std::to_string(history.run->id) + " in " + history.storeLocation;
    }

    auto loading = modelDatasetOptions(a, *snapshot, static_cast<int>(*threads));
    if (!loading) return reportError(loading.error());
    const DatasetOptions& options = *loading;
    const std::string datasetName = a.value("--dataset").value_or(trainedDatasetName(*snapshot));
    if (datasetName.empty())
        return reportError(Error::invalid("Model '" + modelPath + "' does not record which data it was trained on.",
                                          "Give the data to evaluate on with --dataset NAME|PATH."));
    auto bundle = loadDatasetReporting(datasetName, options);
    if (!bundle) return reportError(bundle.error());

    ThreadPool pool(static_cast<int>(*threads));
    ReportOptions reportOptions;
    reportOptions.mistakes = static_cast<int>(*mistakes);
    auto contents = gatherRunReport(*snapshot, *bundle, history, title, source, pool, reportOptions);
    if (!contents) return reportError(contents.error());
    const std::string html = renderRunReportHtml(*contents);
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(html.data()), html.size());
    if (Status s = writeFileAtomically(*out, bytes, "the report"); !s) return reportError(s.error());

    if (a.flag("--json")) {
        printJsonLine({{"out", *out},
                       {"bytes", html.size()},
                       {"sections", reportSectionIds()},
                       {"test_accuracy", contents->evaluation.accuracy},
                       {"evaluated_on", contents->evaluatedOn},
                       {"run_id", history.run ? history.run->id : 0}});
    } else {
        std::printf("Report written to %s (%zu KiB): test accuracy %s on the %s\n", out->c_str(), html.size() / 1024,
                    fixed(contents->evaluation.accuracy, 4).c_str(), contents->evaluatedOn.c_str());
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
