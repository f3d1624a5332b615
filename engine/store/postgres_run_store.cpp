// PostgresRunStore: the run store on a PostgreSQL server, for sweeps whose trials run on several
// machines (`training-studio-cli worker`). The same tables as the SQLite store.
//
// Claims: SELECT … FOR UPDATE SKIP LOCKED picks a queued run (or one whose lease ran out), so
// no run is taken by two workers. Heartbeats and leases use the server's clock, never a
// worker's, so machines whose clocks differ still agree on who holds what.
//
// Files: with a shared folder (settings.shared_folder, a path every worker reaches) run folders
// live there; without one, each checkpoint and best model is copied into `files` (bytea) in the
// transaction that records it, and fetched into a local cache on the machine that needs it.
//
// Connecting, the schema, retries after a lost connection and error wording: PostgresConnection.

#include "engine/store/run_store.h"

#include <pqxx/pqxx>

#include <unistd.h>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>

#include "engine/io/atomic_file.h"
#include "engine/store/postgres_connection.h"

namespace studio {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const char* kNow = "extract(epoch from clock_timestamp())::double precision";

const char* kRunColumns =
    "id, name, color, status, options, model, spec, dataset, parent_run, parent_epoch, sweep_id, epochs_planned, "
    "epochs_done, steps, wall_seconds, cpu_seconds, samples_per_s, threads, peak_rss, best_epoch, best_val_accuracy, "
    "best_val_loss, final, best_model, error, host, pid, created_at, heartbeat_at, for_workers, worker, attempts";

std::optional<double> num(double v) {
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;  // NULL: as in SQLite
}

double real(const pqxx::field& f) {
    return f.is_null() ? kNaN : f.as<double>();
}
long long integer(const pqxx::field& f) {
    return f.is_null() ? 0 : f.as<long long>();
}
std::string text(const pqxx::field& f) {
    return f.is_null() ? std::string() : f.as<std::string>();
}

RunRecord readRun(const pqxx::row& q) {
    RunRecord r;
    r.id = integer(q[0]);
    r.name = text(q[1]);
    r.color = text(q[2]);
    r.status = runStatusFromText(text(q[3])).value_or(RunStatus::Interrupted);
    r.options = storedObject(text(q[4]));
    r.model = text(q[5]);
    r.spec = storedObject(text(q[6]));
    r.dataset = storedObject(text(q[7]));
    r.parentRun = integer(q[8]);
    r.parentEpoch = static_cast<int>(integer(q[9]));
    r.sweepId = integer(q[10]);
    r.epochsPlanned = static_cast<int>(integer(q[11]));
    r.epochsDone = static_cast<int>(integer(q[12]));
    r.steps = integer(q[13]);
    r.wallSeconds = real(q[14]);
    r.cpuSeconds = real(q[15]);
    r.samplesPerSecond = real(q[16]);
    r.threads = static_cast<int>(integer(q[17]));
    r.peakRssBytes = integer(q[18]);
    r.bestEpoch = static_cast<int>(integer(q[19]));
    r.bestValAccuracy = real(q[20]);
    r.bestValLoss = real(q[21]);
    r.final = storedObject(text(q[22]));
    r.bestModelPath = text(q[23]);
    r.error = text(q[24]);
    r.host = text(q[25]);
    r.pid = integer(q[26]);
    r.createdAt = real(q[27]);
    r.heartbeatAt = real(q[28]);
    r.forWorkers = integer(q[29]) != 0;
    r.worker = text(q[30]);
    r.attempts = static_cast<int>(integer(q[31]));
    dropMistypedFields(r);
    return r;
}

SweepRecord readSweep(const pqxx::row& q) {
    SweepRecord s;
    s.id = integer(q[0]);
    s.name = text(q[1]);
    s.space = storedObject(text(q[2]));
    s.settings = storedObject(text(q[3]));
    s.status = text(q[4]);
    s.createdAt = real(q[5]);
    dropMistypedFields(s);
    return s;
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

std::string unhex(const std::string& text) {
    auto value = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
    std::string out(text.size() / 2, '\0');
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<char>(value(text[2 * i]) * 16 + value(text[2 * i + 1]));
    return out;
}

Result<std::string> readWholeFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::io("Could not read " + path + ".", "Check that the run folder is readable.");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A local cache folder per database for files kept in it: ~/.cache/training-studio/<server_db>.
fs::path cacheFolder(const std::string& url) {
    fs::path base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".cache";
    else
        base = fs::temp_directory_path();
    std::string id = redactedStoreLocation(url);
    id = id.substr(id.find("://") + 3);
    for (char& c : id)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') c = '_';
    return base / "training-studio" / "postgresql" / id;
}

class PostgresRunStore final : public RunStore {
public:
    explicit PostgresRunStore(std::unique_ptr<PostgresConnection> db)
        : m_db(std::move(db)), m_url(m_db->url()), m_shown(m_db->shown()) {
        auto shared = m_db->run("read the shared folder", [](pqxx::connection& db) -> Result<std::string> {
            pqxx::read_transaction t(db);
            auto r = t.exec("SELECT value FROM settings WHERE key = 'shared_folder'");
            return r.empty() ? std::string() : text(r[0][0]);
        });
        if (shared) m_shared = *shared;
    }

    std::string location() const override { return m_shown; }
    std::string runFolder(std::int64_t runId) const override {
        const fs::path root = m_shared.empty() ? cacheFolder(m_url) : fs::path(m_shared);
        return (root / ("run-" + std::to_string(runId))).string();
    }

    Result<std::int64_t> createRun(const RunRecord& r) override {
        return m_db->run("record a new run", [&](pqxx::connection& db) -> Result<std::int64_t> {
            // A row with the columns only an insert sets, then every other column as updateRun
            // writes it: one list of the run's columns, in one transaction.
            pqxx::work t(db);
            auto row = t.exec_params1(
                "INSERT INTO runs (name, color, status, options, model, spec, dataset, created_at, heartbeat_at, "
                "for_workers) VALUES ('', '', 'queued', '{}', '', '{}', '{}', 0, 0, $1) RETURNING id",
                r.forWorkers ? 1 : 0);
            RunRecord stored = r;
            stored.id = integer(row[0]);
            updateRow(t, stored);
            t.commit();
            return static_cast<std::int64_t>(stored.id);
        });
    }

    Status updateRun(const RunRecord& record) override {
        return m_db->run("update run " + std::to_string(record.id), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            updateRow(t, record);
            t.commit();
            return Status::success();
        });
    }

    Status write(std::int64_t runId, const RunProgress& p) override {
        // Files are read before the transaction: a retry after a lost connection reads them again.
        std::vector<std::pair<std::string, std::string>> files;  // name, hex bytes
        if (m_shared.empty())
            for (const std::string& path : p.files) {
                auto bytes = readWholeFile(path);
                if (!bytes) return bytes.error();
                files.emplace_back(fs::path(path).filename().string(), hex(*bytes));
            }
        return m_db->run("record the progress of run " + std::to_string(runId), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            const long long id = runId;
            // The batches as five arrays unnested server-side: one short statement however many
            // rows (a VALUES list of 844 rows costs the server 3× more to parse and plan).
            if (!p.batches.empty()) {
                std::string steps = "{", epochs = "{", losses = "{", accuracies = "{", rates = "{";
                for (std::size_t i = 0; i < p.batches.size(); ++i) {
                    const BatchRecord& b = p.batches[i];
                    const char* sep = i ? "," : "";
                    steps.append(sep).append(std::to_string(b.step));
                    epochs.append(sep).append(std::to_string(b.epoch));
                    losses.append(sep).append(literal(b.loss));
                    accuracies.append(sep).append(literal(b.accuracy));
                    rates.append(sep).append(literal(b.learningRate));
                }
                for (std::string* a : {&steps, &epochs, &losses, &accuracies, &rates}) a->push_back('}');
                t.exec_params0(
                    "INSERT INTO batches (run_id, step, epoch, loss, accuracy, lr) SELECT $1, * FROM "
                    "unnest($2::bigint[], $3::int[], $4::float8[], $5::float8[], $6::float8[]) "
                    "ON CONFLICT (run_id, step) DO UPDATE SET epoch = EXCLUDED.epoch, loss = EXCLUDED.loss, "
                    "accuracy = EXCLUDED.accuracy, lr = EXCLUDED.lr",
                    id, steps, epochs, losses, accuracies, rates);
            }
            for (const EpochRecord& e : p.epochs)
                t.exec_params0(
                    "INSERT INTO epochs (run_id, epoch, train_loss, train_accuracy, val_loss, val_accuracy, lr, "
                    "seconds, samples_per_s) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (run_id, epoch) DO UPDATE "
                    "SET train_loss = EXCLUDED.train_loss, train_accuracy = EXCLUDED.train_accuracy, val_loss = "
                    "EXCLUDED.val_loss, val_accuracy = EXCLUDED.val_accuracy, lr = EXCLUDED.lr, seconds = "
                    "EXCLUDED.seconds, samples_per_s = EXCLUDED.samples_per_s",
                    id, e.epoch, num(e.trainLoss), num(e.trainAccuracy), num(e.valLoss), num(e.valAccuracy),
                    num(e.learningRate), num(e.seconds), num(e.samplesPerSecond));
            if (!p.edits.empty()) {
                long long seq =
                    integer(t.exec_params1("SELECT COALESCE(MAX(seq), 0) FROM edits WHERE run_id = $1", id)[0]);
                for (const OptionEdit& e : p.edits)
                    t.exec_params0("INSERT INTO edits (run_id, step, seq, key, value) VALUES ($1,$2,$3,$4,$5)", id,
                                   static_cast<long long>(e.step), ++seq, e.key, e.value.dump());
            }
            for (const CheckpointRecord& c : p.checkpoints) insertCheckpoint(t, runId, c);
            for (int epoch : p.removedCheckpoints)
                t.exec_params0("DELETE FROM checkpoints WHERE run_id = $1 AND epoch = $2", id, epoch);
            for (const auto& [name, bytes] : files)
                t.exec_params0(
                    "INSERT INTO files (run_id, name, data) VALUES ($1, $2, decode($3, 'hex')) "
                    "ON CONFLICT (run_id, name) DO UPDATE SET data = EXCLUDED.data",
                    id, name, bytes);
            if (m_shared.empty())
                for (const std::string& path : p.removedFiles)
                    t.exec_params0("DELETE FROM files WHERE run_id = $1 AND name = $2", id,
                                   fs::path(path).filename().string());
            if (p.run) updateRow(t, *p.run);
            t.commit();
            return Status::success();
        });
    }

