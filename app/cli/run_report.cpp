#include "app/cli/run_report.h"

#include <unistd.h>
#include <cstdio>
#include <filesystem>

#include "app/cli/cli_common.h"
#include "app/cli/progress_bar.h"
#include "engine/io/model_file.h"
#include "engine/teach/boundary_image.h"

namespace studio::cli {

namespace {

void printEpoch(const EpochMetrics& m, int epochs) {
    std::printf("epoch %*d/%d  train loss %s acc %s  val loss %s acc %s  %.0f samples/s  %.2f s\n",
                static_cast<int>(std::to_string(epochs).size()), m.epoch, epochs, fixed(m.trainLoss, 4).c_str(),
                fixed(m.trainAccuracy, 4).c_str(), fixed(m.validationLoss, 4).c_str(),
                fixed(m.validationAccuracy, 4).c_str(), m.samplesPerSecond, m.seconds);
    std::fflush(stdout);
}

void printAlert(const TrainingAlert& a) {
    std::printf("alert [%s] epoch %d, step %lld: %s %s\n", a.kind.c_str(), a.epoch, static_cast<long long>(a.step),
                a.message.c_str(), a.suggestion.c_str());
    std::fflush(stdout);
}

nlohmann::json alertsJson(const std::vector<TrainingAlert>& alerts) {
    nlohmann::json out = nlohmann::json::array();
    for (const TrainingAlert& a : alerts)
        out.push_back({{"kind", a.kind},
                       {"epoch", a.epoch},
                       {"step", a.step},
                       {"layer", a.layer.empty() ? nlohmann::json() : nlohmann::json(a.layer)},
                       {"message", a.message},
                       {"suggestion", a.suggestion}});
    return out;
}

}  // namespace

DatasetLoader reportingLoader() {
    return [](const std::string& nameOrPath,
              const DatasetOptions& options) -> Result<std::shared_ptr<const DatasetBundle>> {
        auto bundle = loadDatasetReporting(nameOrPath, options);
        if (!bundle) return bundle.error();
        return std::make_shared<const DatasetBundle>(std::move(*bundle));
    };
}

Status checkSaveTarget(const std::string& path, const std::string& what) {
    namespace fs = std::filesystem;
    const fs::path p(path);
    const fs::path folder = p.has_parent_path() ? p.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        return Error::notFound(
            "Cannot save " + what + " to " + path + ": the folder " + folder.string() + " does not exist.",
            "Create the folder or choose another --save path before training.");
    if (fs::is_directory(p, ec))
        return Error::invalid("Cannot save " + what + " to " + path + ": it is a folder.",
                              "Give a file name, e.g. " + (p / "model.tsmodel").string() + ".");
    if (::access(folder.c_str(), W_OK) != 0)
        return Error::io("Cannot save " + what + " to " + path + ": the folder " + folder.string() + " is not writable.",
                         "Choose a folder you can write to.");
    return Status::success();
}

int trainAndReport(const std::string& storePath, PreparedRun run, const Arguments& a,
                   const std::function<SnapshotPtr(const ModelSnapshot&)>& toSave) {
    const auto savePath = a.value("--save");
    const std::int64_t runId = run.record.id;
    const std::string modelName = run.record.model;
    const int epochs = run.setup.config.epochs;
    const std::string datasetName = run.setup.data->pool.name();
    // --boundary (train only): refused before training when the data have no plane.
    const auto boundaryPath = a.value("--boundary");
    const std::shared_ptr<const DatasetBundle> data = run.setup.data;
    const DataSplit split = run.setup.split;
    const int threads = run.setup.config.threads;
    if (boundaryPath && !isPlaneDataset(data->pool))
        return reportError(Error::invalid("--boundary needs 2-D data, but dataset '" + datasetName +
                                              "' has samples of " + shapeToString(data->pool.sampleShape()) + ".",
                                          "Use spirals, circles, xor, gauss or a table with 2 feature columns."));
    EpochProgressBar bar(stdout);  // on a terminal only
    std::vector<TrainingAlert> alerts;
    auto result = trainRecorded(storePath, std::move(run), [&](const TrainingEvent& event) {
        if (const auto* b = std::get_if<BatchMetrics>(&event)) return bar.batch(*b);
        if (std::holds_alternative<LayerHealth>(event)) return;  // the studio draws it; the bar stays
        bar.clear();
        if (const auto* s = std::get_if<RunStarted>(&event)) {
            bar.start(*s);
            if (s->firstEpoch > 1)
                std::printf("Resuming run %lld at epoch %d (step %lld) of %d: %s on %s, %d thread%s\n",
                            static_cast<long long>(runId), s->firstEpoch, static_cast<long long>(s->firstStep),
                            s->epochs, modelName.c_str(), datasetName.c_str(), s->threads, s->threads == 1 ? "" : "s");
            else
                std::printf(
                    "Training %s on %s: %d train / %d validation / %d test samples, %lld parameters, %d thread%s\n",
                    modelName.c_str(), datasetName.c_str(), s->trainSize, s->validationSize, s->testSize,
                    static_cast<long long>(s->params), s->threads, s->threads == 1 ? "" : "s");
            std::printf("Run %lld in %s\n", static_cast<long long>(runId), redactedStoreLocation(storePath).c_str());
            std::fflush(stdout);
        } else if (const auto* e = std::get_if<EpochMetrics>(&event)) {
            printEpoch(*e, epochs);
        } else if (const auto* alert = std::get_if<TrainingAlert>(&event)) {
            printAlert(*alert);
            alerts.push_back(*alert);
        } else if (const auto* c = std::get_if<OptionChanged>(&event)) {
            std::printf("option %s = %s from step %lld\n", c->key.c_str(), c->value.dump().c_str(),
                        static_cast<long long>(c->step));
        }
    });
    if (!result) return reportError(result.error());
    const Finished& f = result->outcome.finished;
    if (f.reason == Finished::Reason::EarlyStopped)
        std::printf("Stopped early after epoch %d: no better validation for %d epochs.\n", f.epochs,
                    result->record.options.value("patience", 0));
    std::printf("Test accuracy %s (loss %s, %d samples) with the weights of epoch %d; %.1f s in all\n",
                fixed(f.testAccuracy, 4).c_str(), fixed(f.testLoss, 4).c_str(), f.testSize, f.bestEpoch, f.seconds);
    if (savePath) {
        const SnapshotPtr snapshot = toSave ? toSave(*result->outcome.snapshot) : result->outcome.snapshot;
        if (auto saved = saveModelFile(*savePath, *snapshot); !saved) return reportError(saved.error());
        std::printf("Saved the model to %s\n", savePath->c_str());
    }
    if (boundaryPath) {
        ThreadPool pool(threads);
        if (auto s = writeModelBoundaryPng(*boundaryPath, *result->outcome.snapshot, *data, split, 200, {}, &pool); !s)
            return reportError(s.error());
        std::printf("Wrote the decision boundary to %s\n", boundaryPath->c_str());
    }
    std::fflush(stdout);

    if (a.flag("--json")) {
        const auto& outcome = result->outcome;
        const EpochMetrics last = outcome.epochs.empty() ? EpochMetrics{} : outcome.epochs.back();
        nlohmann::json j = {
            {"run_id", runId},
            {"store", redactedStoreLocation(storePath)},
            {"dataset", datasetName},
            {"model", modelName},
            {"epochs", f.epochs},
            {"best_epoch", f.bestEpoch},
            {"stop_reason", Finished::reasonText(f.reason)},
            {"test_accuracy", numberOrNull(f.testAccuracy)},
            {"test_loss", numberOrNull(f.testLoss)},
            {"test_size", f.testSize},
            {"val_accuracy", numberOrNull(f.validationAccuracy)},
            {"val_loss", numberOrNull(f.validationLoss)},
            {"train_accuracy", numberOrNull(last.trainAccuracy)},
            {"train_loss", numberOrNull(last.trainLoss)},
            {"train_samples_per_s", f.trainSamplesPerSecond},
            {"train_size", outcome.started.trainSize},
            {"validation_size", outcome.started.validationSize},
            {"seconds", f.seconds},
            {"layer_health_seconds", f.healthSeconds},
            {"params", outcome.started.params},
            {"flops", outcome.started.flops},
            {"threads", outcome.started.threads},
            {"seed", result->record.options.value("seed", 1)},
            {"weights_sha256", result->weightsSha256},
        };
        if (savePath) j["saved"] = *savePath;
        j["alerts"] = alertsJson(alerts);
        printJsonLine(j);
    }
    return 0;
}

}  // namespace studio::cli
