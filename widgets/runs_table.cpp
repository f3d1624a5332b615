#include "widgets/runs_table.h"

#include "widgets/runs_table_model.h"

#include <QAction>
#include <QApplication>
#include <QCollator>

#include "widgets/natural_order.h"
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

bool isNaNNumber(const QVariant& v) {
    return v.typeId() == QMetaType::Double && std::isnan(v.toDouble());
}

// Numbers by value, text the way people sort names ("run 9" before "run 10"); a missing value
// (NaN) sorts last in both directions, so the runs without a result never crowd the top.
class RunsSortModel : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override {
        const QVariant a = left.data(RunsTableModel::SortRole);
        const QVariant b = right.data(RunsTableModel::SortRole);
        const bool aNaN = isNaNNumber(a), bNaN = isNaNNumber(b);
        // Descending sorts compare with the arguments swapped: NaN must then be the "smaller".
        if (aNaN || bNaN) return aNaN != bNaN && (sortOrder() == Qt::AscendingOrder ? bNaN : aNaN);
        const bool aNumber = a.typeId() == QMetaType::Double, bNumber = b.typeId() == QMetaType::Double;
        if (aNumber && bNumber) return a.toDouble() < b.toDouble();
        if (aNumber != bNumber) return aNumber;  // numbers before text
        return m_collator.compare(a.toString(), b.toString()) < 0;
    }

private:
    QCollator m_collator = naturalOrder();
};

// The status cell of a training run is a progress bar (epochs done of planned) with the status
// as its text; other statuses are plain text.
class StatusDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        const double progress = index.data(RunsTableModel::ProgressRole).toDouble();
        if (progress < 0.0) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        QStyleOptionViewItem cell(option);
        initStyleOption(&cell, index);
        const QString text = cell.text;
        cell.text.clear();
        QStyle* style = cell.widget ? cell.widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &cell, painter, cell.widget);
        QStyleOptionProgressBar bar;
        bar.rect = cell.rect.adjusted(3, 3, -3, -3);
        bar.palette = cell.palette;
        bar.state = (cell.state & QStyle::State_Enabled) | QStyle::State_Horizontal;
        bar.fontMetrics = cell.fontMetrics;
        bar.minimum = 0;
        bar.maximum = 1000;
        bar.progress = int(std::lround(progress * 1000));
        bar.text = text;  // plain text: a progress bar's label is never rich text
        bar.textVisible = true;
        bar.textAlignment = Qt::AlignCenter;
        style->drawControl(QStyle::CE_ProgressBar, &bar, painter, cell.widget);
    }
};

bool hasStatus(const RunRow& run, std::initializer_list<const char*> statuses) {
    for (const char* s : statuses)
        if (run.status == QLatin1String(s)) return true;
    return false;
}

// The status rules of isActionEnabled(); nullopt for actions that do not depend on the status.
std::optional<bool> statusAllows(RunAction action, const RunRow& run) {
    switch (action) {
        case RunAction::Stop:
            return hasStatus(run, {"running", "paused"});
        case RunAction::Pause:
            return hasStatus(run, {"running"});
        case RunAction::Resume:
            return hasStatus(run, {"paused", "stopped", "interrupted", "failed"});
        case RunAction::TrainMore:
            return hasStatus(run, {"finished"});
        default:
            return std::nullopt;
    }
}

struct ActionText {
    RunAction action;
    const char* text;
};
constexpr ActionText kMenu[] = {
    {RunAction::Stop, QT_TRANSLATE_NOOP("RunsTable", "Stop")},
    {RunAction::Pause, QT_TRANSLATE_NOOP("RunsTable", "Pause")},
    {RunAction::Resume, QT_TRANSLATE_NOOP("RunsTable", "Resume")},
    {RunAction::TrainMore, QT_TRANSLATE_NOOP("RunsTable", "Train more…")},
    {RunAction::Fork, QT_TRANSLATE_NOOP("RunsTable", "Fork from epoch…")},
    {RunAction::Rename, QT_TRANSLATE_NOOP("RunsTable", "Rename")},
    {RunAction::Delete, QT_TRANSLATE_NOOP("RunsTable", "Delete…")},
    {RunAction::Compare, QT_TRANSLATE_NOOP("RunsTable", "Compare")},
    {RunAction::ExportCsv, QT_TRANSLATE_NOOP("RunsTable", "Export CSV…")},
    {RunAction::Promote, QT_TRANSLATE_NOOP("RunsTable", "Promote to current model")},
};

}  // namespace