    Result<RunRecord> run(std::int64_t runId) override {
        return m_db->run("read run " + std::to_string(runId), [&](pqxx::connection& db) -> Result<RunRecord> {
            pqxx::read_transaction t(db);
            auto r = t.exec_params(std::string("SELECT ") + kRunColumns + " FROM runs WHERE id = $1",
                                   static_cast<long long>(runId));
            if (r.empty())
                return Error::notFound("There is no run " + std::to_string(runId) + " in " + m_shown + ".",
                                       "List the runs with `training-studio-cli runs list --store " + m_shown + "`.");
            return readRun(r[0]);
        });
    }

    Result<std::vector<RunRecord>> runs(std::int64_t sweepId) override {
        return m_db->run("list the runs", [&](pqxx::connection& db) -> Result<std::vector<RunRecord>> {
            pqxx::read_transaction t(db);
            auto r =
                sweepId > 0
                    ? t.exec_params(std::string("SELECT ") + kRunColumns + " FROM runs WHERE sweep_id = $1 ORDER BY id",
                                    static_cast<long long>(sweepId))
                    : t.exec(std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id");
            std::vector<RunRecord> out;
            for (const auto& row : r) out.push_back(readRun(row));
            return out;
        });
    }

    Result<std::vector<EpochRecord>> epochs(std::int64_t runId) override {
        return rowsOfRun<EpochRecord>(
            "read the epochs", runId,
            "SELECT epoch, train_loss, train_accuracy, val_loss, val_accuracy, lr, seconds, samples_per_s "
            "FROM epochs WHERE run_id = $1 ORDER BY epoch",
            [](const pqxx::row& q) {
                return EpochRecord{static_cast<int>(integer(q[0])),
                                   real(q[1]),
                                   real(q[2]),
                                   real(q[3]),
                                   real(q[4]),
                                   real(q[5]),
                                   real(q[6]),
                                   real(q[7])};
            });
    }

    Result<std::vector<BatchRecord>> batches(std::int64_t runId) override {
        return rowsOfRun<BatchRecord>(
            "read the batches", runId,
            "SELECT step, epoch, loss, accuracy, lr FROM batches WHERE run_id = $1 ORDER BY step",
            [](const pqxx::row& q) {
                return BatchRecord{integer(q[0]), static_cast<int>(integer(q[1])), real(q[2]), real(q[3]), real(q[4])};
            });
    }

    Result<std::vector<OptionEdit>> edits(std::int64_t runId) override {
        return rowsOfRun<OptionEdit>("read the edits", runId,
                                     "SELECT step, key, value FROM edits WHERE run_id = $1 ORDER BY seq",
                                     [](const pqxx::row& q) {
                                         return OptionEdit{integer(q[0]), text(q[1]), storedJson(text(q[2]))};
                                     });
    }

    Status deleteRun(std::int64_t runId) override {
        return m_db->run("delete run " + std::to_string(runId), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            for (const char* table : {"batches", "epochs", "edits", "checkpoints", "files"})
                t.exec_params0(std::string("DELETE FROM ") + table + " WHERE run_id = $1",
                               static_cast<long long>(runId));
            t.exec_params0("DELETE FROM runs WHERE id = $1", static_cast<long long>(runId));
            t.commit();
            return Status::success();
        });
    }

