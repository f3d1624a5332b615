#include "widgets/runs_table_model.h"

#include "widgets/human_units.h"
#include "widgets/run_values.h"

#include <QBrush>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

// Options arrive from the store as numbers or as text ("32"): both sort as numbers.
QVariant sortKeyOf(const QVariant& value) {
    if (!value.isValid()) return qQNaN();
    if (value.typeId() == QMetaType::Bool) return optionValueText(value);
    bool ok = false;
    const double number = value.toDouble(&ok);
    return ok ? QVariant(number) : QVariant(optionValueText(value));
}

bool hasProgressBar(const RunRow& run) {
    return (run.status == QLatin1String("running") || run.status == QLatin1String("paused")) && run.epochsPlanned > 0;
}

}  // namespace

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setOptionColumns(const QList<OptionColumn>& columns) {
    m_columns = columns;
    updateOptionColumns();
    if (!m_keys.isEmpty())
        Q_EMIT headerDataChanged(Qt::Horizontal, optionBase(), optionBase() + int(m_keys.size()) - 1);
}

void RunsTableModel::setRuns(const QList<RunRow>& runs) {
    QHash<qint64, int> incoming;
    for (int i = 0; i < runs.size(); ++i) incoming.insert(runs[i].id, i);

    // Vanished runs leave, from the bottom up so the rows above keep their numbers.
    for (int row = int(m_runs.size()) - 1; row >= 0; --row) {
        if (incoming.contains(m_runs[row].id)) continue;
        beginRemoveRows({}, row, row);
        m_checked.remove(m_runs[row].id);
        m_runs.removeAt(row);
        endRemoveRows();
    }
    m_rowOf.clear();
    for (int row = 0; row < m_runs.size(); ++row) {
        m_runs[row] = runs[incoming.value(m_runs[row].id)];
        m_rowOf.insert(m_runs[row].id, row);
    }
    const int updated = int(m_runs.size());
    QList<RunRow> added;
    for (const RunRow& run : runs)
        if (!m_rowOf.contains(run.id)) added.append(run);
    if (!added.isEmpty()) {
        beginInsertRows({}, updated, updated + int(added.size()) - 1);
        for (const RunRow& run : added) {
            m_rowOf.insert(run.id, int(m_runs.size()));
            m_runs.append(run);
        }
        endInsertRows();
    }
    updateOptionColumns();
    if (updated > 0) Q_EMIT dataChanged(index(0, 0), index(updated - 1, columnCount() - 1));
}

void RunsTableModel::updateOptionColumns() {
    QList<QVariantMap> options;
    options.reserve(m_runs.size());
    for (const RunRow& run : m_runs) options.append(run.options);
    const QStringList wanted = differingOptionKeys(options, m_columns);
    if (wanted == m_keys) return;
    // Both lists follow the same order, so after the removals the old keys are a subsequence of
    // the wanted ones and insertions at the right places finish the job: no reset needed.
    for (int i = int(m_keys.size()) - 1; i >= 0; --i) {
        if (wanted.contains(m_keys[i])) continue;
        beginRemoveColumns({}, optionBase() + i, optionBase() + i);
        m_keys.removeAt(i);
        endRemoveColumns();
    }
    for (int i = 0; i < wanted.size(); ++i) {
        if (i < m_keys.size() && m_keys[i] == wanted[i]) continue;
        beginInsertColumns({}, optionBase() + i, optionBase() + i);
        m_keys.insert(i, wanted[i]);
        endInsertColumns();
    }
}

const RunRow* RunsTableModel::runById(qint64 id) const {
    const auto it = m_rowOf.constFind(id);
    return it == m_rowOf.cend() ? nullptr : &m_runs[*it];
}

QModelIndex RunsTableModel::indexOf(qint64 id, int column) const {
    const auto it = m_rowOf.constFind(id);
    return it == m_rowOf.cend() ? QModelIndex() : index(*it, column);
}

QList<qint64> RunsTableModel::checkedIds() const {
    QList<qint64> ids;
    for (const RunRow& run : m_runs)
        if (m_checked.contains(run.id)) ids.append(run.id);
    return ids;
}

void RunsTableModel::setChecked(qint64 id, bool checked) {
    if (!m_rowOf.contains(id) || m_checked.contains(id) == checked) return;
    if (checked)
        m_checked.insert(id);
    else
        m_checked.remove(id);
    const QModelIndex cell = indexOf(id, ShowColumn);
    Q_EMIT dataChanged(cell, cell, {Qt::CheckStateRole, SortRole});
    Q_EMIT checkedChanged();
}

QString RunsTableModel::statusText(const RunRow& run) {
    return run.stopReason.isEmpty() ? run.status : QStringLiteral("%1 (%2)").arg(run.status, run.stopReason);
}

int RunsTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : optionBase() + int(m_keys.size());
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_runs.size()) return {};
    const RunRow& run = m_runs[index.row()];
    if (role == IdRole) return run.id;
    return cellData(run, index.column(), role);
}

