#pragma once
// PostgresConnection: the PostgreSQL run store's link to its server. It connects, creates the
// schema (or checks its version) under an advisory lock, runs each operation as one transaction,
// and survives the server: a lost connection (a restart, a dropped network) is re-opened with
// backoff (0.1 s doubling to 5 s) and the operation repeated whole, for up to
// $TRAINING_STUDIO_STORE_RETRY seconds (default 120). Failures become one-line Errors that name
// the store without its password and say what to do.

#include <pqxx/pqxx>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <utility>

#include "engine/core/result.h"

namespace studio {

class PostgresConnection {
public:
    /// Connects to `url` and makes sure the schema is there (creating it on first use).
    static Result<std::unique_ptr<PostgresConnection>> open(const std::string& url);

    const std::string& url() const { return m_url; }      // as given: may hold a password
    const std::string& shown() const { return m_shown; }  // without it

    /// Runs f(connection) — one transaction — and returns what it returns; `what` completes
    /// "Could not … in the run store …" when it fails.
    template <typename F>
    auto run(const std::string& what, F&& f) -> decltype(f(std::declval<pqxx::connection&>())) {
        using Clock = std::chrono::steady_clock;
        const auto start = Clock::now();
        auto wait = std::chrono::milliseconds(100);
        for (;;) {
            try {
                if (!m_conn) m_conn = std::make_unique<pqxx::connection>(m_url);
                auto result = f(*m_conn);
                m_gaveUp = false;
                return result;
            } catch (const std::exception& e) {
                const bool lost = connectionLost(e) || !m_conn || !m_conn->is_open();
                if (!lost) return error(m_shown, what, e.what());
                // Once one operation has waited the whole window in vain, the next ones try
                // once each until the server answers again: a reader making five queries
                // waits one window, not five.
                if (m_gaveUp || Clock::now() - start > retryWindow()) {
                    m_gaveUp = true;
                    m_conn.reset();
                    return error(m_shown, what, e.what());
                }
                m_conn.reset();
                std::this_thread::sleep_for(wait);
                wait = std::min(wait * 2, std::chrono::milliseconds(5000));
            }
        }
    }

    /// "Could not <what> in the run store <shown>: <why on one line>." with a hint from `why`;
    /// an empty `what` says it could not connect.
    static Error error(const std::string& shown, const std::string& what, const std::string& why);

private:
    PostgresConnection(std::string url, std::unique_ptr<pqxx::connection> connection);
    static bool connectionLost(const std::exception& e);
    static std::chrono::seconds retryWindow();

    std::string m_url;
    std::string m_shown;
    std::unique_ptr<pqxx::connection> m_conn;
    bool m_gaveUp = false;  // the last operation waited out the retry window for a lost server
};

}  // namespace studio