    Status truncateAfter(std::int64_t runId, int epoch, std::int64_t step) override {
        return m_db->run("rewind run " + std::to_string(runId), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            for (const char* table : {"batches", "epochs", "checkpoints"})
                t.exec_params0(std::string("DELETE FROM ") + table + " WHERE run_id = $1 AND epoch > $2",
                               static_cast<long long>(runId), epoch);
            t.exec_params0("DELETE FROM edits WHERE run_id = $1 AND step >= $2", static_cast<long long>(runId),
                           static_cast<long long>(step));
            t.commit();
            return Status::success();
        });
    }

    Status addCheckpoint(std::int64_t runId, const CheckpointRecord& c) override {
        return m_db->run("record a checkpoint of run " + std::to_string(runId), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            insertCheckpoint(t, runId, c);
            t.commit();
            return Status::success();
        });
    }

    Status removeCheckpoint(std::int64_t runId, int epoch) override {
        return m_db->run("forget a checkpoint of run " + std::to_string(runId), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            t.exec_params0("DELETE FROM checkpoints WHERE run_id = $1 AND epoch = $2", static_cast<long long>(runId),
                           epoch);
            t.commit();
            return Status::success();
        });
    }

    Result<std::vector<CheckpointRecord>> checkpoints(std::int64_t runId) override {
        return rowsOfRun<CheckpointRecord>(
            "list the checkpoints", runId,
            "SELECT epoch, path, metric FROM checkpoints WHERE run_id = $1 ORDER BY epoch", [](const pqxx::row& q) {
                return CheckpointRecord{static_cast<int>(integer(q[0])), text(q[1]), real(q[2])};
            });
    }

    Result<std::int64_t> createSweep(const SweepRecord& s) override {
        return m_db->run("record a sweep", [&](pqxx::connection& db) -> Result<std::int64_t> {
            pqxx::work t(db);
            auto row = t.exec_params1(
                "INSERT INTO sweeps (name, space, settings, status, created_at) VALUES ($1,$2,$3,$4,$5) RETURNING id",
                s.name, s.space.dump(), s.settings.dump(), s.status, s.createdAt);
            t.commit();
            return static_cast<std::int64_t>(integer(row[0]));
        });
    }

    Status updateSweep(const SweepRecord& s) override {
        return m_db->run("update sweep " + std::to_string(s.id), [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            t.exec_params0("UPDATE sweeps SET name = $1, space = $2, settings = $3, status = $4 WHERE id = $5", s.name,
                           s.space.dump(), s.settings.dump(), s.status, static_cast<long long>(s.id));
            t.commit();
            return Status::success();
        });
    }

    Result<SweepRecord> sweep(std::int64_t sweepId) override {
        return m_db->run("read sweep " + std::to_string(sweepId), [&](pqxx::connection& db) -> Result<SweepRecord> {
            pqxx::read_transaction t(db);
            auto r = t.exec_params("SELECT id, name, space, settings, status, created_at FROM sweeps WHERE id = $1",
                                   static_cast<long long>(sweepId));
            if (r.empty())
                return Error::notFound("There is no sweep " + std::to_string(sweepId) + " in " + m_shown + ".",
                                       "List the runs with `training-studio-cli runs list --store " + m_shown + "`.");
            return readSweep(r[0]);
        });
    }

    Result<std::vector<SweepRecord>> sweeps() override {
        return m_db->run("list the sweeps", [&](pqxx::connection& db) -> Result<std::vector<SweepRecord>> {
            pqxx::read_transaction t(db);
            auto r = t.exec("SELECT id, name, space, settings, status, created_at FROM sweeps ORDER BY id");
            std::vector<SweepRecord> out;
            for (const auto& row : r) out.push_back(readSweep(row));
            return out;
        });
    }

    Result<int> markOrphansInterrupted() override {
        return m_db->run("check for interrupted runs", [&](pqxx::connection& db) -> Result<int> {
            pqxx::work t(db);
            auto r = t.exec_params(
                "SELECT id, pid FROM runs WHERE status IN ('running', 'paused') AND host = $1 AND for_workers = 0",
                hostName());
            int count = 0;
            for (const auto& row : r)
                if (!processAlive(integer(row[1]))) {
                    t.exec_params0("UPDATE runs SET status = 'interrupted' WHERE id = $1", integer(row[0]));
                    ++count;
                }
            // A worker's trial whose lease ran out is back in the queue (the next claim resumes it).
            count += static_cast<int>(
                t.exec(std::string("UPDATE runs SET status = 'queued', worker = '' WHERE for_workers = 1 AND "
                                   "status IN ('running', 'paused') AND heartbeat_at < ") +
                       kNow + " - lease_seconds")
                    .affected_rows());
            t.commit();
            return count;
        });
    }

    Result<std::optional<RunRecord>> claimRun(std::int64_t sweepId, const std::string& worker,
                                              double leaseSeconds) override {
        auto claimed = m_db->run("claim a queued run", [&](pqxx::connection& db) -> Result<std::int64_t> {
            pqxx::work t(db);
            auto r = t.exec_params(
                std::string("WITH pick AS (SELECT id FROM runs WHERE for_workers = 1 AND ($1 = 0 OR sweep_id = $1) "
                            "AND (status = 'queued' OR (status IN ('running', 'paused') AND heartbeat_at < ") +
                    kNow +
                    " - lease_seconds)) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                    "UPDATE runs SET status = 'running', worker = $2, host = $3, pid = $4, heartbeat_at = " +
                    kNow +
                    ", lease_seconds = $5, attempts = attempts + 1 FROM pick WHERE runs.id = pick.id RETURNING runs.id",
                static_cast<long long>(sweepId), worker, hostName(), static_cast<long long>(::getpid()), leaseSeconds);
            t.commit();
            return r.empty() ? std::int64_t(0) : static_cast<std::int64_t>(integer(r[0][0]));
        });
        if (!claimed) return claimed.error();
        if (*claimed == 0) return std::optional<RunRecord>();
        auto r = run(*claimed);
        if (!r) return r.error();
        return std::optional<RunRecord>(std::move(*r));
    }

    Result<bool> heartbeat(std::int64_t runId, const std::string& worker) override {
        return m_db->run("renew the lease of run " + std::to_string(runId), [&](pqxx::connection& db) -> Result<bool> {
            pqxx::work t(db);
            auto r =
                t.exec_params(std::string("UPDATE runs SET heartbeat_at = ") + kNow + " WHERE id = $1 AND worker = $2",
                              static_cast<long long>(runId), worker);
            t.commit();
            return r.affected_rows() == 1;
        });
    }

    Status releaseRun(std::int64_t runId, const std::string& worker) override {
        return m_db->run(
            "give run " + std::to_string(runId) + " back to the queue", [&](pqxx::connection& db) -> Status {
                pqxx::work t(db);
                t.exec_params0("UPDATE runs SET status = 'queued', worker = '' WHERE id = $1 AND worker = $2",
                               static_cast<long long>(runId), worker);
                t.commit();
                return Status::success();
            });
    }

    Result<std::string> sharedFolder() override { return m_shared; }

    Status setSharedFolder(const std::string& folder) override {
        return m_db->run("set the shared folder", [&](pqxx::connection& db) -> Status {
            pqxx::work t(db);
            t.exec_params0(
                "INSERT INTO settings (key, value) VALUES ('shared_folder', $1) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                folder);
            t.commit();
            m_shared = folder;
            return Status::success();
        });
    }

    Result<std::string> localFile(std::int64_t runId, const std::string& recordedPath) override {
        const std::string name = fs::path(recordedPath).filename().string();
        auto stored = m_db->run("read the file " + name + " of run " + std::to_string(runId),
                                [&](pqxx::connection& db) -> Result<std::optional<std::string>> {
                                    pqxx::read_transaction t(db);
                                    auto r = t.exec_params(
                                        "SELECT encode(data, 'hex') FROM files WHERE run_id = $1 AND name = $2",
                                        static_cast<long long>(runId), name);
                                    if (r.empty()) return std::optional<std::string>();
                                    return std::optional<std::string>(text(r[0][0]));
                                });
        if (!stored) return stored.error();
        std::error_code ec;
        if (!*stored) {
            if (fs::exists(recordedPath, ec)) return recordedPath;
            return Error::notFound("The file " + recordedPath + " of run " + std::to_string(runId) +
                                       " is neither on this machine nor in the store " + m_shown + ".",
                                   m_shared.empty() ? "It was deleted; resume from another checkpoint."
                                                    : "Mount the shared folder " + m_shared + " on this machine.");
        }
        const fs::path local = fs::path(runFolder(runId)) / name;
        fs::create_directories(local.parent_path(), ec);
        const std::string bytes = unhex(**stored);
        STUDIO_TRY(writeFileAtomically(local.string(),
                                       std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                                       "a run file fetched from the store"));
        return local.string();
    }

private:
    // The rows of one run from `sql` ($1 = the run's id), each made a T by fromRow.
    template <typename T, typename FromRow>
    Result<std::vector<T>> rowsOfRun(const std::string& what, std::int64_t runId, const char* sql, FromRow fromRow) {
        return m_db->run(what + " of run " + std::to_string(runId),
                         [&](pqxx::connection& db) -> Result<std::vector<T>> {
                             pqxx::read_transaction t(db);
                             std::vector<T> out;
                             for (const auto& q : t.exec_params(sql, static_cast<long long>(runId)))
                                 out.push_back(fromRow(q));
                             return out;
                         });
    }

    static std::string literal(double v) {
        if (!std::isfinite(v)) return "NULL";
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", v);
        return buf;
    }

    void insertCheckpoint(pqxx::work& t, std::int64_t runId, const CheckpointRecord& c) {
        t.exec_params0(
            "INSERT INTO checkpoints (run_id, epoch, path, metric) VALUES ($1,$2,$3,$4) "
            "ON CONFLICT (run_id, epoch) DO UPDATE SET path = EXCLUDED.path, metric = EXCLUDED.metric",
            static_cast<long long>(runId), c.epoch, c.path, num(c.metric));
    }

    // The row as the record has it, but heartbeat_at from the server's clock.
    void updateRow(pqxx::work& t, const RunRecord& r) {
        t.exec_params0(
            std::string("UPDATE runs SET name=$1, color=$2, status=$3, options=$4, model=$5, spec=$6, dataset=$7, "
                        "parent_run=$8, parent_epoch=$9, sweep_id=$10, epochs_planned=$11, epochs_done=$12, "
                        "steps=$13, wall_seconds=$14, cpu_seconds=$15, samples_per_s=$16, threads=$17, peak_rss=$18, "
                        "best_epoch=$19, best_val_accuracy=$20, best_val_loss=$21, final=$22, best_model=$23, "
                        "error=$24, host=$25, pid=$26, created_at=$27, heartbeat_at=") +
                kNow + " WHERE id=$28",
            r.name, r.color, std::string(runStatusText(r.status)), r.options.dump(), r.model, r.spec.dump(),
            r.dataset.dump(), static_cast<long long>(r.parentRun), r.parentEpoch, static_cast<long long>(r.sweepId),
            r.epochsPlanned, r.epochsDone, static_cast<long long>(r.steps), num(r.wallSeconds), num(r.cpuSeconds),
            num(r.samplesPerSecond), r.threads, static_cast<long long>(r.peakRssBytes), r.bestEpoch,
            num(r.bestValAccuracy), num(r.bestValLoss), r.final.dump(), r.bestModelPath, r.error, r.host,
            static_cast<long long>(r.pid), r.createdAt, static_cast<long long>(r.id));
    }

    std::unique_ptr<PostgresConnection> m_db;
    const std::string m_url;    // as given (may hold a password: never shown)
    const std::string m_shown;  // without the password
    std::string m_shared;
};

}  // namespace

Result<std::unique_ptr<RunStore>> openPostgresRunStore(const std::string& url) {
    auto db = PostgresConnection::open(url);
    if (!db) return db.error();
    return std::unique_ptr<RunStore>(std::make_unique<PostgresRunStore>(std::move(*db)));
}

}  // namespace studio
