#pragma once
// Experiment: how a run is made, resumed, forked and trained while recorded in a run store.
// One place for what the CLI's train/--resume/fork/sweep and the studio's Start share:
//
//   prepareNewRun ─┐
//   prepareResume ─┼─▶ PreparedRun {record (in the store), setup} ─▶ trainRecorded (blocking)
//   prepareFork   ─┘                                              or Trainer + RunRecorder (GUI)

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"
#include "engine/store/run_store.h"
#include "engine/train/trainer.h"

namespace studio {

/// Loads a dataset for a run (a sweep hands a cached one to every trial).
using DatasetLoader =
    std::function<Result<std::shared_ptr<const DatasetBundle>>(const std::string& nameOrPath, const DatasetOptions&)>;
/// The engine's loadDataset, uncached and silent about skipped files.
DatasetLoader plainDatasetLoader();

/// {name, source, samples, classes, shape, hash}: hash is SHA-256 over labels and sample bytes of
/// the pool and the official test set, so a changed file is caught before a resume.
nlohmann::json datasetIdentity(const DatasetBundle& data, const std::string& nameOrPath);

struct NewRun {
    std::string name;               // empty: "<model> on <dataset>"
    std::string dataset;            // name or path
    std::string model;              // preset or spec path (or a label, with `spec`)
    std::optional<ModelSpec> spec;  // an architecture already resolved for the data (the studio's editor)
    nlohmann::json options = nlohmann::json::object();  // given options (defaults fill the rest)
    std::int64_t sweepId = 0;
    bool forWorkers = false;  // queued for `training-studio-cli worker` instead of trained here
};

struct PreparedRun {
    RunRecord record;  // as stored (id set)
    TrainingSetup setup;
    int keepCheckpoints = 3;
};

/// What a new run trains, without a store: the options (a preset's tuned ones filled in, every
/// key normalized) and the setup (data, split, preprocessing, spec with the model options,
/// config). For throwaway training such as the learning-rate finder (engine/train/lr_finder.h).
struct PreparedSetup {
    nlohmann::json options;
    TrainingSetup setup;
};
Result<PreparedSetup> prepareSetup(const NewRun& request, const DatasetLoader& load);

/// Loads the data, resolves the model (preset or spec file), creates the run's row.
Result<PreparedRun> prepareNewRun(RunStore& store, const NewRun& request, const DatasetLoader& load);
/// The run's latest checkpoint, its data (hash checked), its spec and options; the store forgets
/// what came after that checkpoint. epochs: train to this many in all (0: as planned); threads
/// overrides the recorded budget (never the result).
Result<PreparedRun> prepareResume(RunStore& store, std::int64_t runId, int epochs, std::optional<int> threads,
                                  const DatasetLoader& load);
/// A run a worker claimed (RunStore::claimRun): from its latest checkpoint when it has one (a
/// worker died or gave it back), else from the start; what an earlier attempt recorded after
/// that point is forgotten. threads overrides the recorded budget (never the result).
Result<PreparedRun> prepareClaimedRun(RunStore& store, const RunRecord& claimed, std::optional<int> threads,
                                      const DatasetLoader& load);
/// A new run that starts from `parentId`'s checkpoint at `epoch` with some options changed; it
/// records its parent and copies the parent's metrics up to that epoch, so its curves start
/// where the parent's were.
Result<PreparedRun> prepareFork(RunStore& store, std::int64_t parentId, int epoch, const nlohmann::json& changes,
                                const std::string& name, const DatasetLoader& load);

struct RecordedOutcome {
    RunRecord record;  // as finally stored
    TrainingOutcome outcome;
    std::string weightsSha256;
};

/// Trains on the calling thread's behalf (the trainer's own threads do the work), recording
/// every event and checkpoint. onEvent sees each event on the calling thread. A failed run is
/// recorded as failed and returns its error; a stopped or suspended one returns normally.
/// `attach` (optional) gets the trainer while it runs, then nullptr (see trainToEnd), so another
/// thread may stop, pause or edit it.
Result<RecordedOutcome> trainRecorded(const std::string& storePath, PreparedRun run,
                                      const std::function<void(const TrainingEvent&)>& onEvent = {},
                                      const std::function<void(Trainer*)>& attach = {});

/// The run's checkpoint at `epoch` (0: the latest), loaded and checked.
Result<CheckpointPtr> loadRunCheckpoint(RunStore& store, std::int64_t runId, int epoch);

}  // namespace studio
