#pragma once
// The PostgreSQL server that CTest starts for the run store's tests (tests/postgres_server.sh,
// fixture "postgres"): TRAINING_STUDIO_TEST_PG names its folder. Each call gives a new empty
// database, so tests never see each other's runs.

#include <QProcess>
#include <QString>
#include <QtTest>

inline QString postgresServerDir() {
    return qEnvironmentVariable("TRAINING_STUDIO_TEST_PG");
}

/// "postgres_server.sh ACTION DIR": newdb prints a URL; restart stops and starts the server.
inline QString postgresServer(const QString& action) {
    QProcess p;
    p.start("bash", {QStringLiteral(STUDIO_SOURCE_DIR) + "/tests/postgres_server.sh", action, postgresServerDir()});
    if (!p.waitForFinished(120000) || p.exitCode() != 0)
        qWarning("postgres_server.sh %s failed: %s", qPrintable(action), p.readAllStandardError().constData());
    return QString::fromUtf8(p.readAllStandardOutput()).trimmed();
}

/// postgresql://studio:…@127.0.0.1:PORT/t_… of a new database on the test server.
inline QString freshPostgresUrl() {
    return postgresServer("newdb");
}

/// Skips (visibly) where no test server runs: outside CTest. Under CTest the fixture always
/// starts one, and a server that fails to start fails the run.
#define REQUIRE_POSTGRES()                                                                            \
    do {                                                                                             \
        if (postgresServerDir().isEmpty()) QSKIP("no PostgreSQL test server (run under ctest)"); \
    } while (false)
