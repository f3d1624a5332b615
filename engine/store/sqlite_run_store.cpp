// SqliteRunStore: the embedded run store. One file (WAL journal beside it), created on first use.
// A kill -9 at any moment leaves the last committed transaction: WAL with synchronous=NORMAL
// is durable against process crashes (only a power cut may lose the latest commits).

#include "engine/store/run_store.h"

#include <SQLiteCpp/SQLiteCpp.h>


#include <unistd.h>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

namespace studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr int kSchemaVersion = 2;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL, color TEXT NOT NULL, status TEXT NOT NULL,
  options TEXT NOT NULL, model TEXT NOT NULL, spec TEXT NOT NULL, dataset TEXT NOT NULL,
  parent_run INTEGER NOT NULL DEFAULT 0, parent_epoch INTEGER NOT NULL DEFAULT 0,
  sweep_id INTEGER NOT NULL DEFAULT 0,
  epochs_planned INTEGER NOT NULL DEFAULT 0, epochs_done INTEGER NOT NULL DEFAULT 0,
  steps INTEGER NOT NULL DEFAULT 0,
  wall_seconds REAL, cpu_seconds REAL, samples_per_s REAL, threads INTEGER, peak_rss INTEGER,
  best_epoch INTEGER, best_val_accuracy REAL, best_val_loss REAL,
  final TEXT NOT NULL DEFAULT '{}', best_model TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '', pid INTEGER NOT NULL DEFAULT 0,
  created_at REAL NOT NULL, heartbeat_at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs(sweep_id);
CREATE TABLE IF NOT EXISTS epochs (
  run_id INTEGER NOT NULL, epoch INTEGER NOT NULL,
  train_loss REAL, train_accuracy REAL, val_loss REAL, val_accuracy REAL,
  lr REAL, seconds REAL, samples_per_s REAL, PRIMARY KEY (run_id, epoch));
CREATE TABLE IF NOT EXISTS batches (
  run_id INTEGER NOT NULL, step INTEGER NOT NULL, epoch INTEGER NOT NULL,
  loss REAL, accuracy REAL, lr REAL, PRIMARY KEY (run_id, step));
CREATE TABLE IF NOT EXISTS edits (
  run_id INTEGER NOT NULL, step INTEGER NOT NULL, seq INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, seq));
CREATE TABLE IF NOT EXISTS checkpoints (
  run_id INTEGER NOT NULL, epoch INTEGER NOT NULL, path TEXT NOT NULL, metric REAL,
  PRIMARY KEY (run_id, epoch));
CREATE TABLE IF NOT EXISTS sweeps (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, space TEXT NOT NULL, settings TEXT NOT NULL,
  status TEXT NOT NULL, created_at REAL NOT NULL);
)sql";

// Version 2: runs queued for workers, with claims and leases; store settings (the shared folder).
const char* kSchemaV2 = R"sql(
ALTER TABLE runs ADD COLUMN for_workers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN worker TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN lease_seconds REAL NOT NULL DEFAULT 60;
ALTER TABLE runs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS runs_for_workers ON runs(for_workers, status);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
)sql";

void bindReal(SQLite::Statement& q, int index, double v) {
    if (std::isfinite(v))
        q.bind(index, v);
    else
        q.bind(index);  // NULL: SQLite has no NaN
}

double real(const SQLite::Column& c) {
    return c.isNull() ? kNaN : c.getDouble();
}

const char* kRunColumns =
    "id, name, color, status, options, model, spec, dataset, parent_run, parent_epoch, sweep_id, epochs_planned, "
    "epochs_done, steps, wall_seconds, cpu_seconds, samples_per_s, threads, peak_rss, best_epoch, best_val_accuracy, "
    "best_val_loss, final, best_model, error, host, pid, created_at, heartbeat_at, for_workers, worker, attempts";

