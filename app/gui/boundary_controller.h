#pragma once
// BoundaryController: the decision-boundary page (widgets::BoundaryPanel) for 2-D data. It
// computes the class-probability grid, the hidden units' fields and a clicked point's answer
// with the engine (engine/teach) on one worker thread of its own, and hands the results back
// queued, tagged with a job id, so a newer model always wins (STYLE.md §5).
//
// While a run trains it asks the trainer for its current weights (a "peek", copied at a step
// boundary, never waiting on it) a few times a second, only while the page is visible; each new
// copy is drawn when the worker is free and the last job (worker and GUI-thread time) began at
// least kDutyFactor jobs' time ago, which keeps the view's share of the CPU small whatever the
// model's size. It also carries the pace controls to the trainer (steps per second, Step).

#include <QElapsedTimer>
#include <QObject>
#include <QPointF>
#include <QThreadPool>
#include <QTimer>
#include <memory>
#include <optional>

#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"
#include "engine/teach/decision_boundary.h"

namespace studio::widgets {
class BoundaryPanel;
}

namespace studio::app {

class TrainingController;

class BoundaryController : public QObject {
    Q_OBJECT
public:
    BoundaryController(widgets::BoundaryPanel* panel, TrainingController* training, QObject* parent = nullptr);
    ~BoundaryController() override;

    /// The data shown (points, the plane's extent); null or data that are not 2-D show why not.
    void setDataset(std::shared_ptr<const DatasetBundle> data);
    /// The model whose boundary is drawn (the window's current model); null clears the field.
    void setModel(SnapshotPtr model);
    /// The project's data settings shown on the page (noise, samples, test fraction): the row
    /// shows for the built-in 2-D sets; its edits come back as the panel's dataSettingEdited.
    void showDataSettings(const QString& dataset, const QVariantMap& settings);
    /// Classifies a point of the plane with the model shown (what a click does).
    void classifyPoint(QPointF point);
    /// Writes the plane as shown to a PNG; false with nothing written when it cannot.
    bool exportPng(const QString& path);

    /// Grid cells per side for the boundary, and for each hidden unit's thumbnail.
    static constexpr int kGridSide = 48;
    static constexpr int kUnitSide = 20;
    /// A new job starts only after kDutyFactor × the last job's time has passed since it began:
    /// the trainer's threads meet at every step, so a core the view takes slows all of them.
    static constexpr int kDutyFactor = 10;
    static constexpr int kMinIntervalMs = 200;

    /// For tests and the overhead measurement.
    int jobsDone() const { return m_jobsDone; }
    double lastJobMs() const { return m_lastJobMs; }
    double totalJobMs() const { return m_totalJobMs; }
    bool isBusy() const { return m_busy; }
    void waitForIdle() { m_pool.waitForDone(); }
    /// Turns the live updates during training off (the overhead measurement's "view closed").
    void setLiveUpdates(bool on) { m_live = on; }

Q_SIGNALS:
    /// A boundary (and the units' fields) was drawn.
    void boundaryDrawn();
    /// A clicked point's answer was drawn.
    void pointClassified();

private:
    struct Result;
    void tick();
    void startJob(SnapshotPtr model);
    void publish(quint64 job, const Result& result);
    void showPoints();
    void updateAvailability();
    void askExport();
    static bool snapshotClassesMatch(const ModelSnapshot& model, int classes);

    widgets::BoundaryPanel* m_panel;
    TrainingController* m_training;
    QThreadPool m_pool;  // one thread: jobs run in order, the newest result wins
    QTimer m_timer;
    QElapsedTimer m_sinceJob;
    std::shared_ptr<const DatasetBundle> m_data;
    std::optional<DataSplit> m_split;
    PlaneExtent m_extent;
    bool m_plane = false;
    SnapshotPtr m_model;       // the window's current model
    SnapshotPtr m_drawn;       // the weights the field shows (or is being computed from)
    SnapshotPtr m_pending;     // newer weights waiting for the worker
    std::optional<QPointF> m_probe;
    quint64 m_latestJob = 0;
    bool m_busy = false;
    bool m_live = true;
    bool m_runActive = false;  // between the trainer's runStarted and runEnded
    SnapshotPtr m_lastPeek;    // the live copy seen last (each is drawn at most once)
    int m_jobsDone = 0;
    double m_lastJobMs = 0.0;
    double m_totalJobMs = 0.0;
};

}  // namespace studio::app