QVariant RunsTableModel::cellData(const RunRow& run, int column, int role) const {
    const int option = column - optionBase();
    const bool isOption = option >= 0 && option < m_keys.size();
    if (role == Qt::TextAlignmentRole) {
        const bool text = column == NameColumn || column == StatusColumn ||
                          column == int(LeadingColumnCount) + int(HostColumn) ||
                          (isOption && sortKeyOf(run.options.value(m_keys[option])).typeId() == QMetaType::QString);
        return int((text ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    }
    switch (column) {
        case ShowColumn:
            if (role == Qt::CheckStateRole) return m_checked.contains(run.id) ? Qt::Checked : Qt::Unchecked;
            if (role == Qt::DecorationRole) return run.color;
            if (role == SortRole) return m_checked.contains(run.id) ? 1.0 : 0.0;
            if (role == FilterRole) {
                QStringList words{run.name, statusText(run)};
                for (auto it = run.options.cbegin(); it != run.options.cend(); ++it)
                    words << it.key() + QLatin1Char('=') + optionValueText(*it) << optionValueText(*it);
                return words.join(QLatin1Char(' ')).toLower();
            }
            if (role == Qt::ToolTipRole) return tr("Overlay this run on the charts");
            return {};
        case NameColumn:
            if (role == Qt::DisplayRole || role == Qt::EditRole || role == SortRole) return run.name;
            if (role == Qt::ToolTipRole) {
                QString tip = run.name;
                if (run.parentId != 0)
                    tip += tr("\nforked from run %1 at epoch %2").arg(run.parentId).arg(run.parentEpoch);
                return plainToolTip(tip);
            }
            return {};
        case StatusColumn:
            if (role == Qt::DisplayRole || role == SortRole) return statusText(run);
            if (role == ProgressRole)
                return hasProgressBar(run) ? std::clamp(double(run.epochsDone) / run.epochsPlanned, 0.0, 1.0) : -1.0;
            return {};
        default:
            break;
    }
    if (isOption) {
        const QVariant value = run.options.value(m_keys[option]);
        if (role == Qt::DisplayRole) return value.isValid() ? optionValueText(value) : QStringLiteral("—");
        if (role == SortRole) return sortKeyOf(value);
        if (role == Qt::ToolTipRole)
            return plainToolTip(m_keys[option] + QStringLiteral(" = ") + optionValueText(value));
        return {};
    }
    const int trailing = column - LeadingColumnCount;
    if (trailing == HostColumn && role == Qt::ToolTipRole && !run.worker.isEmpty())
        return plainToolTip(tr("Trained by worker %1").arg(run.worker));
    if (role != Qt::DisplayRole && role != SortRole) return {};
    const bool display = role == Qt::DisplayRole;
    switch (trailing) {
        case BestAccuracyColumn:
            return display ? QVariant(accuracyText(run.bestValAccuracy)) : QVariant(run.bestValAccuracy);
        case BestLossColumn:
            return display ? QVariant(lossText(run.bestValLoss)) : QVariant(run.bestValLoss);
        case EpochColumn:
            return display ? QVariant(QStringLiteral("%1/%2").arg(run.epochsDone).arg(run.epochsPlanned))
                           : QVariant(double(run.epochsDone));
        case TimeColumn:
            if (run.seconds <= 0 && run.epochsDone == 0)
                return display ? QVariant(QStringLiteral("—")) : QVariant(qQNaN());
            return display ? QVariant(runDurationText(run.seconds)) : QVariant(run.seconds);
        case SpeedColumn:
            if (!display) return run.samplesPerSecond > 0 ? run.samplesPerSecond : qQNaN();
            return run.samplesPerSecond > 0 ? humanCount(run.samplesPerSecond) : QStringLiteral("—");
        case HostColumn:
            return run.host;
        default:
            return {};
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    const int option = section - optionBase();
    if (option >= 0 && option < m_keys.size()) {
        if (role == Qt::DisplayRole) return optionLabel(m_keys[option], m_columns);
        if (role == Qt::ToolTipRole)
            return plainToolTip(tr("Option %1: differs between these runs").arg(m_keys[option]));
        return {};
    }
    if (role == Qt::ToolTipRole && section == ShowColumn) return tr("Which runs the charts overlay");
    // "Best acc", not "Best val acc": the main columns fit the ~580 px of the Runs tab at 1024×700.
    if (role == Qt::ToolTipRole && section == LeadingColumnCount + BestAccuracyColumn)
        return tr("Best validation accuracy");
    if (role == Qt::ToolTipRole && section == LeadingColumnCount + BestLossColumn) return tr("Best validation loss");
    if (role != Qt::DisplayRole) return {};
    if (section == ShowColumn) return tr("Show");
    if (section == NameColumn) return tr("Name");
    if (section == StatusColumn) return tr("Status");
    switch (section - LeadingColumnCount) {
        case BestAccuracyColumn:
            return tr("Best acc");
        case BestLossColumn:
            return tr("Best loss");
        case EpochColumn:
            return tr("Epoch");
        case TimeColumn:
            return tr("Time");
        case SpeedColumn:
            return tr("Samples/s");
        case HostColumn:
            return tr("Host");
        default:
            return {};
    }
}

Qt::ItemFlags RunsTableModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (index.column() == ShowColumn) f |= Qt::ItemIsUserCheckable;
    if (index.column() == NameColumn) f |= Qt::ItemIsEditable;
    return f;
}

bool RunsTableModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.row() >= m_runs.size()) return false;
    const RunRow& run = m_runs[index.row()];
    if (index.column() == ShowColumn && role == Qt::CheckStateRole) {
        setChecked(run.id, value.toInt() == Qt::Checked);
        return true;
    }
    if (index.column() == NameColumn && role == Qt::EditRole) {
        const QString name = value.toString().trimmed();
        if (name.isEmpty() || name == run.name) return false;
        Q_EMIT renameRequested(run.id, name);
        return true;
    }
    return false;
}

}  // namespace studio::widgets
