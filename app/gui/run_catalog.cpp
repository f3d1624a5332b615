#include "app/gui/run_catalog.h"

#include <QMetaObject>

namespace studio::app {

namespace {

// Opens the store on first use on the worker; the error text when it cannot.
QString ensureOpen(std::unique_ptr<RunStore>& store, const QString& path) {
    if (store) return {};
    auto opened = openRunStore(path.toStdString());
    if (!opened) return QString::fromStdString(opened.error().what());
    store = std::move(*opened);
    (void)store->markOrphansInterrupted();
    return {};
}

}  // namespace

RunCatalog::RunCatalog(QObject* parent) : QObject(parent), m_store(std::make_shared<std::unique_ptr<RunStore>>()) {
    m_worker.setMaxThreadCount(1);
    m_worker.setExpiryTimeout(-1);
    m_poll.setInterval(1000);
    connect(&m_poll, &QTimer::timeout, this, &RunCatalog::refresh);
}

RunCatalog::~RunCatalog() {
    m_poll.stop();
    m_worker.waitForDone();
}

void RunCatalog::setStorePath(const QString& path) {
    m_path = path;
    auto store = m_store;
    m_worker.start([store] { store->reset(); });
    refresh();
}

void RunCatalog::refresh() {
    if (m_path.isEmpty()) return;
    if (m_reading) {
        m_readAgain = true;
        return;
    }
    startRead();
}

void RunCatalog::setCurveRuns(const std::vector<std::int64_t>& ids) {
    if (ids == m_curveRuns) return;
    m_curveRuns = ids;
    refresh();
}

const RunRecord* RunCatalog::run(std::int64_t id) const {
    for (const auto& r : m_snapshot.runs)
        if (r.id == id) return &r;
    return nullptr;
}

void RunCatalog::startRead() {
    m_reading = true;
    m_readAgain = false;
    auto store = m_store;
    const QString path = m_path;
    const std::vector<std::int64_t> curveRuns = m_curveRuns;
    m_worker.start([this, store, path, curveRuns] {
        RunCatalogSnapshot snapshot;
        QString error = ensureOpen(*store, path);
        if (error.isEmpty()) {
            RunStore& s = **store;
            (void)s.markOrphansInterrupted();
            if (auto runs = s.runs())
                snapshot.runs = std::move(*runs);
            else
                error = QString::fromStdString(runs.error().what());
            if (auto sweeps = s.sweeps()) snapshot.sweeps = std::move(*sweeps);
            for (std::int64_t id : curveRuns) {
                if (auto e = s.epochs(id)) snapshot.curves[id] = std::move(*e);
                if (auto e = s.edits(id)) snapshot.edits[id] = std::move(*e);
            }
        }
        QMetaObject::invokeMethod(
            this, [this, snapshot = std::move(snapshot), error]() mutable { deliver(std::move(snapshot), error); },
            Qt::QueuedConnection);
    });
}

void RunCatalog::deliver(RunCatalogSnapshot snapshot, QString error) {
    m_reading = false;
    if (!error.isEmpty()) {
        Q_EMIT storeFailed(error);
    } else {
        m_snapshot = std::move(snapshot);
        bool active = false;
        for (const auto& r : m_snapshot.runs) active = active || isActive(r.status);
        if (active && !m_poll.isActive()) m_poll.start();
        if (!active) m_poll.stop();
        Q_EMIT changed();
    }
    if (m_readAgain) startRead();
}

void RunCatalog::modify(std::function<Status(RunStore&)> change, std::function<void(Status)> done) {
    auto store = m_store;
    const QString path = m_path;
    m_worker.start([this, store, path, change = std::move(change), done = std::move(done)] {
        Status status = Status::success();
        if (const QString e = ensureOpen(*store, path); !e.isEmpty())
            status = Error::io(e.toStdString());
        else
            status = change(**store);
        QMetaObject::invokeMethod(
            this,
            [this, status, done] {
                if (done) done(status);
                refresh();
            },
            Qt::QueuedConnection);
    });
}

void RunCatalog::waitForIdle() {
    m_worker.waitForDone();
}

}  // namespace studio::app
