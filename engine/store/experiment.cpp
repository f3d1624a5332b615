#include "engine/store/experiment.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "engine/core/sha256.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/trained_dataset.h"
#include "engine/io/checkpoint_file.h"
#include "engine/io/model_file.h"
#include "engine/store/run_recorder.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

namespace studio {

using nlohmann::json;

namespace {

void hashDataset(Sha256& h, const Dataset& d) {
    const auto& labels = d.labels();
    h.update(labels.data(), labels.size() * sizeof(std::int32_t));
    const std::size_t n = static_cast<std::size_t>(d.size());
    if (n == 0) return;
    if (d.storage() == Dataset::Storage::Pixels8)
        h.update(d.pixels(0), n * d.sampleSize());
    else
        h.update(d.featureRow(0), n * d.sampleSize() * sizeof(float));
}

Preprocessing preprocessingFor(const json& options, const DatasetBundle& data, const DataSplit& split) {
    Preprocessing prep =
        options.value("normalization", "per-channel") == "none"
            ? Preprocessing::identity(data.pool.sampleShape(), data.pool.storage() == Dataset::Storage::Pixels8)
            : Preprocessing::fitted(data.pool, split.train);
    prep.resize = options.value("resize", "stretch");
    return prep;
}

// The data of a recorded run, refused when its content changed since the run trained.
Result<std::shared_ptr<const DatasetBundle>> loadRecordedData(const RunRecord& run, const json& options,
                                                              const DatasetLoader& load) {
    const std::string source = run.dataset.value("source", "");
    auto data = load(source, datasetOptionsFromOptions(options));
    if (!data) return data.error();
    const std::string recorded = run.dataset.value("hash", "");
    const std::string now = datasetIdentity(**data, source).value("hash", "");
    if (!recorded.empty() && recorded != now)
        return Error::invalid("The dataset of run " + std::to_string(run.id) + " (" + source +
                                  ") changed since the run trained: its content hash was " + recorded.substr(0, 12) +
                                  "… and is now " + now.substr(0, 12) + "….",
                              "Restore the dataset's files, or start a new run on the data as it is now.");
    return data;
}

TrainingSetup setupFor(std::shared_ptr<const DatasetBundle> data, ModelSpec spec, const TrainConfig& config,
                       const json& options) {
    TrainingSetup setup;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    setup.preprocessing = preprocessingFor(options, *data, setup.split);
    setup.data = std::move(data);
    setup.spec = std::move(spec);
    setup.config = config;
    return setup;
}

void takeBestFrom(RunRecord& r, const TrainingCheckpoint& c) {
    r.epochsDone = c.epoch;
    r.steps = c.step;
    r.bestEpoch = c.bestEpoch;
    r.bestValAccuracy = c.bestMetrics.validationAccuracy;
    r.bestValLoss = c.bestMetrics.validationLoss;
    r.final = json::object();
    r.error.clear();
}

// Options a fork may not change: they would change the data, its split or the meaning of a step.
const char* kFixedInFork[] = {"seed",       "val_split", "test_split",    "samples",    "noise",
                              "image_size", "channels",  "normalization", "batch_size", "label_column",
                              "csv_header"};

}  // namespace

DatasetLoader plainDatasetLoader() {
    return [](const std::string& nameOrPath,
              const DatasetOptions& options) -> Result<std::shared_ptr<const DatasetBundle>> {
        auto bundle = loadDataset(nameOrPath, options);
        if (!bundle) return bundle.error();
        return std::make_shared<const DatasetBundle>(std::move(*bundle));
    };
}

json datasetIdentity(const DatasetBundle& data, const std::string& nameOrPath) {
    Sha256 h;
    hashDataset(h, data.pool);
    if (data.test) hashDataset(h, *data.test);
    return {{"name", data.pool.name()},
            {"source", nameOrPath},
            {"samples", data.pool.size()},
            {"test_samples", data.test ? data.test->size() : 0},
            {"classes", data.pool.classCount()},
            {"shape", data.pool.sampleShape()},
            {"hash", h.hexDigest()}};
}

Result<PreparedSetup> prepareSetup(const NewRun& request, const DatasetLoader& load) {
    // A preset's tuned options fill in what was not given (a spec file or the studio's own
    // architecture has none: request.spec is set, or the name is no preset), and a built-in
    // teaching set's (how long it takes to learn) over them.
    auto options = normalizeOptions(
        withRecommendedOptions(request.spec ? "" : request.model, request.dataset, request.options));
    if (!options) return options.error();
    auto config = trainConfigFromOptions(*options);
    if (!config) return config.error();
    auto data = load(request.dataset, datasetOptionsFromOptions(*options));
    if (!data) return data.error();
    auto spec = request.spec ? Result<ModelSpec>(*request.spec)
                             : resolveModelSpec(request.model, (*data)->pool.sampleShape(), (*data)->pool.classCount());
    if (!spec) return spec.error();
    return PreparedSetup{*options, setupFor(*data, applyModelOptions(*spec, *options), *config, *options)};
}

Result<PreparedRun> prepareNewRun(RunStore& store, const NewRun& request, const DatasetLoader& load) {
    auto prepared = prepareSetup(request, load);
    if (!prepared) return prepared.error();
    const json& options = prepared->options;
    const DatasetBundle& data = *prepared->setup.data;

    PreparedRun run;
    RunRecord& r = run.record;
    r.name = request.name.empty() ? request.model + " on " + data.pool.name() : request.name;
    r.status = RunStatus::Queued;
    r.options = options;
    r.model = request.model;
    r.spec = prepared->setup.spec.toJson();
    r.dataset = datasetIdentity(data, request.dataset);
    r.sweepId = request.sweepId;
    r.forWorkers = request.forWorkers;
    r.epochsPlanned = prepared->setup.config.epochs;
    r.bestValAccuracy = r.bestValLoss = std::nan("");
    r.host = hostName();
    r.createdAt = r.heartbeatAt = unixNow();
    auto id = store.createRun(r);
    if (!id) return id.error();
    r.id = *id;
    r.color = runColor(r.id);
    STUDIO_TRY(store.updateRun(r));
    run.setup = std::move(prepared->setup);
    run.keepCheckpoints = options["keep_checkpoints"].get<int>();
    return run;
}

Result<CheckpointPtr> loadRunCheckpoint(RunStore& store, std::int64_t runId, int epoch) {
    auto list = store.checkpoints(runId);
    if (!list) return list.error();
    if (list->empty())
        return Error::notFound(
            "Run " + std::to_string(runId) + " has no checkpoint: it ended before its first epoch did.",
            "Start a new run with the same options instead.");
    const CheckpointRecord* chosen = epoch <= 0 ? &list->back() : nullptr;
    std::string epochs;
    for (const auto& c : *list) {
        if (c.epoch == epoch) chosen = &c;
        epochs += (epochs.empty() ? "" : ", ") + std::to_string(c.epoch);
    }
    if (!chosen)
        return Error::notFound(
            "Run " + std::to_string(runId) + " has no checkpoint of epoch " + std::to_string(epoch) + ".",
            "Its checkpoints are of epochs " + epochs + " (older ones are pruned).");
    auto local = store.localFile(runId, chosen->path);  // fetched from the database on another machine
    if (!local) return local.error();
    auto loaded = loadCheckpointFile(*local);
    if (!loaded) return loaded.error();
    if (loaded->epoch != chosen->epoch)
        return Error::corrupt("The checkpoint " + chosen->path + " holds epoch " + std::to_string(loaded->epoch) +
                                  ", not " + std::to_string(chosen->epoch) + ".",
                              "Resume from another epoch of the run.");
    return CheckpointPtr(std::make_shared<TrainingCheckpoint>(std::move(*loaded)));
}

Result<PreparedRun> prepareResume(RunStore& store, std::int64_t runId, int epochs, std::optional<int> threads,
                                  const DatasetLoader& load) {
    (void)store.markOrphansInterrupted();
    auto run = store.run(runId);
    if (!run) return run.error();
    if (isActive(run->status))
        return Error::invalid("Run " + std::to_string(runId) + " is " + runStatusText(run->status) + " (process " +
                                  std::to_string(run->pid) + " on " + run->host + ").",
                              "Stop it first, or wait until it ends.");
    auto checkpoint = loadRunCheckpoint(store, runId, 0);
    if (!checkpoint) return checkpoint.error();
    json options = run->options;
    if (epochs > 0) options["epochs"] = epochs;
    if (threads) options["threads"] = *threads;
    auto config = trainConfigFromOptions(options);
    if (!config) return config.error();
    if ((*checkpoint)->epoch >= config->epochs)
        return Error::invalid("Run " + std::to_string(runId) + " has already trained " +
                                  std::to_string((*checkpoint)->epoch) + " of its " + std::to_string(config->epochs) +
                                  " epochs.",
                              "Ask for more: --epochs " + std::to_string((*checkpoint)->epoch + 5) + ".");
    auto data = loadRecordedData(*run, options, load);
    if (!data) return data.error();
    auto spec = ModelSpec::fromJson(run->spec, "the spec of run " + std::to_string(runId));
    if (!spec) return spec.error();
    STUDIO_TRY(store.truncateAfter(runId, (*checkpoint)->epoch, (*checkpoint)->step));

    PreparedRun prepared;
    prepared.record = *run;
    prepared.record.options = options;
    prepared.record.status = RunStatus::Queued;
    prepared.record.epochsPlanned = config->epochs;
    takeBestFrom(prepared.record, **checkpoint);
    STUDIO_TRY(store.updateRun(prepared.record));
    prepared.setup = setupFor(*data, *spec, *config, options);
    prepared.setup.resume = *checkpoint;
    prepared.keepCheckpoints = options.value("keep_checkpoints", 3);
    return prepared;
}

Result<PreparedRun> prepareClaimedRun(RunStore& store, const RunRecord& claimed, std::optional<int> threads,
                                      const DatasetLoader& load) {
    const std::string what = "the spec of run " + std::to_string(claimed.id);
    json options = claimed.options;
    if (threads) options["threads"] = *threads;
    auto config = trainConfigFromOptions(options);
    if (!config) return config.error();
    auto data = loadRecordedData(claimed, options, load);
    if (!data) return data.error();
    auto spec = ModelSpec::fromJson(claimed.spec, what);
    if (!spec) return spec.error();
    auto list = store.checkpoints(claimed.id);
    if (!list) return list.error();

    PreparedRun prepared;
    prepared.record = claimed;
    prepared.record.options = options;
    prepared.record.epochsPlanned = config->epochs;
    prepared.setup = setupFor(*data, *spec, *config, options);
    prepared.keepCheckpoints = options.value("keep_checkpoints", 3);
    if (list->empty()) {  // never got past its first epoch: start over
        STUDIO_TRY(store.truncateAfter(claimed.id, 0, 0));
        RunRecord& r = prepared.record;
        r.epochsDone = 0;
        r.steps = 0;
        r.bestEpoch = 0;
        r.bestValAccuracy = r.bestValLoss = std::nan("");
        r.final = json::object();
        r.error.clear();
    } else {
        auto checkpoint = loadRunCheckpoint(store, claimed.id, 0);
        if (!checkpoint) return checkpoint.error();
        STUDIO_TRY(store.truncateAfter(claimed.id, (*checkpoint)->epoch, (*checkpoint)->step));
        takeBestFrom(prepared.record, **checkpoint);
        prepared.setup.resume = *checkpoint;
    }
    STUDIO_TRY(store.updateRun(prepared.record));
    return prepared;
}

Result<PreparedRun> prepareFork(RunStore& store, std::int64_t parentId, int epoch, const json& changes,
                                const std::string& name, const DatasetLoader& load) {
    auto parent = store.run(parentId);
    if (!parent) return parent.error();
    if (epoch <= 0)
        return Error::invalid("Fork needs the epoch to start from (--epoch K, K ≥ 1).", "For example: --epoch 3.");
    auto checkpoint = loadRunCheckpoint(store, parentId, epoch);
    if (!checkpoint) return checkpoint.error();
    if (!changes.is_object()) return Error::invalid("The changed options must be a JSON object.", "");
    json options = parent->options;
    for (auto it = changes.begin(); it != changes.end(); ++it) {
        const OptionInfo* o = findOption(it.key());
        if (!o) {
            auto bad = normalizeOptions(json{{it.key(), it.value()}});  // the unknown-option message
            return bad.error();
        }
        for (const char* fixed : kFixedInFork)
            if (o->key == fixed && options.value(o->key, json()) != it.value())
                return Error::invalid("Option '" + o->key +
                                          "' cannot change in a fork: it changes the data, its split "
                                          "or what a step is.",
                                      "Start a new run with that option instead.");
        options[o->key] = it.value();
    }
    auto normalized = normalizeOptions(options);
    if (!normalized) return normalized.error();
    options = *normalized;
    auto config = trainConfigFromOptions(options);
    if (!config) return config.error();
    if (epoch >= config->epochs)
        return Error::invalid("The fork starts after epoch " + std::to_string(epoch) + " but plans only " +
                                  std::to_string(config->epochs) + " epochs.",
                              "Give it more: --epochs " + std::to_string(epoch + 5) + ".");
    auto data = loadRecordedData(*parent, options, load);
    if (!data) return data.error();
    auto parentSpec = ModelSpec::fromJson(parent->spec, "the spec of run " + std::to_string(parentId));
    if (!parentSpec) return parentSpec.error();
    const ModelSpec spec = applyModelOptions(*parentSpec, changes);

    // The parent's state with the fork's options; a new optimizer kind starts its own state.
    auto start = std::make_shared<TrainingCheckpoint>(**checkpoint);
    start->config = config->toJson();
    if (parent->options.value("optimizer", "") != options.value("optimizer", "")) start->optimizer = {};

    PreparedRun prepared;
    RunRecord& r = prepared.record;
    r = *parent;
    r.name = name.empty() ? parent->name + " (fork of run " + std::to_string(parentId) + " at epoch " +
                                std::to_string(epoch) + ")"
                          : name;
    r.status = RunStatus::Queued;
    r.options = options;
    r.spec = spec.toJson();
    r.parentRun = parentId;
    r.parentEpoch = epoch;
    r.epochsPlanned = config->epochs;
    r.bestModelPath.clear();
    r.wallSeconds = r.cpuSeconds = 0;
    r.createdAt = r.heartbeatAt = unixNow();
    takeBestFrom(r, *start);
    auto id = store.createRun(r);
    if (!id) return id.error();
    r.id = *id;
    r.color = runColor(r.id);

    // The parent's curves up to the fork point become the fork's own first epochs.
    RunProgress copied;
    auto epochsList = store.epochs(parentId);
    if (!epochsList) return epochsList.error();
    for (const auto& e : *epochsList)
        if (e.epoch <= epoch) copied.epochs.push_back(e);
    auto batches = store.batches(parentId);
    if (!batches) return batches.error();
    for (const auto& b : *batches)
        if (b.epoch <= epoch) copied.batches.push_back(b);
    auto edits = store.edits(parentId);
    if (!edits) return edits.error();
    for (const auto& e : *edits)
        if (e.step < start->step) copied.edits.push_back(e);
    copied.run = r;
    STUDIO_TRY(store.write(r.id, copied));

    prepared.setup = setupFor(*data, spec, *config, options);
    prepared.setup.resume = start;
    prepared.keepCheckpoints = options.value("keep_checkpoints", 3);
    return prepared;
}

Result<RecordedOutcome> trainRecorded(const std::string& storePath, PreparedRun run,
                                      const std::function<void(const TrainingEvent&)>& onEvent,
                                      const std::function<void(Trainer*)>& attach) {
    auto recorder = RunRecorder::open(storePath, run.record, run.keepCheckpoints);
    if (!recorder) return recorder.error();
    RunRecorder& rec = **recorder;
    run.setup.onCheckpoint = [&rec](CheckpointPtr c) { rec.checkpoint(std::move(c)); };
    const json options = run.record.options;
    const std::string source = run.record.dataset.value("source", "");
    auto outcome = trainToEnd(
        std::move(run.setup),
        [&](const TrainingEvent& e) {
            rec.record(e);
            if (onEvent) onEvent(e);
        },
        attach);
    if (!outcome) {
        if (outcome.error().kind() != Error::Kind::Cancelled) rec.setStatus(RunStatus::Failed, outcome.error().what());
        const Status closed = rec.close();
        return outcome.error();
    }
    // The best model, with how its data was made so `evaluate` can rebuild the same split.
    ModelSnapshot best = *outcome->snapshot;
    best.metrics["dataset_options"] = datasetOptionsRecord(source, datasetOptionsFromOptions(options));
    best.metrics["run_id"] = rec.runId();
    RecordedOutcome result;
    result.weightsSha256 = weightsSha256(best.model);
    outcome->snapshot = std::make_shared<const ModelSnapshot>(std::move(best));
    rec.saveBestModel(outcome->snapshot);
    STUDIO_TRY(rec.close());
    result.record = rec.snapshot();
    result.outcome = std::move(*outcome);
    return result;
}

}  // namespace studio
