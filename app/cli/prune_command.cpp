// training-studio-cli prune: a pruned variant of a saved model (engine/deploy/prune_model.h) —
// magnitude pruning to a sparsity, or structured pruning of whole filters and units into a
// smaller model — fine-tuned on the data the model was trained on, with the accuracy before,
// after pruning and after the fine-tune, the parameter counts, the file sizes and, for a
// structured cut, the batch-1 latency before and after.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_report.h"
#include "engine/deploy/prune_model.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "engine/train/train_config.h"
#include "engine/infer/trained_dataset.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli prune --model FILE --sparsity S --fine-tune-epochs E --out FILE [options]

Prunes a saved model and fine-tunes it on the training split it was trained with, keeping the
pruned weights at zero. Prints the test accuracy before, after pruning and after fine-tuning,
the parameter counts and file sizes, and for --structured the batch-1 latency before and after.

Options:
  --model FILE             the .tsmodel to prune
  --sparsity S             in [0, 1): the fraction of weights set to zero, or with --structured
                           the fraction of each layer's filters and units removed
  --structured             remove whole conv filters and dense units of lowest norm and rebuild
                           a smaller, faster model (the class layer is never cut)
  --norm l1|l2             how --structured ranks the filters (default l1)
  --per-layer              the sparsity in every layer (default: one threshold over all layers)
  --fine-tune-epochs E     epochs of fine-tuning (0: none)
  --lr X                   fine-tuning learning rate (default: the model's own, with its schedule
                           over the fine-tune epochs)
  --out FILE               the pruned model (.tsmodel)
  --dataset NAME|PATH      the data to fine-tune and measure on (default: the model's own)
  --threads N              threads (default 0 = all cores)
  --latency-runs N         batch-1 predictions timed per model for --structured (default 300)
  --json                   finish with one line of JSON: the accuracies, params, sizes, latency
)";

using Clock = std::chrono::steady_clock;

// Median microseconds of one single-sample prediction through snapshotLogits (the path every
// prediction takes), for each of the models. Their runs alternate in rounds so a change of
// machine load affects both alike.
std::vector<double> batch1LatencyUs(const std::vector<const ModelSnapshot*>& models, int runs) {
    std::vector<std::vector<double>> times(models.size());
    std::vector<Tensor> inputs;
    for (const ModelSnapshot* m : models) {
        Shape shape{1};
        shape.insert(shape.end(), m->preprocessing.inputShape.begin(), m->preprocessing.inputShape.end());
        Tensor x(shape, 0.5f);
        Tensor logits;
        for (int w = 0; w < 20; ++w) snapshotLogits(*m, x, logits);  // warm: workspace, kernels, caches
        inputs.push_back(std::move(x));
    }
    constexpr int kRounds = 10;
    const int perRound = std::max(1, runs / kRounds);
    Tensor logits;
    for (int round = 0; round < kRounds; ++round)
        for (std::size_t m = 0; m < models.size(); ++m)
            for (int r = 0; r < perRound; ++r) {
                const auto t0 = Clock::now();
                snapshotLogits(*models[m], inputs[m], logits);
                times[m].push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
            }
    std::vector<double> medians;
    for (auto& t : times) {
        std::nth_element(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(t.size() / 2), t.end());
        medians.push_back(t[t.size() / 2]);
    }
    return medians;
}

std::uintmax_t fileBytes(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : n;
}

std::string points(double from, double to) {
    const double d = (to - from) * 100.0;
    return (d >= 0 ? "+" : "") + fixed(d, 2) + " points";
}

}  // namespace

int pruneCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model",   "--sparsity", "--fine-tune-epochs", "--out",          "--dataset",
                   "--threads", "--lr",       "--norm",             "--latency-runs", "--skipped"};
    spec.flags = {"--structured", "--per-layer", "--json"};
    auto start = startCommand(args, spec, "prune", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto sparsityText = a.required("--sparsity", "0.5");
    if (!sparsityText) return reportError(sparsityText.error());
    // Any number first, so that 1 or 1.5 gets the message about [0, 1) rather than a range error.
    auto sparsity = a.number("--sparsity", 0.0, -1e300, 1e300);
    if (!sparsity) return reportError(sparsity.error());
    if (auto s = checkSparsity(*sparsity); !s)
        return reportError(Error::invalid("--sparsity: " + s.error().what()));
    auto epochsText = a.required("--fine-tune-epochs", "2");
    if (!epochsText) return reportError(epochsText.error());
    auto epochs = a.integer("--fine-tune-epochs", 0, 0, 1000);
    if (!epochs) return reportError(epochs.error());
    auto out = a.required("--out", "pruned.tsmodel");
    if (!out) return reportError(out.error());
    if (auto s = checkSaveTarget(*out); !s) return reportError(s.error());
    auto threads = a.integer("--threads", 0, 0, 1024);
    if (!threads) return reportError(threads.error());
    auto lr = a.number("--lr", 0.0, 0.0, 10.0);
    if (!lr) return reportError(lr.error());
    auto latencyRuns = a.integer("--latency-runs", 300, 10, 1000000);
    if (!latencyRuns) return reportError(latencyRuns.error());
    const std::string norm = a.value("--norm").value_or("l1");
    if (norm != "l1" && norm != "l2")
        return reportError(Error::invalid("--norm '" + norm + "' is not a filter norm.", "Use l1 or l2."));
    const bool structured = a.flag("--structured");
    if (structured && a.flag("--per-layer"))
        return reportError(Error::invalid("--per-layer does not go with --structured.",
                                          "--structured always removes the same fraction of each layer's filters."));

    auto source = loadModelFile(*modelPath);
    if (!source) return reportError(source.error());
    const std::string datasetName = a.value("--dataset").value_or(trainedDatasetName(*source));
    DatasetOptions options = trainedDatasetOptions(*source);
    options.threads = static_cast<int>(*threads);
    auto bundle = loadDatasetReporting(datasetName, options);
    if (!bundle) return reportError(bundle.error());
    auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));

    PruningRequest request;
    request.sparsity = *sparsity;
    request.structured = structured;
    request.scope = a.flag("--per-layer") ? PruningScope::PerLayer : PruningScope::Global;
    request.norm = norm == "l2" ? FilterNorm::L2 : FilterNorm::L1;
    request.fineTuneEpochs = static_cast<int>(*epochs);
    request.learningRate = static_cast<float>(*lr);
    request.threads = static_cast<int>(*threads);
    request.source = *modelPath;
    const bool json = a.flag("--json");
    auto onEvent = [&](const TrainingEvent& e) {
        if (const auto* m = std::get_if<EpochMetrics>(&e); m && !json)
            std::printf("  fine-tune epoch %d/%d: train loss %s, val loss %s, val accuracy %s (%.1f s)\n", m->epoch,
                        request.fineTuneEpochs, fixed(m->trainLoss, 4).c_str(), fixed(m->validationLoss, 4).c_str(),
                        fixed(m->validationAccuracy, 4).c_str(), m->seconds);
        std::fflush(stdout);
    };
    if (!json)
        std::printf("Pruning %s (%s, %lld parameters) on %s: %s%s sparsity %s\n", modelPath->c_str(),
                    source->model.spec().name.c_str(), static_cast<long long>(source->model.paramCount()),
                    data->pool.name().c_str(), structured ? "structured, " : "",
                    structured ? "filters/units" : request.scope == PruningScope::Global ? "global" : "per-layer",
                    fixed(request.sparsity, 3).c_str());
    auto variant = pruneModel(*source, data, request, onEvent);
    if (!variant) return reportError(variant.error());
    const PruningSummary& s = variant->summary;
    if (auto saved = saveModelFile(*out, *variant->snapshot); !saved) return reportError(saved.error());

    std::vector<double> latency;
    if (structured) latency = batch1LatencyUs({&*source, variant->snapshot.get()}, static_cast<int>(*latencyRuns));
    const auto bytesBefore = fileBytes(*modelPath), bytesAfter = fileBytes(*out);

    if (json) {
        nlohmann::json j = s.toJson();
        j["model"] = *modelPath;
        j["out"] = *out;
        j["dataset"] = data->pool.name();
        j["file_bytes_before"] = bytesBefore;
        j["file_bytes"] = bytesAfter;
        j["accuracy_change_points"] = (s.accuracyFineTuned - s.accuracyBefore) * 100.0;
        if (structured) {
            j["latency_us_before"] = latency[0];
            j["latency_us_after"] = latency[1];
            j["speedup"] = latency[0] / latency[1];
        }
        printJsonLine(j);
    } else {
        std::printf("Test accuracy (%s, %d samples): before %s, pruned %s, fine-tuned %s (%s)\n", s.testSet.c_str(),
                    s.testSamples, fixed(s.accuracyBefore, 4).c_str(), fixed(s.accuracyPruned, 4).c_str(),
                    fixed(s.accuracyFineTuned, 4).c_str(), points(s.accuracyBefore, s.accuracyFineTuned).c_str());
        std::printf("Parameters: %lld -> %lld (%lld not zero); weight sparsity %s%s\n",
                    static_cast<long long>(s.paramsBefore), static_cast<long long>(s.paramsAfter),
                    static_cast<long long>(s.nonzeroParamsAfter), fixed(s.weightSparsity, 4).c_str(),
                    structured ? (", " + std::to_string(s.removedChannels) + " filters/units removed").c_str() : "");
        if (structured)
            std::printf("Batch-1 latency (median of %lld): %s us -> %s us (%sx faster)\n",
                        static_cast<long long>(*latencyRuns), fixed(latency[0], 1).c_str(), fixed(latency[1], 1).c_str(),
                        fixed(latency[0] / latency[1], 2).c_str());
        std::printf("Saved %s: %ju bytes (the source file: %ju bytes)\n", out->c_str(), bytesAfter, bytesBefore);
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