RunRecord readRun(SQLite::Statement& q) {
    RunRecord r;
    r.id = q.getColumn(0).getInt64();
    r.name = q.getColumn(1).getString();
    r.color = q.getColumn(2).getString();
    r.status = runStatusFromText(q.getColumn(3).getString()).value_or(RunStatus::Interrupted);
    r.options = storedObject(q.getColumn(4).getString());
    r.model = q.getColumn(5).getString();
    r.spec = storedObject(q.getColumn(6).getString());
    r.dataset = storedObject(q.getColumn(7).getString());
    r.parentRun = q.getColumn(8).getInt64();
    r.parentEpoch = q.getColumn(9).getInt();
    r.sweepId = q.getColumn(10).getInt64();
    r.epochsPlanned = q.getColumn(11).getInt();
    r.epochsDone = q.getColumn(12).getInt();
    r.steps = q.getColumn(13).getInt64();
    r.wallSeconds = real(q.getColumn(14));
    r.cpuSeconds = real(q.getColumn(15));
    r.samplesPerSecond = real(q.getColumn(16));
    r.threads = q.getColumn(17).getInt();
    r.peakRssBytes = q.getColumn(18).getInt64();
    r.bestEpoch = q.getColumn(19).getInt();
    r.bestValAccuracy = real(q.getColumn(20));
    r.bestValLoss = real(q.getColumn(21));
    r.final = storedObject(q.getColumn(22).getString());
    r.bestModelPath = q.getColumn(23).getString();
    r.error = q.getColumn(24).getString();
    r.host = q.getColumn(25).getString();
    r.pid = q.getColumn(26).getInt64();
    r.createdAt = q.getColumn(27).getDouble();
    r.heartbeatAt = q.getColumn(28).getDouble();
    r.forWorkers = q.getColumn(29).getInt() != 0;
    r.worker = q.getColumn(30).getString();
    r.attempts = q.getColumn(31).getInt();
    dropMistypedFields(r);
    return r;
}

// Binds every column but id, in kRunColumns order from index 1.
void bindRun(SQLite::Statement& q, const RunRecord& r) {
    q.bind(1, r.name);
    q.bind(2, r.color);
    q.bind(3, runStatusText(r.status));
    q.bind(4, r.options.dump());
    q.bind(5, r.model);
    q.bind(6, r.spec.dump());
    q.bind(7, r.dataset.dump());
    q.bind(8, static_cast<std::int64_t>(r.parentRun));
    q.bind(9, r.parentEpoch);
    q.bind(10, static_cast<std::int64_t>(r.sweepId));
    q.bind(11, r.epochsPlanned);
    q.bind(12, r.epochsDone);
    q.bind(13, static_cast<std::int64_t>(r.steps));
    bindReal(q, 14, r.wallSeconds);
    bindReal(q, 15, r.cpuSeconds);
    bindReal(q, 16, r.samplesPerSecond);
    q.bind(17, r.threads);
    q.bind(18, static_cast<std::int64_t>(r.peakRssBytes));
    q.bind(19, r.bestEpoch);
    bindReal(q, 20, r.bestValAccuracy);
    bindReal(q, 21, r.bestValLoss);
    q.bind(22, r.final.dump());
    q.bind(23, r.bestModelPath);
    q.bind(24, r.error);
    q.bind(25, r.host);
    q.bind(26, static_cast<std::int64_t>(r.pid));
    q.bind(27, r.createdAt);
    q.bind(28, r.heartbeatAt);
}

class SqliteRunStore final : public RunStore {
public:
    SqliteRunStore(std::string path, std::unique_ptr<SQLite::Database> db)
        : m_path(std::move(path)), m_db(std::move(db)) {
        SQLite::Statement q(*m_db, "SELECT value FROM settings WHERE key = 'shared_folder'");
        if (q.executeStep()) m_shared = q.getColumn(0).getString();
    }

    std::string location() const override { return m_path; }
    std::string runFolder(std::int64_t runId) const override {
        const fs::path root = m_shared.empty()
                                  ? fs::path(m_path).parent_path() / (fs::path(m_path).stem().string() + ".runs")
                                  : fs::path(m_shared);
        return (root / ("run-" + std::to_string(runId))).string();
    }

