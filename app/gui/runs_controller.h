#pragma once
// RunsController: the studio's Runs and Sweep tabs. It shows every run of the store (RunCatalog,
// read off the GUI thread), overlays and compares the checked ones, answers the table's
// intents (stop, resume, train more, fork, rename, delete, compare, export, promote) and starts
// background runs and sweeps through the RunManager. The window only adds its two tabs and
// hands it the project's current choices for a sweep.

#include <QObject>
#include <QString>
#include <QVariantMap>
#include <functional>
#include <optional>

#include "engine/nn/model_spec.h"
#include "widgets/run_rows.h"

class QLabel;
class QSpinBox;
class QStackedWidget;
class QWidget;

namespace studio::widgets {
class CompareView;
class RunLog;
class RunsTable;
class SweepView;
}  // namespace studio::widgets

namespace studio::app {

class RunCatalog;
class RunManager;
class TrainingController;

/// What a sweep started from the window trains: the project's data, model and settings.
struct SweepBase {
    QString dataset;
    QString modelLabel;
    std::optional<ModelSpec> spec;
    QVariantMap settings;
};

class RunsController : public QObject {
    Q_OBJECT
public:
    explicit RunsController(QWidget* window);
    ~RunsController() override;

    QWidget* runsTab() const { return m_runsTab; }
    QWidget* sweepTab() const { return m_sweepTab; }
    widgets::RunsTable* runsTable() const { return m_table; }
    widgets::CompareView* compareView() const { return m_compare; }
    widgets::SweepView* sweepView() const { return m_sweepView; }
    RunCatalog* catalog() const { return m_catalog; }
    RunManager* manager() const { return m_manager; }

    QString storePath() const;
    void setStorePath(const QString& path);
    /// File ▸ Open Store…: asks for a path or postgresql:// URL, opens it, remembers it
    /// (without a password).
    void askStore();
    void openStore(const QString& location);
    void refresh();
    /// The project's current choices, asked when a sweep starts.
    void setSweepBase(std::function<SweepBase()> base) { m_sweepBase = std::move(base); }
    /// The window's own training (its run's stop, pause and resume go to it) and its log.
    void attach(TrainingController* training, widgets::RunLog* log);

    /// Starts a sweep of the project's setup over `space` (JSON); errors are reported (log).
    void startSweep(const QString& spaceJson, const QString& strategy, int trials, int epochs, int minEpochs, int eta,
                    int concurrency);
    /// The window's settings for a new run with its thread budget: "all cores" (0) becomes the
    /// cores the background runs leave free, so runs never oversubscribe the machine.
    QVariantMap withThreadBudget(QVariantMap settings) const;
    /// Applies a table action (as the context menu does), for the window's menus and tests.
    void apply(widgets::RunAction action, const QList<qint64>& ids);
    /// Stops every background run and sweep, waiting at most `timeoutMs`.
    bool stopAll(int timeoutMs);

Q_SIGNALS:
    /// A line for the run log (errors in red).
    void logLine(const QString& text, bool error);
    /// Make this run's best model the studio's current model; `reopened` when the studio just
    /// started and this was the current model when it closed.
    void promoteRequested(qint64 runId, const QString& modelPath, bool reopened);

private:
    void buildRunsTab();
    void buildSweepTab();
    void onCatalogChanged();
    void showSweep();
    void askSweep();
    void fork(qint64 id, int epoch);
    void trainMore(qint64 id);
    qint64 visibleRun() const;
    void remember(qint64 currentRun);

    QWidget* m_window;
    RunCatalog* m_catalog;
    RunManager* m_manager;
    QWidget* m_runsTab = nullptr;
    QWidget* m_sweepTab = nullptr;
    QLabel* m_storeLabel = nullptr;
    QSpinBox* m_concurrency = nullptr;
    widgets::RunsTable* m_table = nullptr;
    widgets::CompareView* m_compare = nullptr;
    QStackedWidget* m_comparePages = nullptr;
    widgets::SweepView* m_sweepView = nullptr;
    std::function<SweepBase()> m_sweepBase;
    TrainingController* m_training = nullptr;
    qint64 m_shownSweep = 0;
    bool m_reopened = false;  // the current model of the last session was offered
};

}  // namespace studio::app
