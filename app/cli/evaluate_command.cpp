// training-studio-cli evaluate: accuracy, confusion matrix and per-class precision/recall/F1 of
// a saved model on the dataset's official test set, or — when it has none — on the very test
// split the model was trained with (seed and fractions come from the model's train config).

#include <algorithm>
#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/io/model_file.h"
#include "engine/train/evaluator.h"
#include "engine/train/train_config.h"
#include "engine/infer/trained_dataset.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli evaluate --model FILE --dataset NAME|PATH [options]

Evaluates a saved model on the dataset's official test set or, when it has none, on the test
split the model was trained with (same seed and fractions, from the model's train config).

Options:
  --model FILE           the .tsmodel file
  --dataset NAME|PATH    as for `train`
  --samples N            size of a generated dataset (default: as when the model was trained)
  --image-size N         side length for image folders (default: as when trained)
  --threads N            threads (default 0 = all cores)
  --skipped FILE         write every dataset file that was skipped, with the reason
  --json                 one line of JSON: samples, loss, accuracy, top_k_accuracy, confusion,
                         per_class [{class, precision, recall, f1, support}], macro_f1
)";

Status checkCompatible(const ModelSnapshot& snapshot, const Dataset& data, const std::string& modelPath) {
    // The preprocessing's shape is what the whole model takes (with a backbone, the head reads features).
    if (snapshot.preprocessing.inputShape != data.sampleShape())
        return Error::invalid(
            "Model '" + modelPath + "' takes inputs of " + shapeToString(snapshot.preprocessing.inputShape) +
                " but dataset '" + data.name() + "' has samples of " + shapeToString(data.sampleShape()) + ".",
            "Evaluate on the kind of data the model was trained on (for image folders, --image-size).");
    if (snapshot.model.outputSize() != data.classCount())
        return Error::invalid("Model '" + modelPath + "' knows " + std::to_string(snapshot.model.outputSize()) +
                                  " classes but dataset '" + data.name() + "' has " +
                                  std::to_string(data.classCount()) + ".",
                              "Evaluate on the dataset the model was trained on.");
    return Status::success();
}

void printReport(const EvaluationReport& r, const std::string& where) {
    std::printf("%s: %d samples\n", where.c_str(), r.samples);
    std::printf("accuracy %s  loss %s  top-%d accuracy %s  macro F1 %s\n\n", fixed(r.accuracy, 4).c_str(),
                fixed(r.loss, 4).c_str(), r.topK, fixed(r.topKAccuracy, 4).c_str(), fixed(r.macroF1, 4).c_str());
    std::size_t width = 5;
    for (const auto& n : r.classNames) width = std::max(width, n.size());
    const int w = static_cast<int>(width);
    std::printf("%-*s  %9s  %6s  %6s  %7s\n", w, "class", "precision", "recall", "F1", "support");
    for (std::size_t c = 0; c < r.perClass.size(); ++c) {
        const auto& m = r.perClass[c];
        std::printf("%-*s  %9s  %6s  %6s  %7d\n", w, r.classNames[c].c_str(), fixed(m.precision, 4).c_str(),
                    fixed(m.recall, 4).c_str(), fixed(m.f1, 4).c_str(), m.support);
    }
    std::printf("\nconfusion matrix (rows: true class, columns: predicted, in the order above)\n");
    for (std::size_t t = 0; t < r.confusion.size(); ++t) {
        std::printf("%-*s ", w, r.classNames[t].c_str());
        for (int v : r.confusion[t]) std::printf(" %6d", v);
        std::printf("\n");
    }
}

}  // namespace

int evaluateCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--dataset", "--samples", "--image-size", "--threads", "--skipped"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "evaluate", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto datasetName = a.required("--dataset", "shapes");
    if (!datasetName) return reportError(datasetName.error());
    auto threads = a.integer("--threads", 0, 0, 1024);
    if (!threads) return reportError(threads.error());

    auto snapshot = loadModelFile(*modelPath);
    if (!snapshot) return reportError(snapshot.error());
    // The split is rebuilt from the train config; an unreadable one falls back to the defaults.
    TrainConfig config;
    if (auto c = TrainConfig::fromJson(snapshot->trainConfig)) config = *c;
    auto loading = modelDatasetOptions(a, *snapshot, static_cast<int>(*threads));
    if (!loading) return reportError(loading.error());
    const DatasetOptions& options = *loading;
    auto bundle = loadDatasetReporting(*datasetName, options);
    if (!bundle) return reportError(bundle.error());

    const bool official = bundle->test.has_value();
    const Dataset& data = official ? *bundle->test : bundle->pool;
    if (auto ok = checkCompatible(*snapshot, data, *modelPath); !ok) return reportError(ok.error());
    std::vector<int> indices;
    if (official) {
        indices.resize(static_cast<std::size_t>(data.size()));
        for (int i = 0; i < data.size(); ++i) indices[static_cast<std::size_t>(i)] = i;
    } else {
        indices = splitDataset(*bundle, config.validationFraction, config.testFraction, config.seed).test;
    }
    if (indices.empty())
        return reportError(Error::invalid("Dataset '" + data.name() + "' leaves no test samples for model '" +
                                              *modelPath + "' (its test fraction is 0).",
                                          "Evaluate on a dataset with an official test set."));

    ThreadPool pool(static_cast<int>(*threads));
    const int topK = std::min(5, snapshot->model.outputSize());
    EvaluationReport report = evaluate(*snapshot, data, indices, pool, topK);
    const std::string where = official ? "official test set" : "test split (seed " + std::to_string(config.seed) + ")";

    if (a.flag("--json")) {
        nlohmann::json perClass = nlohmann::json::array();
        for (std::size_t c = 0; c < report.perClass.size(); ++c) {
            const auto& m = report.perClass[c];
            perClass.push_back({{"class", report.classNames[c]},
                                {"precision", m.precision},
                                {"recall", m.recall},
                                {"f1", m.f1},
                                {"support", m.support}});
        }
        printJsonLine({{"model", *modelPath},
                       {"dataset", data.name()},
                       {"evaluated_on", official ? "official test set" : "test split"},
                       {"samples", report.samples},
                       {"loss", numberOrNull(report.loss)},
                       {"accuracy", report.accuracy},
                       {"top_k", report.topK},
                       {"top_k_accuracy", report.topKAccuracy},
                       {"macro_f1", report.macroF1},
                       {"class_names", report.classNames},
                       {"confusion", report.confusion},
                       {"per_class", perClass}});
    } else {
        printReport(report, data.name() + ", " + where);
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
