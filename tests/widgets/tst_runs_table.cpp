// RunsTable: option columns that tell runs apart, numeric sorting with missing values last,
// in-place updates that keep checks and selection, the filter, the overlay and rename intents,
// context actions by status, confirmation dialogs, and run names shown as plain text.
#include "run_fixtures.h"
#include "widgets/runs_table.h"
#include "widgets/runs_table_model.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTimer>
#include <QtTest>
#include <memory>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

QStringList shownColumn(const RunsTable& table, int column) {
    QStringList cells;
    for (int r = 0; r < table.view()->model()->rowCount(); ++r) cells << table.cellText(r, column);
    return cells;
}

int titleColumn(const RunsTable& table, const QString& title) {
    return int(table.columnTitles().indexOf(title));
}

RunRow run(qint64 id, const QString& status, QVariantMap options = {}) {
    RunRow r;
    r.id = id;
    r.name = QStringLiteral("run %1").arg(id);
    r.status = status;
    r.epochsDone = 2;
    r.epochsPlanned = 10;
    r.options = options;
    return r;
}

QMap<int, bool> menuEnablement(RunsTable& table, const QList<qint64>& ids) {
    std::unique_ptr<QMenu> menu(table.createContextMenu(ids));
    QMap<int, bool> enabled;
    for (QAction* a : menu->actions())
        if (!a->isSeparator()) enabled[a->data().toInt()] = a->isEnabled();
    return enabled;
}

}  // namespace

class RunsTableTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void differingOptionsBecomeColumns();
    void numbersSortAsNumbersNaNLast();
    void updatesInPlaceKeepingChecksAndSelection();
    void newAndVanishedRunsAreRowsNotResets();
    void filterMatchesNameStatusAndOptions();
    void checkingEmitsOverlay();
    void actionsFollowStatus_data();
    void actionsFollowStatus();
    void statusActionsAskOnlyForFittingRuns();
    void renameBySetDataAsksForRename();
    void namesArePlainText();
    void deleteKeyConfirmsNamingTheRuns();
    void forkAsksForAnEpochWithinDone();
    void cellsReadAsPeopleSayThem();
    void currentRunIsReported();
    void mainColumnsFitWithoutSideways();
};

void RunsTableTest::differingOptionsBecomeColumns() {
    RunsTable table;
    table.setOptionColumns(kOptionColumns);
    QList<RunRow> runs = sampleRuns();
    table.setRuns(runs);
    // Learning rate, batch size and optimizer differ; epochs and seed are the same everywhere.
    QCOMPARE(table.runsModel()->optionKeys(), (QStringList{"learning_rate", "batch_size", "optimizer"}));
    QVERIFY(titleColumn(table, "Learning rate") > 0);
    QCOMPARE(titleColumn(table, "Epochs"), -1);
    QCOMPARE(titleColumn(table, "seed"), -1);

    for (RunRow& r : runs) r.options["optimizer"] = "adam";  // now all the same: the column goes
    runs[4].options["seed"] = 7;                             // unlabelled key: titled by the key
    QSignalSpy reset(table.runsModel(), &QAbstractItemModel::modelReset);
    table.setRuns(runs);
    QCOMPARE(table.runsModel()->optionKeys(), (QStringList{"learning_rate", "batch_size", "seed"}));
    QCOMPARE(titleColumn(table, "Optimizer"), -1);
    QVERIFY(titleColumn(table, "seed") > 0);
    QCOMPARE(table.cellText(4, titleColumn(table, "seed")), QString("7"));
    QCOMPARE(reset.count(), 0);

    runs.remove(1, 8);  // a single run differs from nothing
    table.setRuns(runs);
    QVERIFY(table.runsModel()->optionKeys().isEmpty());
}

