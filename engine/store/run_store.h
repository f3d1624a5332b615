#pragma once
// RunStore: where every run is kept (ARCHITECTURE.md "Runs"). Everything that trains — the
// studio's Start, the CLI, a sweep trial, a fork — creates a run here and reports into it; every
// view reads runs from it. SqliteRunStore is the embedded default; a PostgreSQL store for
// workers on several machines implements the same interface.
//
// Threads: a store object is used by one thread at a time (RunRecorder owns one on its own
// thread; readers open their own). Any number of store objects, in any number of processes,
// may have the same database open: writes are transactions, readers never see half of one.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

enum class RunStatus { Queued, Running, Paused, Finished, Stopped, Failed, Interrupted };
const char* runStatusText(RunStatus s);
std::optional<RunStatus> runStatusFromText(const std::string& text);
/// Stopped, interrupted and failed runs can go on from their last checkpoint; finished ones can
/// train further.
bool isResumable(RunStatus s);
bool isActive(RunStatus s);  // queued, running, paused

struct RunRecord {
    std::int64_t id = 0;
    std::string name;
    std::string color;  // "#1f77b4"
    RunStatus status = RunStatus::Queued;
    nlohmann::json options = nlohmann::json::object();  // every schema option (normalizeOptions)
    std::string model;                                  // preset name or spec file it came from
    nlohmann::json spec = nlohmann::json::object();     // ModelSpec::toJson, model options applied
    nlohmann::json dataset = nlohmann::json::object();  // {name, source, samples, classes, hash}
    std::int64_t parentRun = 0;                         // a fork's parent (0: none) …
    int parentEpoch = 0;                                // … and the parent's epoch it started from
    std::int64_t sweepId = 0;
    int epochsPlanned = 0;
    int epochsDone = 0;
    std::int64_t steps = 0;
    double wallSeconds = 0;  // training and validation, summed over every session of the run
    double cpuSeconds = 0;
    double samplesPerSecond = 0;
    int threads = 0;
    std::int64_t peakRssBytes = 0;
    int bestEpoch = 0;
    double bestValAccuracy = 0;  // NaN when there is no validation split
    double bestValLoss = 0;
    nlohmann::json final = nlohmann::json::object();  // test_accuracy, test_loss, stop_reason, …
    std::string bestModelPath;                        // .tsmodel of the best epoch, when written
    std::string error;                                // why it failed
    std::string host;
    std::int64_t pid = 0;
    double createdAt = 0;  // Unix seconds
    double heartbeatAt = 0;  // the store's clock (a PostgreSQL store sets it from the server's)
    // Written when the run is created, then only by claims (never by updateRun):
    bool forWorkers = false;  // queued for `training-studio-cli worker` (claimRun)
    std::string worker;       // the worker that holds it ("host:pid"), empty when none
    int attempts = 0;         // how many times a worker claimed it
};

struct EpochRecord {
    int epoch = 0;
    double trainLoss = 0, trainAccuracy = 0, valLoss = 0, valAccuracy = 0;
    double learningRate = 0, seconds = 0, samplesPerSecond = 0;
};

struct BatchRecord {
    std::int64_t step = 0;
    int epoch = 0;
    double loss = 0, accuracy = 0, learningRate = 0;
};

/// A live edit: from `step` on (before that step runs), option `key` has `value`.
struct OptionEdit {
    std::int64_t step = 0;
    std::string key;
    nlohmann::json value;
};

struct CheckpointRecord {
    int epoch = 0;
    std::string path;
    double metric = 0;  // the early-stopping metric at that epoch (for keep-best)
};

struct SweepRecord {
    std::int64_t id = 0;
    std::string name;
    nlohmann::json space;     // the search space as given
    nlohmann::json settings;  // strategy, trials, eta, epochs, dataset, model, base options …
    std::string status;       // running | finished | stopped
    double createdAt = 0;
};

/// What one flush writes, in one transaction.
struct RunProgress {
    std::vector<BatchRecord> batches;
    std::vector<EpochRecord> epochs;
    std::vector<OptionEdit> edits;
    std::vector<CheckpointRecord> checkpoints;  // written to disk before this transaction
    std::vector<int> removedCheckpoints;        // epochs whose checkpoint rows go
    /// Files written into runFolder() for this flush (checkpoints, the best model). A store
    /// whose run folders are not shared (PostgreSQL without a shared folder) copies them into
    /// the database in the same transaction, so another machine can read them (localFile).
    std::vector<std::string> files;
    std::vector<std::string> removedFiles;
    std::optional<RunRecord> run;               // the run's row as it now is
};

class RunStore {
public:
    virtual ~RunStore() = default;

    /// Where it lives, for messages ("runs.sqlite").
    virtual std::string location() const = 0;
    /// The folder for this run's checkpoints and models (created on demand by the writer).
    virtual std::string runFolder(std::int64_t runId) const = 0;