    Result<std::int64_t> createRun(const RunRecord& record) override {
        return guarded("record a new run", [&]() -> Result<std::int64_t> {
            SQLite::Statement q(
                *m_db,
                "INSERT INTO runs (name, color, status, options, model, spec, dataset, parent_run, "
                "parent_epoch, sweep_id, epochs_planned, epochs_done, steps, wall_seconds, cpu_seconds, "
                "samples_per_s, threads, peak_rss, best_epoch, best_val_accuracy, best_val_loss, final, "
                "best_model, error, host, pid, created_at, heartbeat_at, for_workers) VALUES "
                "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            bindRun(q, record);
            q.bind(29, record.forWorkers ? 1 : 0);
            q.exec();
            return static_cast<std::int64_t>(m_db->getLastInsertRowid());
        });
    }

    Status updateRun(const RunRecord& record) override {
        return guarded("update run " + std::to_string(record.id), [&]() -> Status {
            updateRow(record);
            return Status::success();
        });
    }

    Status write(std::int64_t runId, const RunProgress& p) override {
        return guarded("record the progress of run " + std::to_string(runId), [&]() -> Status {
            SQLite::Transaction t(*m_db);
            if (!p.batches.empty()) {
                SQLite::Statement q(*m_db,
                                    "INSERT OR REPLACE INTO batches (run_id, step, epoch, loss, accuracy, lr) "
                                    "VALUES (?,?,?,?,?,?)");
                for (const BatchRecord& b : p.batches) {
                    q.bind(1, static_cast<std::int64_t>(runId));
                    q.bind(2, static_cast<std::int64_t>(b.step));
                    q.bind(3, b.epoch);
                    bindReal(q, 4, b.loss);
                    bindReal(q, 5, b.accuracy);
                    bindReal(q, 6, b.learningRate);
                    q.exec();
                    q.reset();
                }
            }
            if (!p.epochs.empty()) {
                SQLite::Statement q(*m_db,
                                    "INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_accuracy, "
                                    "val_loss, val_accuracy, lr, seconds, samples_per_s) VALUES (?,?,?,?,?,?,?,?,?)");
                for (const EpochRecord& e : p.epochs) {
                    q.bind(1, static_cast<std::int64_t>(runId));
                    q.bind(2, e.epoch);
                    bindReal(q, 3, e.trainLoss);
                    bindReal(q, 4, e.trainAccuracy);
                    bindReal(q, 5, e.valLoss);
                    bindReal(q, 6, e.valAccuracy);
                    bindReal(q, 7, e.learningRate);
                    bindReal(q, 8, e.seconds);
                    bindReal(q, 9, e.samplesPerSecond);
                    q.exec();
                    q.reset();
                }
            }
            if (!p.edits.empty()) {
                SQLite::Statement next(*m_db, "SELECT COALESCE(MAX(seq), 0) FROM edits WHERE run_id = ?");
                next.bind(1, static_cast<std::int64_t>(runId));
                next.executeStep();
                std::int64_t seq = next.getColumn(0).getInt64();
                SQLite::Statement q(*m_db, "INSERT INTO edits (run_id, step, seq, key, value) VALUES (?,?,?,?,?)");
                for (const OptionEdit& e : p.edits) {
                    q.bind(1, static_cast<std::int64_t>(runId));
                    q.bind(2, static_cast<std::int64_t>(e.step));
                    q.bind(3, static_cast<std::int64_t>(++seq));
                    q.bind(4, e.key);
                    q.bind(5, e.value.dump());
                    q.exec();
                    q.reset();
                }
            }
            for (const CheckpointRecord& c : p.checkpoints) insertCheckpoint(runId, c);
            for (int epoch : p.removedCheckpoints) deleteCheckpoint(runId, epoch);
            if (p.run) updateRow(*p.run);
            t.commit();
            return Status::success();
        });
    }

    Result<RunRecord> run(std::int64_t runId) override {
        return guarded("read run " + std::to_string(runId), [&]() -> Result<RunRecord> {
            SQLite::Statement q(*m_db, std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = ?");
            q.bind(1, static_cast<std::int64_t>(runId));
            if (!q.executeStep())
                return Error::notFound("There is no run " + std::to_string(runId) + " in " + m_path + ".",
                                       "List the runs with `training-studio-cli runs list --store " + m_path + "`.");
            return readRun(q);
        });
    }

    Result<std::vector<RunRecord>> runs(std::int64_t sweepId) override {
        return guarded("list the runs", [&]() -> Result<std::vector<RunRecord>> {
            SQLite::Statement q(*m_db, std::string("SELECT ") + kRunColumns + " FROM runs" +
                                           (sweepId > 0 ? " WHERE sweep_id = ?" : "") + " ORDER BY id");
            if (sweepId > 0) q.bind(1, static_cast<std::int64_t>(sweepId));
            std::vector<RunRecord> out;
            while (q.executeStep()) out.push_back(readRun(q));
            return out;
        });
    }

    Result<std::vector<EpochRecord>> epochs(std::int64_t runId) override {
        return guarded("read the epochs of run " + std::to_string(runId), [&]() -> Result<std::vector<EpochRecord>> {
            SQLite::Statement q(*m_db,
                                "SELECT epoch, train_loss, train_accuracy, val_loss, val_accuracy, lr, seconds, "
                                "samples_per_s FROM epochs WHERE run_id = ? ORDER BY epoch");
            q.bind(1, static_cast<std::int64_t>(runId));
            std::vector<EpochRecord> out;
            while (q.executeStep())
                out.push_back({q.getColumn(0).getInt(), real(q.getColumn(1)), real(q.getColumn(2)),
                               real(q.getColumn(3)), real(q.getColumn(4)), real(q.getColumn(5)), real(q.getColumn(6)),
                               real(q.getColumn(7))});
            return out;
        });
    }

    Result<std::vector<BatchRecord>> batches(std::int64_t runId) override {
        return guarded("read the batches of run " + std::to_string(runId), [&]() -> Result<std::vector<BatchRecord>> {
            SQLite::Statement q(*m_db,
                                "SELECT step, epoch, loss, accuracy, lr FROM batches WHERE run_id = ? ORDER BY step");
            q.bind(1, static_cast<std::int64_t>(runId));
            std::vector<BatchRecord> out;
            while (q.executeStep())
                out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getInt(), real(q.getColumn(2)),
                               real(q.getColumn(3)), real(q.getColumn(4))});
            return out;
        });
    }