RunsTable::RunsTable(QWidget* parent) : QWidget(parent) {
    m_model = new RunsTableModel(this);
    m_proxy = new RunsSortModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(RunsTableModel::ShowColumn);
    m_proxy->setFilterRole(RunsTableModel::FilterRole);
    m_proxy->setDynamicSortFilter(true);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter runs by name, status or option…"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, this, &RunsTable::setFilterText);

    m_view = new QTableView(this);
    m_view->setModel(m_proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setItemDelegateForColumn(RunsTableModel::StatusColumn, new StatusDelegate(m_view));
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_view->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder);  // store order until the user sorts
    m_view->setSortingEnabled(true);
    m_view->horizontalHeader()->setSectionsMovable(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, &RunsTable::showContextMenu);
    // A new option column fits its values once; later updates leave widths to the user.
    connect(m_model, &QAbstractItemModel::columnsInserted, this, [this](const QModelIndex&, int first, int last) {
        for (int c = first; c <= last; ++c) m_view->resizeColumnToContents(c);
    });

    auto* remove = new QAction(tr("Delete"), m_view);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(remove, &QAction::triggered, this, [this] {
        const QList<qint64> ids = selectedRunIds();
        if (isActionEnabled(RunAction::Delete, runsOf(ids))) trigger(RunAction::Delete, ids);
    });
    m_view->addAction(remove);

    connect(m_model, &RunsTableModel::checkedChanged, this, [this] { Q_EMIT overlayChanged(checkedRunIds()); });
    connect(m_model, &RunsTableModel::renameRequested, this, &RunsTable::renameRequested);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                const qint64 id = current.isValid() ? current.data(RunsTableModel::IdRole).toLongLong() : 0;
                if (id == m_currentId) return;
                m_currentId = id;
                Q_EMIT currentRunChanged(id);
            });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
}

void RunsTable::setOptionColumns(const QList<OptionColumn>& columns) {
    m_model->setOptionColumns(columns);
}

void RunsTable::setRuns(const QList<RunRow>& runs) {
    m_model->setRuns(runs);
    if (!m_sizedColumns && !runs.isEmpty()) {
        m_view->resizeColumnsToContents();
        // Long names (a fork's, a sweep trial's) are elided rather than pushing the metrics away;
        // short ones and the status keep their content width, so Show to Time fit ~580 px (the
        // Runs tab at 1024×700) without scrolling sideways.
        m_view->setColumnWidth(RunsTableModel::NameColumn,
                               std::clamp(m_view->columnWidth(RunsTableModel::NameColumn), 90, 180));
        m_view->setColumnWidth(RunsTableModel::StatusColumn,
                               std::clamp(m_view->columnWidth(RunsTableModel::StatusColumn), 90, 170));
        m_sizedColumns = true;
    }
}

QList<qint64> RunsTable::selectedRunIds() const {
    QList<qint64> ids;
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& row : rows) ids.append(row.data(RunsTableModel::IdRole).toLongLong());
    return ids;
}

QList<qint64> RunsTable::checkedRunIds() const {
    return m_model->checkedIds();
}

void RunsTable::setChecked(qint64 id, bool checked) {
    m_model->setChecked(id, checked);
}

void RunsTable::setFilterText(const QString& text) {
    if (m_filter->text() != text) m_filter->setText(text);  // comes back here once
    // Every word must appear somewhere: one lookahead per word.
    QString pattern;
    for (const QString& word : text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts))
        pattern += QStringLiteral("(?=.*%1)").arg(QRegularExpression::escape(word.toLower()));
    m_proxy->setFilterRegularExpression(QRegularExpression(
        pattern, QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption));
}

bool RunsTable::isActionEnabled(RunAction action, const QList<RunRow>& runs) {
    if (runs.isEmpty()) return false;
    switch (action) {
        case RunAction::Fork:
        case RunAction::Promote:
            return runs.size() == 1 && runs.first().epochsDone >= 1;
        case RunAction::Rename:
            return runs.size() == 1;
        case RunAction::Compare:
            return runs.size() >= 2;
        case RunAction::Delete:
            return std::none_of(runs.begin(), runs.end(), [](const RunRow& r) { return hasStatus(r, {"running"}); });
        case RunAction::ExportCsv:
            return true;
        default:
            return !applicableIds(action, runs).isEmpty();
    }
}

