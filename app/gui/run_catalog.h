#pragma once
// RunCatalog: the studio's read side of the run store. Every query runs on one worker thread
// with its own connection and comes back to the GUI thread as plain values through a queued
// call (STYLE.md 5), so the window never waits on the database. While any run is active it
// refreshes about once a second; edits (rename, delete) go through the same worker.

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "engine/store/run_store.h"

namespace studio::app {

/// What one refresh read: every run, the sweeps, and the epoch curves of the runs asked for.
struct RunCatalogSnapshot {
    std::vector<RunRecord> runs;
    std::vector<SweepRecord> sweeps;
    std::map<std::int64_t, std::vector<EpochRecord>> curves;
    std::map<std::int64_t, std::vector<OptionEdit>> edits;
};

class RunCatalog : public QObject {
    Q_OBJECT
public:
    explicit RunCatalog(QObject* parent = nullptr);
    /// Waits for the query in flight (at most one transaction).
    ~RunCatalog() override;

    /// Opens `path` (created when absent) and refreshes. Errors come back as storeFailed.
    void setStorePath(const QString& path);
    QString storePath() const { return m_path; }

    /// Reads the runs now (coalesced: at most one read in flight, one queued).
    void refresh();
    /// Runs whose per-epoch curves every refresh also reads (the overlaid and compared ones).
    void setCurveRuns(const std::vector<std::int64_t>& ids);

    const RunCatalogSnapshot& snapshot() const { return m_snapshot; }
    const RunRecord* run(std::int64_t id) const;

    /// Runs `change` on the worker's connection, then refreshes; `done` (GUI thread) gets its status.
    void modify(std::function<Status(RunStore&)> change, std::function<void(Status)> done = {});

    /// Blocks until the worker is idle (tests).
    void waitForIdle();

Q_SIGNALS:
    void changed();
    void storeFailed(const QString& message);

private:
    void startRead();
    void deliver(RunCatalogSnapshot snapshot, QString error);

    QString m_path;
    QThreadPool m_worker;                                // one thread: queries run in order on one connection
    std::shared_ptr<std::unique_ptr<RunStore>> m_store;  // touched only on the worker thread
    QTimer m_poll;
    bool m_reading = false;
    bool m_readAgain = false;
    std::vector<std::int64_t> m_curveRuns;
    RunCatalogSnapshot m_snapshot;
};

}  // namespace studio::app