    Result<std::vector<OptionEdit>> edits(std::int64_t runId) override {
        return guarded("read the edits of run " + std::to_string(runId), [&]() -> Result<std::vector<OptionEdit>> {
            SQLite::Statement q(*m_db, "SELECT step, key, value FROM edits WHERE run_id = ? ORDER BY seq");
            q.bind(1, static_cast<std::int64_t>(runId));
            std::vector<OptionEdit> out;
            while (q.executeStep())
                out.push_back(
                    {q.getColumn(0).getInt64(), q.getColumn(1).getString(), storedJson(q.getColumn(2).getString())});
            return out;
        });
    }

    Status deleteRun(std::int64_t runId) override {
        return guarded("delete run " + std::to_string(runId), [&]() -> Status {
            SQLite::Transaction t(*m_db);
            for (const char* table : {"batches", "epochs", "edits", "checkpoints"}) {
                SQLite::Statement q(*m_db, std::string("DELETE FROM ") + table + " WHERE run_id = ?");
                q.bind(1, static_cast<std::int64_t>(runId));
                q.exec();
            }
            SQLite::Statement q(*m_db, "DELETE FROM runs WHERE id = ?");
            q.bind(1, static_cast<std::int64_t>(runId));
            q.exec();
            t.commit();
            return Status::success();
        });
    }

    Status truncateAfter(std::int64_t runId, int epoch, std::int64_t step) override {
        return guarded("rewind run " + std::to_string(runId), [&]() -> Status {
            SQLite::Transaction t(*m_db);
            for (const char* table : {"batches", "epochs", "checkpoints"}) {
                SQLite::Statement q(*m_db, std::string("DELETE FROM ") + table + " WHERE run_id = ? AND epoch > ?");
                q.bind(1, static_cast<std::int64_t>(runId));
                q.bind(2, epoch);
                q.exec();
            }
            SQLite::Statement q(*m_db, "DELETE FROM edits WHERE run_id = ? AND step >= ?");
            q.bind(1, static_cast<std::int64_t>(runId));
            q.bind(2, static_cast<std::int64_t>(step));
            q.exec();
            t.commit();
            return Status::success();
        });
    }

    Status addCheckpoint(std::int64_t runId, const CheckpointRecord& c) override {
        return guarded("record a checkpoint of run " + std::to_string(runId), [&]() -> Status {
            insertCheckpoint(runId, c);
            return Status::success();
        });
    }

