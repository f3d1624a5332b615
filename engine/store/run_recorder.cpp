#include "engine/store/run_recorder.h"

#include <sys/resource.h>
#include <unistd.h>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/io/checkpoint_file.h"
#include "engine/io/model_file.h"

namespace studio {

namespace fs = std::filesystem;

namespace {

constexpr auto kFlushInterval = std::chrono::milliseconds(250);

nlohmann::json numberOrNull(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

std::string checkpointName(int epoch) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "epoch-%04d.tsckpt", epoch);
    return buf;
}

}  // namespace

double processCpuSeconds() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0.0;
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

std::int64_t peakResidentBytes() {
    rusage u{};
    if (getrusage(RUSAGE_SELF, &u) != 0) return 0;
    return static_cast<std::int64_t>(u.ru_maxrss) * 1024;
}

Result<std::unique_ptr<RunRecorder>> RunRecorder::open(const std::string& storePath, RunRecord run,
                                                       int keepCheckpoints) {
    auto store = openRunStore(storePath);
    if (!store) return store.error();
    auto kept = (*store)->checkpoints(run.id);
    if (!kept) return kept.error();
    std::unique_ptr<RunRecorder> r(new RunRecorder(std::move(*store), std::move(run), keepCheckpoints));
    r->m_kept = std::move(*kept);
    r->m_thread = std::thread([raw = r.get()] { raw->writerLoop(); });
    return r;
}

RunRecorder::RunRecorder(std::unique_ptr<RunStore> store, RunRecord run, int keepCheckpoints)
    : m_store(std::move(store)),
      m_runId(run.id),
      m_keepCheckpoints(std::max(1, keepCheckpoints)),
      m_wallBefore(std::isfinite(run.wallSeconds) ? run.wallSeconds : 0.0),
      m_cpuAtStart(processCpuSeconds() - (std::isfinite(run.cpuSeconds) ? run.cpuSeconds : 0.0)),
      m_run(std::move(run)) {
    m_run.host = hostName();
    m_run.pid = ::getpid();
}

RunRecorder::~RunRecorder() {
    (void)close();
}

