#pragma once
// RunRecorder: writes one run's events and checkpoints into the run store on a thread of its
// own, so neither training nor the GUI ever waits on the disk (ARCHITECTURE.md "Runs").
//
//   consumer thread (CLI loop, GUI timer)     driver thread (epoch end)      writer thread
//   record(event) ─┐                           checkpoint(ptr) ─┐
//                  └──────────── pending (mutex) ◀──────────────┘ ──▶ every 250 ms or on demand:
//                                                  checkpoint files (atomic) → one transaction:
//                                                  batches, epochs, edits, checkpoint rows, run row
//                                                  → prune old checkpoint files
//
// A checkpoint row is written only with or after its epoch's metrics, so a kill at any moment
// leaves a store whose last checkpoint matches its last recorded epoch; at most the batches of
// the epoch in progress are lost.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/core/result.h"
#include "engine/infer/snapshot.h"
#include "engine/store/run_store.h"
#include "engine/train/checkpoint.h"
#include "engine/train/metrics.h"

namespace studio {

class RunRecorder {
public:
    /// Opens its own connection to the store at `storePath`; `run` is the run's row as created
    /// (RunStore::createRun), updated from here on. keepCheckpoints: the latest N are kept.
    static Result<std::unique_ptr<RunRecorder>> open(const std::string& storePath, RunRecord run,
                                                     int keepCheckpoints = 3);
    ~RunRecorder();  // close()
    RunRecorder(const RunRecorder&) = delete;
    RunRecorder& operator=(const RunRecorder&) = delete;

    /// Threads: the thread that drains the trainer's events. Never blocks on the disk.
    void record(const TrainingEvent& event);
    /// Threads: the trainer's driver thread (TrainingSetup::onCheckpoint). Never blocks on the disk.
    void checkpoint(CheckpointPtr checkpoint);
    /// The best model, written as <run folder>/best.tsmodel with the next flush.
    void saveBestModel(SnapshotPtr model);
    /// A status the training events do not carry: paused and running again (the studio's Pause),
    /// interrupted (the window closed mid-run), failed before it started.
    void setStatus(RunStatus status, const std::string& error = {});

    std::int64_t runId() const { return m_runId; }
    /// The run's row as last recorded (copied under the lock).
    RunRecord snapshot() const;
    /// Writes everything pending, stops the writer; the first write error since open(), if any.
    Status close();

private:
    RunRecorder(std::unique_ptr<RunStore> store, RunRecord run, int keepCheckpoints);
    void writerLoop();
    void flush(std::unique_lock<std::mutex>& lock);

    std::unique_ptr<RunStore> m_store;  // used on the writer thread only
    const std::int64_t m_runId;
    const int m_keepCheckpoints;
    const double m_wallBefore;  // wall seconds of earlier sessions of this run
    const double m_cpuAtStart;  // process CPU seconds when this session began

    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    RunRecord m_run;
    RunProgress m_pending;
    std::vector<CheckpointPtr> m_pendingCheckpoints;
    SnapshotPtr m_pendingModel;
    std::vector<CheckpointRecord> m_kept;  // checkpoints on disk, oldest first
    double m_sessionWall = 0;
    bool m_dirty = false;
    bool m_urgent = false;
    bool m_closing = false;
    std::optional<Error> m_error;
    std::thread m_thread;
};

/// Process CPU seconds (user + system) and peak resident bytes, from getrusage.
double processCpuSeconds();
std::int64_t peakResidentBytes();

}  // namespace studio