    Status removeCheckpoint(std::int64_t runId, int epoch) override {
        return guarded("forget a checkpoint of run " + std::to_string(runId), [&]() -> Status {
            deleteCheckpoint(runId, epoch);
            return Status::success();
        });
    }

    Result<std::vector<CheckpointRecord>> checkpoints(std::int64_t runId) override {
        return guarded(
            "list the checkpoints of run " + std::to_string(runId), [&]() -> Result<std::vector<CheckpointRecord>> {
                SQLite::Statement q(*m_db,
                                    "SELECT epoch, path, metric FROM checkpoints WHERE run_id = ? ORDER BY epoch");
                q.bind(1, static_cast<std::int64_t>(runId));
                std::vector<CheckpointRecord> out;
                while (q.executeStep())
                    out.push_back({q.getColumn(0).getInt(), q.getColumn(1).getString(), real(q.getColumn(2))});
                return out;
            });
    }

    Result<std::int64_t> createSweep(const SweepRecord& s) override {
        return guarded("record a sweep", [&]() -> Result<std::int64_t> {
            SQLite::Statement q(*m_db,
                                "INSERT INTO sweeps (name, space, settings, status, created_at) VALUES (?,?,?,?,?)");
            q.bind(1, s.name);
            q.bind(2, s.space.dump());
            q.bind(3, s.settings.dump());
            q.bind(4, s.status);
            q.bind(5, s.createdAt);
            q.exec();
            return static_cast<std::int64_t>(m_db->getLastInsertRowid());
        });
    }

    Status updateSweep(const SweepRecord& s) override {
        return guarded("update sweep " + std::to_string(s.id), [&]() -> Status {
            SQLite::Statement q(*m_db, "UPDATE sweeps SET name = ?, space = ?, settings = ?, status = ? WHERE id = ?");
            q.bind(1, s.name);
            q.bind(2, s.space.dump());
            q.bind(3, s.settings.dump());
            q.bind(4, s.status);
            q.bind(5, static_cast<std::int64_t>(s.id));
            q.exec();
            return Status::success();
        });
    }

    Result<SweepRecord> sweep(std::int64_t sweepId) override {
        return guarded("read sweep " + std::to_string(sweepId), [&]() -> Result<SweepRecord> {
            SQLite::Statement q(*m_db, "SELECT id, name, space, settings, status, created_at FROM sweeps WHERE id = ?");
            q.bind(1, static_cast<std::int64_t>(sweepId));
            if (!q.executeStep())
                return Error::notFound("There is no sweep " + std::to_string(sweepId) + " in " + m_path + ".",
                                       "List the runs with `training-studio-cli runs list --store " + m_path + "`.");
            return readSweep(q);
        });
    }

    Result<std::vector<SweepRecord>> sweeps() override {
        return guarded("list the sweeps", [&]() -> Result<std::vector<SweepRecord>> {
            SQLite::Statement q(*m_db, "SELECT id, name, space, settings, status, created_at FROM sweeps ORDER BY id");
            std::vector<SweepRecord> out;
            while (q.executeStep()) out.push_back(readSweep(q));
            return out;
        });
    }

    Result<int> markOrphansInterrupted() override {
        return guarded("check for interrupted runs", [&]() -> Result<int> {
            const std::string host = hostName();
            std::vector<std::int64_t> orphans;
            {
                SQLite::Statement q(*m_db,
                                    "SELECT id, pid FROM runs WHERE status IN ('running', 'paused') AND host = ? "
                                    "AND for_workers = 0");
                q.bind(1, host);
                while (q.executeStep()) {
                    if (!processAlive(q.getColumn(1).getInt64())) orphans.push_back(q.getColumn(0).getInt64());
                }
            }
            for (std::int64_t id : orphans) {
                SQLite::Statement q(*m_db, "UPDATE runs SET status = 'interrupted' WHERE id = ?");
                q.bind(1, static_cast<std::int64_t>(id));
                q.exec();
            }
            // A worker's trial whose lease ran out is back in the queue (the next claim resumes it).
            SQLite::Statement expired(*m_db,
                                      "UPDATE runs SET status = 'queued', worker = '' WHERE for_workers = 1 AND "
                                      "status IN ('running', 'paused') AND heartbeat_at < ? - lease_seconds");
            expired.bind(1, unixNow());
            return static_cast<int>(orphans.size()) + expired.exec();
        });
    }

