#pragma once
// The plain values the Runs views (RunsTable, CompareView, ParallelCoordinatesPlot, ScatterPlot,
// SweepView) take. The app converts its run-store records into these once, in one file; the
// widgets never see the store or the engine.

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>
#include <QtGlobal>

namespace studio::widgets {

/// One training run as a row of the Runs table.
struct RunRow {
    qint64 id = 0;
    QString name;
    QColor color;
    QString status;  ///< queued|running|paused|finished|stopped|failed|interrupted
    int epochsDone = 0, epochsPlanned = 0;
    QVariantMap options;  ///< option key -> value (all options of the run)
    double bestValAccuracy = qQNaN(), bestValLoss = qQNaN(), testAccuracy = qQNaN();
    double seconds = 0, samplesPerSecond = 0;
    qint64 sweepId = 0, parentId = 0;
    int parentEpoch = 0;
    QString stopReason;  ///< e.g. "pruned", "early-stopped"
    QString host;        ///< the machine that trains (or trained) it
    QString worker;      ///< the worker holding it ("host:pid"), empty for runs not left to workers
};

/// How an option is titled (and drawn on plots): the schema's label for its key.
struct OptionColumn {
    QString key;
    QString label;
    bool logScale = false;
};

/// What the user asked to do with the selected runs.
enum class RunAction { Stop, Pause, Resume, TrainMore, Fork, Rename, Delete, Compare, ExportCsv, Promote };

/// One dimension of a plot of runs: an option (learning rate, batch size, optimizer) or a metric.
struct ParallelAxis {
    QString key, label;
    bool logScale = false;
    bool categorical = false;
    QStringList categories;  ///< categorical: the order the values are drawn in
};

}  // namespace studio::widgets