    /// Inserts a run; returns its id (record.id is ignored).
    virtual Result<std::int64_t> createRun(const RunRecord& record) = 0;
    virtual Status updateRun(const RunRecord& record) = 0;
    virtual Status write(std::int64_t runId, const RunProgress& progress) = 0;
    virtual Result<RunRecord> run(std::int64_t runId) = 0;
    /// Every run, oldest first; sweepId > 0 keeps that sweep's runs.
    virtual Result<std::vector<RunRecord>> runs(std::int64_t sweepId = 0) = 0;
    virtual Result<std::vector<EpochRecord>> epochs(std::int64_t runId) = 0;
    virtual Result<std::vector<BatchRecord>> batches(std::int64_t runId) = 0;
    virtual Result<std::vector<OptionEdit>> edits(std::int64_t runId) = 0;
    /// Removes the run's rows (its metrics, edits, checkpoints rows). Its files are the caller's.
    virtual Status deleteRun(std::int64_t runId) = 0;
    /// Drops the metrics and checkpoint rows of epochs after `epoch` and the edits after `step`
    /// (a resume from that epoch's checkpoint writes them again).
    virtual Status truncateAfter(std::int64_t runId, int epoch, std::int64_t step) = 0;

    virtual Status addCheckpoint(std::int64_t runId, const CheckpointRecord& checkpoint) = 0;
    virtual Status removeCheckpoint(std::int64_t runId, int epoch) = 0;
    virtual Result<std::vector<CheckpointRecord>> checkpoints(std::int64_t runId) = 0;

    virtual Result<std::int64_t> createSweep(const SweepRecord& sweep) = 0;
    virtual Status updateSweep(const SweepRecord& sweep) = 0;
    virtual Result<SweepRecord> sweep(std::int64_t sweepId) = 0;
    virtual Result<std::vector<SweepRecord>> sweeps() = 0;

    /// Runs still marked running, paused or queued-and-claimed by a process of this host that no
    /// longer exists (killed, crashed, power cut) become interrupted; a worker's trial whose lease
    /// ran out goes back to the queue. Returns how many.
    virtual Result<int> markOrphansInterrupted() = 0;

    // --- Workers ---
    /// Atomically takes the oldest run queued for workers (of `sweepId`, or of any sweep when 0),
    /// or one whose worker's heartbeat is older than its lease: it becomes running, held by
    /// `worker`, with this lease. No run is ever held by two workers. nullopt: nothing to do.
    virtual Result<std::optional<RunRecord>> claimRun(std::int64_t sweepId, const std::string& worker,
                                                      double leaseSeconds) = 0;
    /// Renews `worker`'s hold on the run; false when it is no longer theirs (the lease ran out
    /// and another worker took it): the caller must stop training it.
    virtual Result<bool> heartbeat(std::int64_t runId, const std::string& worker) = 0;
    /// Gives the run back to the queue (a worker told to stop): the next claim resumes it.
    virtual Status releaseRun(std::int64_t runId, const std::string& worker) = 0;

    // --- Files ---
    /// The folder every worker writes run folders under: runFolder(id) = <shared>/run-<id>.
    /// Empty: a SQLite store keeps them beside its file; a PostgreSQL store keeps them in the
    /// database (and caches them locally).
    virtual Result<std::string> sharedFolder() = 0;
    virtual Status setSharedFolder(const std::string& folder) = 0;
    /// A local path holding the run's file that was recorded at `recordedPath` (on this or another
    /// machine): the path itself when it exists here, else a copy fetched from the database.
    virtual Result<std::string> localFile(std::int64_t runId, const std::string& recordedPath) = 0;
};

/// Opens (creating when absent) the store at a location: a path or sqlite:///path (SQLite), or
/// postgresql://user@host:port/db (PostgreSQL; the password from ~/.pgpass or a service file).
/// Errors name the store: not a database, a newer schema, a read-only folder, no server.
Result<std::unique_ptr<RunStore>> openRunStore(const std::string& location);
Result<std::unique_ptr<RunStore>> openSqliteRunStore(const std::string& path);
Result<std::unique_ptr<RunStore>> openPostgresRunStore(const std::string& url);
bool isPostgresUrl(const std::string& location);
/// The location with any password removed, for messages, settings and the window title.
std::string redactedStoreLocation(const std::string& location);
/// $TRAINING_STUDIO_STORE, else $XDG_DATA_HOME/training-studio/runs.sqlite, else
/// ~/.local/share/training-studio/runs.sqlite.
std::string defaultStorePath();

/// Colours for new runs, in order (Tableau 10).
std::string runColor(std::int64_t runId);
double unixNow();
std::string hostName();
/// A stored JSON value as the readers of both stores take it: text that does not parse (or nests
/// absurdly deep) reads as null; storedObject also reads anything but an object as {} (a run's
/// options, spec, dataset and final, a sweep's space and settings), so a store written by hand or
/// by something else never hands a view a record that throws when asked for a key.
nlohmann::json storedJson(const std::string& text);
nlohmann::json storedObject(const std::string& text);
/// What both stores do to a record they read: a field the readers take with a type (the dataset's
/// source, name and hash are text; a sweep's strategy is text and its rungs whole numbers) is
/// dropped, as if absent, when the store holds another type there.
void dropMistypedFields(RunRecord& run);
void dropMistypedFields(SweepRecord& sweep);
/// True while process `pid` runs on this host (a zombie — killed, not yet reaped — is not).
bool processAlive(std::int64_t pid);

}  // namespace studio