    Result<std::optional<RunRecord>> claimRun(std::int64_t sweepId, const std::string& worker,
                                              double leaseSeconds) override {
        return guarded("claim a queued run", [&]() -> Result<std::optional<RunRecord>> {
            // IMMEDIATE: the write lock first, so two workers never pick the same row.
            SQLite::Transaction t(*m_db, SQLite::TransactionBehavior::IMMEDIATE);
            const double now = unixNow();
            SQLite::Statement pick(*m_db,
                                   "SELECT id FROM runs WHERE for_workers = 1 AND (? = 0 OR sweep_id = ?) AND "
                                   "(status = 'queued' OR (status IN ('running', 'paused') AND "
                                   "heartbeat_at < ? - lease_seconds)) ORDER BY id LIMIT 1");
            pick.bind(1, static_cast<std::int64_t>(sweepId));
            pick.bind(2, static_cast<std::int64_t>(sweepId));
            pick.bind(3, now);
            if (!pick.executeStep()) return std::optional<RunRecord>();
            const std::int64_t id = pick.getColumn(0).getInt64();
            SQLite::Statement q(*m_db,
                                "UPDATE runs SET status = 'running', worker = ?, host = ?, pid = ?, heartbeat_at = ?, "
                                "lease_seconds = ?, attempts = attempts + 1 WHERE id = ?");
            q.bind(1, worker);
            q.bind(2, hostName());
            q.bind(3, static_cast<std::int64_t>(::getpid()));
            q.bind(4, now);
            q.bind(5, leaseSeconds);
            q.bind(6, static_cast<std::int64_t>(id));
            q.exec();
            t.commit();
            auto r = run(id);
            if (!r) return r.error();
            return std::optional<RunRecord>(std::move(*r));
        });
    }

    Result<bool> heartbeat(std::int64_t runId, const std::string& worker) override {
        return guarded("renew the lease of run " + std::to_string(runId), [&]() -> Result<bool> {
            SQLite::Statement q(*m_db, "UPDATE runs SET heartbeat_at = ? WHERE id = ? AND worker = ?");
            q.bind(1, unixNow());
            q.bind(2, static_cast<std::int64_t>(runId));
            q.bind(3, worker);
            return q.exec() == 1;
        });
    }

    Status releaseRun(std::int64_t runId, const std::string& worker) override {
        return guarded("give run " + std::to_string(runId) + " back to the queue", [&]() -> Status {
            SQLite::Statement q(*m_db, "UPDATE runs SET status = 'queued', worker = '' WHERE id = ? AND worker = ?");
            q.bind(1, static_cast<std::int64_t>(runId));
            q.bind(2, worker);
            q.exec();
            return Status::success();
        });
    }

    Result<std::string> sharedFolder() override { return m_shared; }

    Status setSharedFolder(const std::string& folder) override {
        return guarded("set the shared folder", [&]() -> Status {
            SQLite::Statement q(*m_db, "INSERT OR REPLACE INTO settings (key, value) VALUES ('shared_folder', ?)");
            q.bind(1, folder);
            q.exec();
            m_shared = folder;
            return Status::success();
        });
    }

    Result<std::string> localFile(std::int64_t runId, const std::string& recordedPath) override {
        std::error_code ec;
        if (fs::exists(recordedPath, ec)) return recordedPath;
        return Error::notFound("The file " + recordedPath + " of run " + std::to_string(runId) + " is missing.",
                               "It was deleted or moved; resume from another checkpoint, or start a new run.");
    }

private:
    static SweepRecord readSweep(SQLite::Statement& q) {
        SweepRecord s;
        s.id = q.getColumn(0).getInt64();
        s.name = q.getColumn(1).getString();
        s.space = storedObject(q.getColumn(2).getString());
        s.settings = storedObject(q.getColumn(3).getString());
        s.status = q.getColumn(4).getString();
        s.createdAt = q.getColumn(5).getDouble();
        dropMistypedFields(s);
        return s;
    }