void RunRecorder::record(const TrainingEvent& event) {
    std::lock_guard lock(m_mutex);
    bool urgent = false;
    if (const auto* e = std::get_if<RunStarted>(&event)) {
        m_run.status = RunStatus::Running;
        m_run.epochsPlanned = e->epochs;
        m_run.threads = e->threads;
        m_run.error.clear();
        urgent = true;
    } else if (const auto* e = std::get_if<BatchMetrics>(&event)) {
        m_pending.batches.push_back({e->step, e->epoch, e->loss, e->accuracy, e->learningRate});
        m_run.steps = e->step;
    } else if (const auto* e = std::get_if<EpochMetrics>(&event)) {
        m_pending.epochs.push_back({e->epoch, e->trainLoss, e->trainAccuracy, e->validationLoss, e->validationAccuracy,
                                    e->learningRate, e->seconds, e->samplesPerSecond});
        m_run.epochsDone = e->epoch;
        m_sessionWall += e->seconds;
        m_run.samplesPerSecond = e->samplesPerSecond;
        // The best epoch by the run's early-stopping metric (the latest without validation).
        const bool byAccuracy = m_run.options.value("early_metric", "val_loss") == "val_accuracy";
        const double value = byAccuracy ? e->validationAccuracy : e->validationLoss;
        const double best = byAccuracy ? m_run.bestValAccuracy : m_run.bestValLoss;
        if (m_run.bestEpoch == 0 || !std::isfinite(value) || !std::isfinite(best) ||
            (byAccuracy ? value > best : value < best)) {
            m_run.bestEpoch = e->epoch;
            m_run.bestValAccuracy = e->validationAccuracy;
            m_run.bestValLoss = e->validationLoss;
        }
        urgent = true;
    } else if (const auto* e = std::get_if<OptionChanged>(&event)) {
        m_pending.edits.push_back({e->step, e->key, e->value});
        urgent = true;
    } else if (const auto* e = std::get_if<TrainingAlert>(&event)) {
        // The doctor's alerts stay with the run (runs show, a later report); layer health, a
        // view of the moment, is not recorded.
        if (!m_run.final.is_object()) m_run.final = nlohmann::json::object();
        m_run.final["alerts"].push_back({{"kind", e->kind},
                                         {"epoch", e->epoch},
                                         {"step", e->step},
                                         {"layer", e->layer.empty() ? nlohmann::json() : nlohmann::json(e->layer)},
                                         {"message", e->message},
                                         {"suggestion", e->suggestion}});
        urgent = true;
    } else if (const auto* e = std::get_if<Finished>(&event)) {
        const nlohmann::json alerts = m_run.final.is_object() ? m_run.final.value("alerts", nlohmann::json()) : nlohmann::json();
        m_run.status = e->reason == Finished::Reason::Suspended ? RunStatus::Stopped : RunStatus::Finished;
        m_run.bestEpoch = e->bestEpoch;
        m_run.bestValAccuracy = e->validationAccuracy;
        m_run.bestValLoss = e->validationLoss;
        m_run.samplesPerSecond = e->trainSamplesPerSecond;
        m_run.final = {{"stop_reason", Finished::reasonText(e->reason)},
                       {"epochs", e->epochs},
                       {"best_epoch", e->bestEpoch},
                       {"val_accuracy", numberOrNull(e->validationAccuracy)},
                       {"val_loss", numberOrNull(e->validationLoss)},
                       {"test_accuracy", numberOrNull(e->testAccuracy)},
                       {"test_loss", numberOrNull(e->testLoss)},
                       {"test_size", e->testSize},
                       {"train_samples_per_s", e->trainSamplesPerSecond}};
        if (!alerts.is_null()) m_run.final["alerts"] = alerts;
        urgent = true;
    } else if (std::get_if<Stopped>(&event)) {
        m_run.status = RunStatus::Stopped;
        urgent = true;
    } else if (const auto* e = std::get_if<Failed>(&event)) {
        m_run.status = RunStatus::Failed;
        m_run.error = e->error.what();
        urgent = true;
    }
    m_dirty = true;
    if (urgent) {
        m_urgent = true;
        m_cv.notify_all();
    }
}

void RunRecorder::checkpoint(CheckpointPtr checkpoint) {
    std::lock_guard lock(m_mutex);
    m_pendingCheckpoints.push_back(std::move(checkpoint));
    m_dirty = true;
    m_urgent = true;
    m_cv.notify_all();
}

void RunRecorder::saveBestModel(SnapshotPtr model) {
    std::lock_guard lock(m_mutex);
    m_pendingModel = std::move(model);
    m_dirty = true;
    m_urgent = true;
    m_cv.notify_all();
}

void RunRecorder::setStatus(RunStatus status, const std::string& error) {
    std::lock_guard lock(m_mutex);
    m_run.status = status;
    if (!error.empty()) m_run.error = error;
    m_dirty = true;
    m_urgent = true;
    m_cv.notify_all();
}

RunRecord RunRecorder::snapshot() const {
    std::lock_guard lock(m_mutex);
    return m_run;
}

Status RunRecorder::close() {
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
        m_cv.notify_all();
    }
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    if (m_error) return *m_error;
    return Status::success();
}

void RunRecorder::writerLoop() {
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_cv.wait_for(lock, kFlushInterval, [this] { return m_closing || m_urgent; });
        m_urgent = false;
        if (m_dirty) flush(lock);
        if (m_closing) {
            if (m_dirty) flush(lock);
            return;
        }
    }
}

