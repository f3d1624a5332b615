#pragma once
// RunsTableModel: the rows behind RunsTable — one per run, with a column for each option that
// differs between the runs. setRuns() is called about once a second while runs train, so it
// updates rows and columns in place (inserts, removes, dataChanged), never resets: the view keeps
// its selection, sort, scroll position and any open editor.

#include "widgets/run_rows.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace studio::widgets {

class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Role {
        SortRole = Qt::UserRole,  ///< a double (NaN when missing) or a string
        IdRole,                   ///< the run's id, in every column
        FilterRole,               ///< column 0: name, status and every option as lower-case text
        ProgressRole,             ///< status column: epochsDone / epochsPlanned, −1 when no bar is drawn
    };
    enum FixedColumn { ShowColumn, NameColumn, StatusColumn, LeadingColumnCount };
    enum TrailingColumn {
        BestAccuracyColumn,
        BestLossColumn,
        EpochColumn,
        TimeColumn,
        SpeedColumn,
        HostColumn,
        TrailingColumnCount
    };

    explicit RunsTableModel(QObject* parent = nullptr);

    /// Labels of option columns and their order (options not listed follow by key).
    void setOptionColumns(const QList<OptionColumn>& columns);
    /// Rows keep their place; new runs are appended (unchecked), vanished runs removed.
    void setRuns(const QList<RunRow>& runs);

    /// The option keys shown as columns, in column order (from optionBase() on). The results come
    /// before them, so a narrow table shows accuracy and progress without scrolling sideways.
    QStringList optionKeys() const { return m_keys; }
    int column(TrailingColumn c) const { return int(LeadingColumnCount) + int(c); }
    static constexpr int optionBase() { return int(LeadingColumnCount) + int(TrailingColumnCount); }
    const RunRow* runById(qint64 id) const;
    QModelIndex indexOf(qint64 id, int column) const;

    QList<qint64> checkedIds() const;  ///< in row order
    void setChecked(qint64 id, bool checked);

    /// "running", "stopped (pruned)".
    static QString statusText(const RunRow& run);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    /// A name edit does not change the row: it asks for the rename (renameRequested) and the
    /// next setRuns() shows the store's name. A check toggles the overlay (checkedChanged).
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

Q_SIGNALS:
    void checkedChanged();
    void renameRequested(qint64 id, const QString& name);

private:
    QVariant cellData(const RunRow& run, int column, int role) const;
    void updateOptionColumns();

    QList<RunRow> m_runs;
    QHash<qint64, int> m_rowOf;
    QSet<qint64> m_checked;
    QList<OptionColumn> m_columns;
    QStringList m_keys;
};

}  // namespace studio::widgets
