#pragma once
// RunsTable: every training run of the project in one sortable, filterable table — a check and
// colour swatch for the chart overlay, the name (edited in place), the status with a progress bar
// while it trains, one column per option that differs between the runs, and the results. A
// context menu (and the Delete key) turns the selection into intents; the app does the work.

#include "widgets/run_rows.h"

#include <QList>
#include <QWidget>

class QLineEdit;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace studio::widgets {

class RunsTableModel;

class RunsTable : public QWidget {
    Q_OBJECT
public:
    explicit RunsTable(QWidget* parent = nullptr);

    /// Labels (and order) of option columns; an option without one is titled by its key.
    void setOptionColumns(const QList<OptionColumn>& columns);
    /// Called about once a second while runs train: updates rows in place and keeps the
    /// selection, checks, sort, filter and scroll position. New runs appear unchecked.
    void setRuns(const QList<RunRow>& runs);

    /// In the order the table shows them.
    QList<qint64> selectedRunIds() const;
    QList<qint64> checkedRunIds() const;
    /// Emits overlayChanged() when the check changes.
    void setChecked(qint64 id, bool checked);
    /// Keeps the runs whose name, status or any option contains every word of `text`.
    void setFilterText(const QString& text);

    /// Whether `action` applies to `runs` (the selection). Status actions apply when at least one
    /// run has a fitting status, and are then asked for those runs only: Stop running/paused,
    /// Pause running, Resume paused/stopped/interrupted/failed, Train more finished. Fork, Rename
    /// and Promote need exactly one run (Fork and Promote one with an epoch done), Compare two or
    /// more, Delete no running run.
    static bool isActionEnabled(RunAction action, const QList<RunRow>& runs);
    /// The runs of `runs` that `action` is asked for.
    static QList<qint64> applicableIds(RunAction action, const QList<RunRow>& runs);
    /// "Delete 2 runs and their checkpoints?"
    static QString deleteQuestion(const QList<RunRow>& runs);
    /// The context menu for runs `ids`; every action carries its RunAction as data().toInt().
    QMenu* createContextMenu(const QList<qint64>& ids, QWidget* parent = nullptr);

    QTableView* view() const { return m_view; }
    QLineEdit* filterEdit() const { return m_filter; }
    RunsTableModel* runsModel() const { return m_model; }
    /// The header titles as shown, and a cell's text in the shown (sorted, filtered) order.
    QStringList columnTitles() const;
    QString cellText(int row, int column) const;

Q_SIGNALS:
    void overlayChanged(const QList<qint64>& checked);
    void actionRequested(studio::widgets::RunAction action, const QList<qint64>& ids);
    void renameRequested(qint64 id, const QString& name);
    void forkRequested(qint64 id, int epoch);
    void currentRunChanged(qint64 id);

private:
    QList<RunRow> runsOf(const QList<qint64>& ids) const;
    void trigger(RunAction action, const QList<qint64>& ids);
    void showContextMenu(const QPoint& pos);

    QLineEdit* m_filter = nullptr;
    QTableView* m_view = nullptr;
    RunsTableModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    qint64 m_currentId = 0;
    bool m_sizedColumns = false;
};

}  // namespace studio::widgets