void RunRecorder::flush(std::unique_lock<std::mutex>& lock) {
    // Take what is pending; checkpoints wait for their epoch's metrics (see the header).
    RunProgress progress = std::move(m_pending);
    m_pending = {};
    std::vector<CheckpointPtr> checkpoints;
    for (auto it = m_pendingCheckpoints.begin(); it != m_pendingCheckpoints.end();) {
        if ((*it)->epoch <= m_run.epochsDone) {
            checkpoints.push_back(std::move(*it));
            it = m_pendingCheckpoints.erase(it);
        } else {
            ++it;
        }
    }
    SnapshotPtr model = std::move(m_pendingModel);
    m_pendingModel.reset();
    m_run.wallSeconds = m_wallBefore + m_sessionWall;
    m_run.cpuSeconds = processCpuSeconds() - m_cpuAtStart;
    m_run.peakRssBytes = std::max<std::int64_t>(m_run.peakRssBytes, peakResidentBytes());
    m_run.heartbeatAt = unixNow();
    m_dirty = false;
    lock.unlock();

    std::optional<Error> error;
    const std::string folder = m_store->runFolder(m_runId);
    std::error_code ec;
    if (!checkpoints.empty() || model) fs::create_directories(folder, ec);
    std::string bestModelPath;
    if (model) {
        const std::string path = (fs::path(folder) / "best.tsmodel").string();
        if (auto s = saveModelFile(path, *model); !s) {
            error = s.error();
        } else {
            bestModelPath = path;
            progress.files.push_back(path);
        }
    }
    int bestEpoch = 0;
    for (const CheckpointPtr& c : checkpoints) {
        const std::string path = (fs::path(folder) / checkpointName(c->epoch)).string();
        if (auto s = saveCheckpointFile(path, *c); !s) {
            error = s.error();
            continue;
        }
        progress.checkpoints.push_back({c->epoch, path, c->bestValue});
        progress.files.push_back(path);
        bestEpoch = c->bestEpoch;
    }
    // Keep the latest N and the best epoch's; the rest go (rows in this transaction, files after).
    std::vector<CheckpointRecord> kept = m_kept;
    for (const auto& c : progress.checkpoints) {
        std::erase_if(kept, [&](const CheckpointRecord& k) { return k.epoch == c.epoch; });
        kept.push_back(c);
    }
    if (!progress.checkpoints.empty()) {
        const int newest = kept.back().epoch;
        std::vector<CheckpointRecord> stay;
        for (const auto& k : kept) {
            if (k.epoch > newest - m_keepCheckpoints || k.epoch == bestEpoch)
                stay.push_back(k);
            else {
                progress.removedCheckpoints.push_back(k.epoch);
                progress.removedFiles.push_back(k.path);
            }
        }
        kept = std::move(stay);
    }

    lock.lock();
    if (!bestModelPath.empty()) m_run.bestModelPath = bestModelPath;
    progress.run = m_run;
    lock.unlock();
    if (auto s = m_store->write(m_runId, progress); !s) {
        error = s.error();
        // Not recorded: put the metrics back so the next flush tries again (a full disk may clear).
        lock.lock();
        m_pending.batches.insert(m_pending.batches.begin(), progress.batches.begin(), progress.batches.end());
        m_pending.epochs.insert(m_pending.epochs.begin(), progress.epochs.begin(), progress.epochs.end());
        m_pending.edits.insert(m_pending.edits.begin(), progress.edits.begin(), progress.edits.end());
        // The checkpoints and the best model too: their files are on disk but the store does not
        // list them, so a resume after this would start over, and the next flush writes them again.
        m_pendingCheckpoints.insert(m_pendingCheckpoints.begin(), checkpoints.begin(), checkpoints.end());
        if (model && !m_pendingModel) m_pendingModel = std::move(model);
        m_dirty = !m_closing;
        if (error && !m_error) m_error = error;
        return;
    }
    for (const std::string& path : progress.removedFiles) fs::remove(path, ec);
    lock.lock();
    m_kept = std::move(kept);
    if (error && !m_error) m_error = error;
}

}  // namespace studio