void RunsTableTest::numbersSortAsNumbersNaNLast() {
    RunsTable table;
    QList<RunRow> runs{run(1, "finished", {{"batch_size", 10}}), run(2, "finished", {{"batch_size", "9"}}),
                       run(3, "finished", {{"batch_size", 100}}), run(4, "queued", {{"batch_size", 32}})};
    runs[0].bestValAccuracy = 0.8;
    runs[1].bestValAccuracy = 0.75;
    runs[2].bestValAccuracy = 0.9;  // run 4 has none (NaN)
    table.setRuns(runs);
    const int batch = titleColumn(table, "batch_size");
    table.view()->sortByColumn(batch, Qt::AscendingOrder);
    QCOMPARE(shownColumn(table, batch), (QStringList{"9", "10", "32", "100"}));
    const int best = titleColumn(table, "Best acc");
    table.view()->sortByColumn(best, Qt::AscendingOrder);
    QCOMPARE(shownColumn(table, best), (QStringList{"75.0%", "80.0%", "90.0%", "—"}));
    table.view()->sortByColumn(best, Qt::DescendingOrder);
    QCOMPARE(shownColumn(table, best), (QStringList{"90.0%", "80.0%", "75.0%", "—"}));
}

void RunsTableTest::updatesInPlaceKeepingChecksAndSelection() {
    RunsTable table;
    table.setOptionColumns(kOptionColumns);
    QList<RunRow> runs = sampleRuns();
    table.setRuns(runs);
    const int best = titleColumn(table, "Best acc");
    table.view()->sortByColumn(best, Qt::DescendingOrder);
    table.setChecked(3, true);
    table.setChecked(6, true);
    auto* selection = table.view()->selectionModel();
    const QModelIndex first = table.view()->model()->index(0, 0), second = table.view()->model()->index(2, 0);
    selection->select(first, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    selection->select(second, QItemSelectionModel::Select | QItemSelectionModel::Rows);
    const QList<qint64> selected = table.selectedRunIds();
    QCOMPARE(selected.size(), 2);
    const QPersistentModelIndex sourceRow = table.runsModel()->indexOf(6, RunsTableModel::NameColumn);

    QSignalSpy reset(table.runsModel(), &QAbstractItemModel::modelReset);
    QSignalSpy removed(table.runsModel(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy overlay(&table, &RunsTable::overlayChanged);
    runs[5].epochsDone = 5;  // the running run advanced
    runs[5].bestValAccuracy = 0.5;
    table.setRuns(runs);
    table.setRuns(runs);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(removed.count(), 0);
    QCOMPARE(overlay.count(), 0);
    QVERIFY(sourceRow.isValid());
    QCOMPARE(sourceRow.row(), 5);  // the same row object, not a rebuilt one
    QCOMPARE(table.checkedRunIds(), (QList<qint64>{3, 6}));
    QCOMPARE(table.selectedRunIds(), selected);
    QCOMPARE(table.view()->horizontalHeader()->sortIndicatorSection(), best);
    QCOMPARE(table.runsModel()->runById(6)->epochsDone, 5);
}

void RunsTableTest::newAndVanishedRunsAreRowsNotResets() {
    RunsTable table;
    QList<RunRow> runs = sampleRuns();
    table.setRuns(runs.mid(0, 5));
    table.setChecked(2, true);
    QSignalSpy reset(table.runsModel(), &QAbstractItemModel::modelReset);
    QSignalSpy inserted(table.runsModel(), &QAbstractItemModel::rowsInserted);
    table.setRuns(runs);
    QCOMPARE(table.view()->model()->rowCount(), 9);
    QCOMPARE(inserted.count(), 1);
    QList<RunRow> fewer = runs;
    fewer.removeAt(1);  // run 2 deleted: its check goes with it
    table.setRuns(fewer);
    QCOMPARE(table.view()->model()->rowCount(), 8);
    QVERIFY(table.checkedRunIds().isEmpty());
    QCOMPARE(reset.count(), 0);
}

void RunsTableTest::filterMatchesNameStatusAndOptions() {
    RunsTable table;
    table.setOptionColumns(kOptionColumns);
    table.setRuns(sampleRuns());
    QAbstractItemModel* shown = table.view()->model();
    table.filterEdit()->setText("sgd");  // an option value
    QCOMPARE(shown->rowCount(), 3);
    table.setFilterText("FINISHED 128");  // status and batch size, any case, every word
    QCOMPARE(shown->rowCount(), 1);
    QCOMPARE(table.filterEdit()->text(), QString("FINISHED 128"));
    table.setFilterText("pruned");  // the stop reason is part of the status
    QCOMPARE(shown->rowCount(), 1);
    table.setFilterText("lr0.001-b64");  // a name
    QCOMPARE(shown->rowCount(), 1);
    table.setFilterText("");
    QCOMPARE(shown->rowCount(), 9);
}

void RunsTableTest::checkingEmitsOverlay() {
    RunsTable table;
    table.setRuns(sampleRuns());
    QSignalSpy overlay(&table, &RunsTable::overlayChanged);
    QAbstractItemModel* shown = table.view()->model();
    // As the view does when the user clicks a check box.
    QVERIFY(shown->setData(shown->index(4, RunsTableModel::ShowColumn), Qt::Checked, Qt::CheckStateRole));
    QCOMPARE(overlay.count(), 1);
    QCOMPARE(overlay.at(0).at(0).value<QList<qint64>>(), (QList<qint64>{5}));
    table.setChecked(1, true);
    QCOMPARE(overlay.last().at(0).value<QList<qint64>>(), (QList<qint64>{1, 5}));
    table.setChecked(1, true);  // no change, no signal
    QCOMPARE(overlay.count(), 2);
    QCOMPARE(shown->index(0, RunsTableModel::ShowColumn).data(Qt::DecorationRole).value<QColor>(), runColor(0));
}

void RunsTableTest::actionsFollowStatus_data() {
    QTest::addColumn<QStringList>("statuses");
    QTest::addColumn<int>("action");
    QTest::addColumn<bool>("enabled");
    const auto row = [](const char* name, QStringList s, RunAction a, bool e) {
        QTest::newRow(name) << s << int(a) << e;
    };
    row("stop running", {"running"}, RunAction::Stop, true);
    row("stop paused", {"paused"}, RunAction::Stop, true);
    row("stop finished", {"finished"}, RunAction::Stop, false);
    row("pause running", {"running"}, RunAction::Pause, true);
    row("pause paused", {"paused"}, RunAction::Pause, false);
    row("resume stopped", {"stopped"}, RunAction::Resume, true);
    row("resume interrupted", {"interrupted"}, RunAction::Resume, true);
    row("resume failed", {"failed"}, RunAction::Resume, true);
    row("resume running", {"running"}, RunAction::Resume, false);
    row("train more finished", {"finished"}, RunAction::TrainMore, true);
    row("train more running", {"running"}, RunAction::TrainMore, false);
    row("compare one", {"finished"}, RunAction::Compare, false);
    row("compare two", {"finished", "failed"}, RunAction::Compare, true);
    row("rename two", {"finished", "failed"}, RunAction::Rename, false);
    row("fork one", {"finished"}, RunAction::Fork, true);
    row("delete running", {"finished", "running"}, RunAction::Delete, false);
    row("delete finished", {"finished", "failed"}, RunAction::Delete, true);
    row("promote finished", {"finished"}, RunAction::Promote, true);
    row("stop mixed", {"finished", "running"}, RunAction::Stop, true);
}

void RunsTableTest::actionsFollowStatus() {
    QFETCH(QStringList, statuses);
    QFETCH(int, action);
    QFETCH(bool, enabled);
    RunsTable table;
    QList<RunRow> runs;
    QList<qint64> ids;
    for (int i = 0; i < statuses.size(); ++i) {
        runs.append(run(i + 1, statuses[i]));
        ids.append(i + 1);
    }
    table.setRuns(runs);
    const QMap<int, bool> menu = menuEnablement(table, ids);
    QCOMPARE(menu.size(), 10);  // every action is listed, enabled or not
    QCOMPARE(menu.value(action), enabled);
    QCOMPARE(RunsTable::isActionEnabled(RunAction(action), runs), enabled);
}

void RunsTableTest::statusActionsAskOnlyForFittingRuns() {
    RunsTable table;
    table.setRuns({run(1, "finished"), run(2, "running"), run(3, "paused")});
    QSignalSpy actions(&table, &RunsTable::actionRequested);
    std::unique_ptr<QMenu> menu(table.createContextMenu({1, 2, 3}));
    for (QAction* a : menu->actions())
        if (a->data().toInt() == int(RunAction::Stop)) a->trigger();
    QCOMPARE(actions.count(), 1);
    QCOMPARE(actions.at(0).at(0).value<RunAction>(), RunAction::Stop);
    QCOMPARE(actions.at(0).at(1).value<QList<qint64>>(), (QList<qint64>{2, 3}));
}

void RunsTableTest::renameBySetDataAsksForRename() {
    RunsTable table;
    table.setRuns(sampleRuns());
    QSignalSpy rename(&table, &RunsTable::renameRequested);
    QAbstractItemModel* shown = table.view()->model();
    const QModelIndex name = shown->index(2, RunsTableModel::NameColumn);
    QVERIFY(name.flags() & Qt::ItemIsEditable);
    QVERIFY(!(shown->index(2, RunsTableModel::StatusColumn).flags() & Qt::ItemIsEditable));
    QVERIFY(shown->setData(name, "  best so far "));
    QCOMPARE(rename.count(), 1);
    QCOMPARE(rename.at(0).at(0).toLongLong(), 3);
    QCOMPARE(rename.at(0).at(1).toString(), QString("best so far"));
    QVERIFY(!shown->setData(name, "   "));  // an empty name is not a rename
    QCOMPARE(rename.count(), 1);
}

void RunsTableTest::namesArePlainText() {
    RunsTable table;
    RunRow r = run(1, "finished", {{"note", "<i>tag</i>"}});
    r.name = "<b>x</b>";
    RunRow other = run(2, "finished", {{"note", "plain"}});
    table.setRuns({r, other});
    QCOMPARE(table.cellText(0, RunsTableModel::NameColumn), QString("<b>x</b>"));
    QCOMPARE(table.cellText(0, titleColumn(table, "note")), QString("<i>tag</i>"));
    // A tooltip would render tags: it carries the name escaped.
    const QString tip = table.view()->model()->index(0, RunsTableModel::NameColumn).data(Qt::ToolTipRole).toString();
    QVERIFY2(tip.contains("&lt;b&gt;x&lt;/b&gt;"), qPrintable(tip));
    QCOMPARE(RunsTable::deleteQuestion({r}), QString("Delete run “<b>x</b>” and its checkpoints?"));
}

void RunsTableTest::deleteKeyConfirmsNamingTheRuns() {
    RunsTable table;
    table.setRuns(sampleRuns());
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    table.view()->setFocus();
    table.view()->selectionModel()->select(table.view()->model()->index(0, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    table.view()->selectionModel()->select(table.view()->model()->index(1, 0),
                                           QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QSignalSpy actions(&table, &RunsTable::actionRequested);
    QString asked;
    QTimer::singleShot(0, [&asked] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        asked = box->text();
        QCOMPARE(box->textFormat(), Qt::PlainText);
        box->button(QMessageBox::Yes)->click();
    });
    QTest::keyClick(table.view(), Qt::Key_Delete);
    QCOMPARE(asked, QString("Delete 2 runs and their checkpoints?"));
    QCOMPARE(actions.count(), 1);
    QCOMPARE(actions.at(0).at(0).value<RunAction>(), RunAction::Delete);
    QCOMPARE(actions.at(0).at(1).value<QList<qint64>>(), (QList<qint64>{1, 2}));

    QTimer::singleShot(0, [] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget()))
            box->button(QMessageBox::Cancel)->click();
    });
    QTest::keyClick(table.view(), Qt::Key_Delete);
    QCOMPARE(actions.count(), 1);  // cancelled
}

void RunsTableTest::forkAsksForAnEpochWithinDone() {
    RunsTable table;
    table.setRuns(sampleRuns());
    QSignalSpy fork(&table, &RunsTable::forkRequested);
    int minimum = 0, maximum = 0;
    QTimer::singleShot(0, [&] {
        auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        minimum = dialog->intMinimum();
        maximum = dialog->intMaximum();
        dialog->setIntValue(3);
        dialog->accept();
    });
    std::unique_ptr<QMenu> menu(table.createContextMenu({7}));  // paused at epoch 6
    for (QAction* a : menu->actions())
        if (a->data().toInt() == int(RunAction::Fork)) a->trigger();
    QCOMPARE(minimum, 1);
    QCOMPARE(maximum, 6);
    QCOMPARE(fork.count(), 1);
    QCOMPARE(fork.at(0).at(0).toLongLong(), 7);
    QCOMPARE(fork.at(0).at(1).toInt(), 3);
}

void RunsTableTest::cellsReadAsPeopleSayThem() {
    RunsTable table;
    RunRow r = run(1, "stopped");
    r.stopReason = "pruned";
    r.epochsDone = 3;
    r.seconds = 65;
    r.bestValAccuracy = 0.9123;
    r.bestValLoss = 0.31234;
    r.samplesPerSecond = 12480;
    RunRow running = run(2, "running");
    table.setRuns({r, running});
    const auto cell = [&](const char* title) { return table.cellText(0, titleColumn(table, title)); };
    QCOMPARE(table.cellText(0, RunsTableModel::StatusColumn), QString("stopped (pruned)"));
    QCOMPARE(cell("Best acc"), QString("91.2%"));
    QCOMPARE(cell("Best loss"), QString("0.312"));
    QCOMPARE(cell("Epoch"), QString("3/10"));
    QCOMPARE(cell("Time"), QString("1 m 05 s"));
    QCOMPARE(cell("Samples/s"), QString("12.5 k"));
    QAbstractItemModel* shown = table.view()->model();
    QCOMPARE(shown->index(0, RunsTableModel::StatusColumn).data(RunsTableModel::ProgressRole).toDouble(), -1.0);
    QCOMPARE(shown->index(1, RunsTableModel::StatusColumn).data(RunsTableModel::ProgressRole).toDouble(), 0.2);
}

void RunsTableTest::currentRunIsReported() {
    RunsTable table;
    table.setRuns(sampleRuns());
    QSignalSpy current(&table, &RunsTable::currentRunChanged);
    table.view()->setCurrentIndex(table.view()->model()->index(3, 1));
    QCOMPARE(current.count(), 1);
    QCOMPARE(current.at(0).at(0).toLongLong(), 4);
    table.setRuns(sampleRuns());  // an update is not a new current run
    QCOMPARE(current.count(), 1);
}

// At 1024×700 the Runs tab gives the table about 582 px. The main columns (Show to Time) fit in
// it without scrolling sideways, each at least as wide as its title and its values; the option
// columns after them may scroll.
void RunsTableTest::mainColumnsFitWithoutSideways() {
    RunsTable table;
    table.resize(582, 300);
    table.setOptionColumns(kOptionColumns);
    table.setRuns(sampleRuns());
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.view();
    QHeaderView* header = view->horizontalHeader();
    const int lastMain = RunsTableModel::LeadingColumnCount + RunsTableModel::TimeColumn;
    for (int c = 0; c <= lastMain; ++c) {
        int needed = header->sectionSizeHint(c);
        for (int r = 0; r < view->model()->rowCount(); ++r)
            needed = std::max(needed, view->sizeHintForIndex(view->model()->index(r, c)).width() + 1);
        QVERIFY2(header->sectionSize(c) >= needed, qPrintable(QString("column %1 '%2': %3 px of %4")
                                                                  .arg(c)
                                                                  .arg(table.columnTitles().value(c))
                                                                  .arg(header->sectionSize(c))
                                                                  .arg(needed)));
    }
    view->horizontalScrollBar()->setValue(0);
    const int right = header->sectionViewportPosition(lastMain) + header->sectionSize(lastMain);
    QVERIFY2(right <= view->viewport()->width(),
             qPrintable(QString("Time ends at %1 px of %2").arg(right).arg(view->viewport()->width())));
}

QTEST_MAIN(RunsTableTest)
#include "tst_runs_table.moc"
