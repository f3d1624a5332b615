#pragma once
// SweepView: one hyperparameter sweep at a glance — what it is and how far it got, the trials
// across their options (parallel coordinates) and one option against the metric (scatter), the
// rungs of successive halving, the best accuracy so far as trials complete, and the live
// validation curves of the trials still running. It shows what it is given and emits intents.

#include "widgets/parallel_coordinates_plot.h"
#include "widgets/run_rows.h"
#include "widgets/scatter_plot.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QLabel;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace studio::widgets {

class LiveChart;

/// One rung of successive halving: `trials` ran to `epochs`, `promoted` went on to the next rung.
struct RungRow {
    int epochs = 0;
    int trials = 0;
    int promoted = 0;
    double bestValAccuracy = qQNaN();
};

struct SweepSummary {
    qint64 id = 0;
    QString name, strategy, status;  ///< status: running|paused|finished|stopped
    int trialsDone = 0, trialsTotal = 0;
    double bestValAccuracy = qQNaN();
    qint64 bestRunId = 0;      ///< 0: no trial has finished an epoch yet
    QList<RungRow> rungs;      ///< empty for strategies without rungs (grid, random)
    QList<QPointF> bestSoFar;  ///< (trials completed, best validation accuracy so far)
};

/// The validation accuracy curve of a running trial.
struct SweepTrialCurve {
    qint64 runId = 0;
    QString name;
    QColor color;
    QList<QPointF> valAccuracy;  ///< (epoch, accuracy)
};

class SweepView : public QWidget {
    Q_OBJECT
public:
    explicit SweepView(QWidget* parent = nullptr);

    void setSummary(const SweepSummary& summary);
    void setAxes(const QList<ParallelAxis>& axes);
    void setLines(const QList<ParallelLine>& lines);
    void setScatterDimensions(const QList<ParallelAxis>& xChoices, const QList<ParallelAxis>& yChoices);
    void setScatterPoints(const QList<ScatterPoint>& points);
    /// Curves of trials no longer listed leave the chart.
    void setRunningCurves(const QList<SweepTrialCurve>& curves);
    /// Back to the empty state ("No sweep selected…").
    void clear();

    bool isEmptyStateShown() const;
    /// "7 of 9 trials done, best 91.2% (run 12)".
    QString summaryText() const;
    /// "lr search · successive halving · running".
    QString titleText() const;
    static QString summaryText(const SweepSummary& summary);

    ParallelCoordinatesPlot* parallelPlot() const { return m_parallel; }
    ScatterPlot* scatterPlot() const { return m_scatter; }
    QTableWidget* rungsTable() const { return m_rungs; }
    LiveChart* bestSoFarChart() const { return m_bestSoFar; }
    LiveChart* runningChart() const { return m_running; }
    QPushButton* stopButton() const { return m_stop; }
    QPushButton* promoteButton() const { return m_promote; }
    QLabel* emptyLabel() const { return m_empty; }

Q_SIGNALS:
    void runClicked(qint64 id);
    void stopRequested();
    void promoteRequested(qint64 bestRunId);

private:
    SweepSummary m_summary;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_progress = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_promote = nullptr;
    ParallelCoordinatesPlot* m_parallel = nullptr;
    ScatterPlot* m_scatter = nullptr;
    QTableWidget* m_rungs = nullptr;
    LiveChart* m_bestSoFar = nullptr;
    LiveChart* m_running = nullptr;
};

}  // namespace studio::widgets
