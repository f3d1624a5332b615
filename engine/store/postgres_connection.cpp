#include "engine/store/postgres_connection.h"

#include <cstdlib>

#include "engine/store/run_store.h"

namespace studio {

namespace {

constexpr int kSchemaVersion = 2;
constexpr long kSchemaLock = 727274;  // pg_advisory_xact_lock key: one creator at a time

const char* kSchema = R"sql(
CREATE TABLE runs (
  id BIGSERIAL PRIMARY KEY,
  name TEXT NOT NULL, color TEXT NOT NULL, status TEXT NOT NULL,
  options TEXT NOT NULL, model TEXT NOT NULL, spec TEXT NOT NULL, dataset TEXT NOT NULL,
  parent_run BIGINT NOT NULL DEFAULT 0, parent_epoch INTEGER NOT NULL DEFAULT 0,
  sweep_id BIGINT NOT NULL DEFAULT 0,
  epochs_planned INTEGER NOT NULL DEFAULT 0, epochs_done INTEGER NOT NULL DEFAULT 0,
  steps BIGINT NOT NULL DEFAULT 0,
  wall_seconds DOUBLE PRECISION, cpu_seconds DOUBLE PRECISION, samples_per_s DOUBLE PRECISION,
  threads INTEGER, peak_rss BIGINT,
  best_epoch INTEGER, best_val_accuracy DOUBLE PRECISION, best_val_loss DOUBLE PRECISION,
  final TEXT NOT NULL DEFAULT '{}', best_model TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
  host TEXT NOT NULL DEFAULT '', pid BIGINT NOT NULL DEFAULT 0,
  created_at DOUBLE PRECISION NOT NULL, heartbeat_at DOUBLE PRECISION NOT NULL,
  for_workers INTEGER NOT NULL DEFAULT 0, worker TEXT NOT NULL DEFAULT '',
  lease_seconds DOUBLE PRECISION NOT NULL DEFAULT 60, attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX runs_by_sweep ON runs(sweep_id);
CREATE INDEX runs_for_workers ON runs(for_workers, status);
CREATE TABLE epochs (
  run_id BIGINT NOT NULL, epoch INTEGER NOT NULL,
  train_loss DOUBLE PRECISION, train_accuracy DOUBLE PRECISION, val_loss DOUBLE PRECISION,
  val_accuracy DOUBLE PRECISION, lr DOUBLE PRECISION, seconds DOUBLE PRECISION,
  samples_per_s DOUBLE PRECISION, PRIMARY KEY (run_id, epoch));
CREATE TABLE batches (
  run_id BIGINT NOT NULL, step BIGINT NOT NULL, epoch INTEGER NOT NULL,
  loss DOUBLE PRECISION, accuracy DOUBLE PRECISION, lr DOUBLE PRECISION, PRIMARY KEY (run_id, step));
CREATE TABLE edits (
  run_id BIGINT NOT NULL, step BIGINT NOT NULL, seq BIGINT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (run_id, seq));
CREATE TABLE checkpoints (
  run_id BIGINT NOT NULL, epoch INTEGER NOT NULL, path TEXT NOT NULL, metric DOUBLE PRECISION,
  PRIMARY KEY (run_id, epoch));
CREATE TABLE sweeps (
  id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, space TEXT NOT NULL, settings TEXT NOT NULL,
  status TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files (run_id BIGINT NOT NULL, name TEXT NOT NULL, data BYTEA NOT NULL, PRIMARY KEY (run_id, name));
)sql";

// libpq's messages span lines ("…failed: Connection refused\n\tIs the server running…"): one line.
std::string oneLine(std::string why) {
    for (char& c : why)
        if (c == '\n' || c == '\t') c = ' ';
    std::string out;
    for (char c : why)
        if (!(c == ' ' && !out.empty() && out.back() == ' ')) out += c;
    while (!out.empty() && (out.back() == ' ' || out.back() == '.')) out.pop_back();
    return out;
}

std::string hintFor(const std::string& why) {
    if (why.find("password") != std::string::npos)
        return "Put the password in ~/.pgpass (host:port:database:user:password, mode 0600) or a "
               "service file (PGSERVICEFILE); the studio never stores it.";
    if (why.find("does not exist") != std::string::npos && why.find("database") != std::string::npos)
        return "Create the database first (createdb -h HOST -p PORT -U USER NAME).";
    if (why.find("refused") != std::string::npos || why.find("translate host") != std::string::npos ||
        why.find("timeout") != std::string::npos || why.find("timed out") != std::string::npos ||
        why.find("No route") != std::string::npos)
        return "Check the host and port, and that the server runs and accepts TCP connections "
               "(listen_addresses in postgresql.conf, pg_hba.conf).";
    if (why.find("permission denied") != std::string::npos)
        return "Ask the database's owner to grant this user CREATE and the tables' privileges.";
    return "Check the store's URL (postgresql://user@host:port/database) and the server's log.";
}

}  // namespace

PostgresConnection::PostgresConnection(std::string url, std::unique_ptr<pqxx::connection> connection)
    : m_url(std::move(url)), m_shown(redactedStoreLocation(m_url)), m_conn(std::move(connection)) {}

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::open(const std::string& url) {
    const std::string shown = redactedStoreLocation(url);
    try {
        auto conn = std::make_unique<pqxx::connection>(url);
        pqxx::work t(*conn);
        t.exec_params("SELECT pg_advisory_xact_lock($1)", static_cast<long long>(kSchemaLock));
        t.exec0("CREATE TABLE IF NOT EXISTS schema_info (version INTEGER NOT NULL)");
        auto r = t.exec("SELECT version FROM schema_info");
        const int version = r.empty() ? 0 : r[0][0].as<int>();
        if (version > kSchemaVersion)
            return Error::invalid("The run store " + shown + " was written by a newer Training Studio (schema " +
                                      std::to_string(version) + "; this one reads up to " +
                                      std::to_string(kSchemaVersion) + ").",
                                  "Use the newer version, or another database.");
        // Version 1 never existed on PostgreSQL: its first schema is the SQLite store's version 2.
        if (version == 0) {
            t.exec0(kSchema);
            t.exec_params0("INSERT INTO schema_info (version) VALUES ($1)", kSchemaVersion);
        }
        t.commit();
        return std::unique_ptr<PostgresConnection>(new PostgresConnection(url, std::move(conn)));
    } catch (const std::exception& e) {
        return error(shown, "", e.what());
    }
}

Error PostgresConnection::error(const std::string& shown, const std::string& what, const std::string& why) {
    if (what.empty())
        return Error::io("Could not connect to the run store " + shown + ": " + oneLine(why) + ".", hintFor(why));
    return Error::io("Could not " + what + " in the run store " + shown + ": " + oneLine(why) + ".", hintFor(why));
}

bool PostgresConnection::connectionLost(const std::exception& e) {
    if (dynamic_cast<const pqxx::broken_connection*>(&e) || dynamic_cast<const pqxx::in_doubt_error*>(&e)) return true;
    if (const auto* s = dynamic_cast<const pqxx::sql_error*>(&e)) {
        const std::string state = s->sqlstate();
        return state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0;  // connection exception, shutdown
    }
    const std::string what = e.what();
    return what.find("server closed the connection") != std::string::npos ||
           what.find("terminating connection") != std::string::npos;
}

// $TRAINING_STUDIO_STORE_RETRY seconds (default 120): how long a lost server is waited for.
std::chrono::seconds PostgresConnection::retryWindow() {
    static const std::chrono::seconds window = [] {
        const char* env = std::getenv("TRAINING_STUDIO_STORE_RETRY");
        const long s = env ? std::strtol(env, nullptr, 10) : 120;
        return std::chrono::seconds(std::clamp(s, 0L, 86400L));
    }();
    return window;
}

}  // namespace studio