QList<qint64> RunsTable::applicableIds(RunAction action, const QList<RunRow>& runs) {
    QList<qint64> ids;
    for (const RunRow& run : runs)
        if (statusAllows(action, run).value_or(true)) ids.append(run.id);
    return ids;
}

QString RunsTable::deleteQuestion(const QList<RunRow>& runs) {
    if (runs.size() == 1) return tr("Delete run “%1” and its checkpoints?").arg(runs.first().name);
    return tr("Delete %1 runs and their checkpoints?").arg(runs.size());
}

QMenu* RunsTable::createContextMenu(const QList<qint64>& ids, QWidget* parent) {
    auto* menu = new QMenu(parent);
    const QList<RunRow> runs = runsOf(ids);
    for (const ActionText& item : kMenu) {
        if (item.action == RunAction::Fork || item.action == RunAction::Delete || item.action == RunAction::Compare)
            menu->addSeparator();
        QAction* action = menu->addAction(tr(item.text));
        action->setData(int(item.action));
        action->setEnabled(isActionEnabled(item.action, runs));
        if (item.action == RunAction::Delete) action->setShortcut(QKeySequence::Delete);
        connect(action, &QAction::triggered, this, [this, a = item.action, ids] { trigger(a, ids); });
    }
    return menu;
}

QStringList RunsTable::columnTitles() const {
    QStringList titles;
    for (int c = 0; c < m_proxy->columnCount(); ++c) titles << m_proxy->headerData(c, Qt::Horizontal).toString();
    return titles;
}

QString RunsTable::cellText(int row, int column) const {
    return m_proxy->index(row, column).data(Qt::DisplayRole).toString();
}

QList<RunRow> RunsTable::runsOf(const QList<qint64>& ids) const {
    QList<RunRow> runs;
    for (qint64 id : ids)
        if (const RunRow* run = m_model->runById(id)) runs.append(*run);
    return runs;
}

void RunsTable::trigger(RunAction action, const QList<qint64>& ids) {
    const QList<RunRow> runs = runsOf(ids);
    if (!isActionEnabled(action, runs)) return;
    if (action == RunAction::Rename) {
        const QModelIndex name = m_proxy->mapFromSource(m_model->indexOf(ids.first(), RunsTableModel::NameColumn));
        if (name.isValid()) m_view->edit(name);
        return;
    }
    if (action == RunAction::Fork) {
        const RunRow& run = runs.first();
        bool ok = false;
        // The label is rich text built from plain text: a run named "<b>x</b>" reads literally.
        const int epoch = QInputDialog::getInt(
            this, tr("Fork run"),
            Qt::convertFromPlainText(
                tr("Start a new run from “%1” at epoch (1–%2):").arg(run.name).arg(run.epochsDone)),
            run.epochsDone, 1, run.epochsDone, 1, &ok);
        if (ok) Q_EMIT forkRequested(run.id, epoch);
        return;
    }
    if (action == RunAction::Delete) {
        QMessageBox box(QMessageBox::Warning, tr("Delete runs"), deleteQuestion(runs),
                        QMessageBox::Yes | QMessageBox::Cancel, this);
        box.setTextFormat(Qt::PlainText);
        QStringList names;
        for (const RunRow& run : runs) names << run.name;
        box.setInformativeText(Qt::convertFromPlainText(names.join(QLatin1Char('\n'))));  // names read literally
        box.setDefaultButton(QMessageBox::Cancel);
        if (box.exec() != QMessageBox::Yes) return;
    }
    Q_EMIT actionRequested(action, applicableIds(action, runs));
}

void RunsTable::showContextMenu(const QPoint& pos) {
    const QList<qint64> ids = selectedRunIds();
    if (ids.isEmpty()) return;
    QMenu* menu = createContextMenu(ids, this);
    menu->exec(m_view->viewport()->mapToGlobal(pos));
    menu->deleteLater();
}

}  // namespace studio::widgets