    void insertCheckpoint(std::int64_t runId, const CheckpointRecord& c) {
        SQLite::Statement q(*m_db, "INSERT OR REPLACE INTO checkpoints (run_id, epoch, path, metric) VALUES (?,?,?,?)");
        q.bind(1, static_cast<std::int64_t>(runId));
        q.bind(2, c.epoch);
        q.bind(3, c.path);
        bindReal(q, 4, c.metric);
        q.exec();
    }

    void deleteCheckpoint(std::int64_t runId, int epoch) {
        SQLite::Statement q(*m_db, "DELETE FROM checkpoints WHERE run_id = ? AND epoch = ?");
        q.bind(1, static_cast<std::int64_t>(runId));
        q.bind(2, epoch);
        q.exec();
    }

    void updateRow(const RunRecord& r) {
        SQLite::Statement q(*m_db,
                            "UPDATE runs SET name=?, color=?, status=?, options=?, model=?, spec=?, dataset=?, "
                            "parent_run=?, parent_epoch=?, sweep_id=?, epochs_planned=?, epochs_done=?, steps=?, "
                            "wall_seconds=?, cpu_seconds=?, samples_per_s=?, threads=?, peak_rss=?, best_epoch=?, "
                            "best_val_accuracy=?, best_val_loss=?, final=?, best_model=?, error=?, host=?, pid=?, "
                            "created_at=?, heartbeat_at=? WHERE id=?");
        bindRun(q, r);
        q.bind(29, static_cast<std::int64_t>(r.id));
        q.exec();
    }

    // SQLite reports failures as exceptions; here they become Errors naming the store.
    template <typename F>
    auto guarded(const std::string& what, F&& f) -> decltype(f()) {
        try {
            return f();
        } catch (const std::exception& e) {
            return storeError(m_path, what, e.what());
        }
    }

public:
    static Error storeError(const std::string& path, const std::string& what, const std::string& why) {
        std::string hint = "Check that the file is a Training Studio run store and that its folder is writable.";
        if (why.find("full") != std::string::npos) hint = "Free some disk space, then try again.";
        if (why.find("readonly") != std::string::npos || why.find("read-only") != std::string::npos ||
            why.find("unable to open") != std::string::npos)
            hint = "Choose a store in a folder you can write to (--store PATH).";
        if (why.find("not a database") != std::string::npos)
            hint = "This file is not a run store: choose another path with --store.";
        if (why.find("locked") != std::string::npos || why.find("busy") != std::string::npos)
            hint = "Another program holds the store; try again in a moment.";
        return Error::io("Could not " + what + " in the run store " + path + ": " + why + ".", hint);
    }

private:
    std::string m_path;
    std::unique_ptr<SQLite::Database> m_db;
    std::string m_shared;
};

}  // namespace

Result<std::unique_ptr<RunStore>> openSqliteRunStore(const std::string& path) {
    try {
        const fs::path p(path);
        if (p.has_parent_path()) {
            std::error_code ec;
            fs::create_directories(p.parent_path(), ec);
        }
        auto db = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db->setBusyTimeout(10000);
        const int version = db->execAndGet("PRAGMA user_version").getInt();  // reads the header: "not a database" here
        if (version > kSchemaVersion)
            return Error::invalid("The run store " + path + " was written by a newer Training Studio (schema " +
                                      std::to_string(version) + "; this one reads up to " +
                                      std::to_string(kSchemaVersion) + ").",
                                  "Open it with the newer version, or choose another store with --store.");
        db->exec("PRAGMA journal_mode = WAL");
        db->exec("PRAGMA synchronous = NORMAL");
        db->exec("PRAGMA foreign_keys = ON");
        if (version < kSchemaVersion) {
            // IMMEDIATE: of two processes creating the store at once, the second waits and
            // then finds the schema in place.
            SQLite::Transaction t(*db, SQLite::TransactionBehavior::IMMEDIATE);
            const int now = db->execAndGet("PRAGMA user_version").getInt();
            if (now < 1) db->exec(kSchema);
            if (now < 2) db->exec(kSchemaV2);
            db->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
            t.commit();
        }
        return std::unique_ptr<RunStore>(std::make_unique<SqliteRunStore>(path, std::move(db)));
    } catch (const std::exception& e) {
        return SqliteRunStore::storeError(path, "open", e.what());
    }
}

}  // namespace studio
