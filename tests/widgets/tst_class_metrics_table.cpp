// ClassMetricsTable: numbers as percentages, sorting by value (not by text) from the header,
// the summary line, and double-click naming the class index whatever the sort.
#include "widgets/class_metrics_table.h"

#include <QHeaderView>
#include <QSignalSpy>
#include <QScrollBar>
#include <QTableView>
#include <QtTest>

using namespace studio::widgets;

namespace {

// Chosen so that text order and numeric order differ: "9.5%" > "10.0%" > "100.0%" as strings,
// and support 950 > 10,000 > 1,200 as strings.
QList<ClassMetricsRow> rows() {
    return {{"Bag", 0.95, 1.0, 1.0, 1200},
            {"Shirt", 0.12, 0.08, 0.095, 950},
            {"Coat", 0.10, 0.10, 0.10, 10000},
            {"Trouser", 0.985, 0.97, 0.9775, 999}};
}

// As a real double-click arrives: press, release, then the double-click event (which the widget
// overload of QTest::mouseDClick sends alone).
void doubleClick(QWidget* widget, QPoint pos) {
    QTest::mouseClick(widget, Qt::LeftButton, {}, pos);
    QTest::mouseDClick(widget, Qt::LeftButton, {}, pos);
}

void clickHeader(ClassMetricsTable& table, int column) {
    QHeaderView* header = table.tableView()->horizontalHeader();
    const QPoint centre(header->sectionViewportPosition(column) + header->sectionSize(column) / 2,
                        header->height() / 2);
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, centre);
}

}  // namespace

class ClassMetricsTableTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsPercentages();
    void summaryText_data();
    void summaryText();
    void headerClickSortsNumerically_data();
    void headerClickSortsNumerically();
    void sortSurvivesNewMetrics();
    void doubleClickNamesClassIndex();
    void clearEmpties();
    void fitsWithoutSideways();
};

void ClassMetricsTableTest::showsPercentages() {
    ClassMetricsTable table;
    table.setMetrics(rows(), 0.5, 0.54, 12149);
    const QAbstractItemModel* m = table.tableView()->model();
    QCOMPARE(m->rowCount(), 4);
    QCOMPARE(m->columnCount(), 5);
    QCOMPARE(m->headerData(ClassMetricsTable::F1, Qt::Horizontal).toString(), QString("F1"));
    QCOMPARE(m->index(1, ClassMetricsTable::Class).data().toString(), QString("Shirt"));
    QCOMPARE(m->index(1, ClassMetricsTable::Precision).data().toString(), QString("12.0%"));
    QCOMPARE(m->index(1, ClassMetricsTable::Recall).data().toString(), QString("8.0%"));
    QCOMPARE(m->index(1, ClassMetricsTable::F1).data().toString(), QString("9.5%"));
    QCOMPARE(m->index(2, ClassMetricsTable::Support).data().toString(), QString("10,000"));
    QCOMPARE(m->index(3, ClassMetricsTable::F1).data().toString(), QString("97.8%"));  // 97.75 rounds up
    QCOMPARE(ClassMetricsTable::percentText(1.0), QString("100.0%"));
    QCOMPARE(ClassMetricsTable::percentText(0.0), QString("0.0%"));
    QVERIFY(m->index(1, ClassMetricsTable::F1).data(Qt::ToolTipRole).toString().contains("Shirt"));
    // Unsorted at first: class order.
    QCOMPARE(table.displayedClassNames(), QStringList({"Bag", "Shirt", "Coat", "Trouser"}));
}

void ClassMetricsTableTest::summaryText_data() {
    QTest::addColumn<double>("accuracy");
    QTest::addColumn<double>("macroF1");
    QTest::addColumn<int>("samples");
    QTest::addColumn<QString>("expected");
    QTest::newRow("fashion") << 0.9123 << 0.90512 << 10000 << "Accuracy 91.2% · macro-F1 0.905 · 10,000 samples";
    QTest::newRow("perfect") << 1.0 << 1.0 << 60 << "Accuracy 100.0% · macro-F1 1.000 · 60 samples";
    QTest::newRow("rounding") << 0.08849 << 0.06249 << 1234567 << "Accuracy 8.8% · macro-F1 0.062 · 1,234,567 samples";
}

void ClassMetricsTableTest::summaryText() {
    QFETCH(double, accuracy);
    QFETCH(double, macroF1);
    QFETCH(int, samples);
    QFETCH(QString, expected);
    ClassMetricsTable table;
    table.setMetrics(rows(), accuracy, macroF1, samples);
    QCOMPARE(table.summaryText(), expected);
}

void ClassMetricsTableTest::headerClickSortsNumerically_data() {
    QTest::addColumn<int>("column");
    QTest::addColumn<QStringList>("ascending");
    QTest::newRow("F1") << int(ClassMetricsTable::F1) << QStringList{"Shirt", "Coat", "Trouser", "Bag"};
    QTest::newRow("support") << int(ClassMetricsTable::Support) << QStringList{"Shirt", "Trouser", "Bag", "Coat"};
    QTest::newRow("precision") << int(ClassMetricsTable::Precision) << QStringList{"Coat", "Shirt", "Bag", "Trouser"};
    QTest::newRow("class") << int(ClassMetricsTable::Class) << QStringList{"Bag", "Coat", "Shirt", "Trouser"};
}

void ClassMetricsTableTest::headerClickSortsNumerically() {
    QFETCH(int, column);
    QFETCH(QStringList, ascending);
    ClassMetricsTable table;
    table.resize(500, 300);
    table.setMetrics(rows(), 0.5, 0.5, 12149);
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    clickHeader(table, column);
    QCOMPARE(table.displayedClassNames(), ascending);
    QCOMPARE(table.tableView()->horizontalHeader()->sortIndicatorSection(), column);
    clickHeader(table, column);
    QStringList descending = ascending;
    std::reverse(descending.begin(), descending.end());
    QCOMPARE(table.displayedClassNames(), descending);
    clickHeader(table, column);  // third click: back to class order
    QCOMPARE(table.displayedClassNames(), QStringList({"Bag", "Shirt", "Coat", "Trouser"}));
}

void ClassMetricsTableTest::sortSurvivesNewMetrics() {
    ClassMetricsTable table;
    table.setMetrics(rows(), 0.5, 0.5, 100);
    table.sortByColumn(ClassMetricsTable::Recall, Qt::DescendingOrder);
    QCOMPARE(table.displayedClassNames(), QStringList({"Bag", "Trouser", "Coat", "Shirt"}));
    QList<ClassMetricsRow> next = rows();
    next[1].recall = 0.99;  // Shirt got better
    table.setMetrics(next, 0.6, 0.6, 100);
    QCOMPARE(table.displayedClassNames(), QStringList({"Bag", "Shirt", "Trouser", "Coat"}));
    QCOMPARE(table.metrics().at(1).recall, 0.99);
}

void ClassMetricsTableTest::doubleClickNamesClassIndex() {
    ClassMetricsTable table;
    table.resize(500, 300);
    table.setMetrics(rows(), 0.5, 0.5, 100);
    table.sortByColumn(ClassMetricsTable::Support, Qt::DescendingOrder);  // Coat (class 2) on top
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QSignalSpy spy(&table, &ClassMetricsTable::rowActivated);
    QTableView* view = table.tableView();
    const QPoint topRow = view->visualRect(view->model()->index(0, ClassMetricsTable::F1)).center();
    doubleClick(view->viewport(), topRow);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 2);
    const QPoint lastRow = view->visualRect(view->model()->index(3, ClassMetricsTable::Class)).center();
    doubleClick(view->viewport(), lastRow);  // Shirt, support 950
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toInt(), 1);
}

void ClassMetricsTableTest::clearEmpties() {
    ClassMetricsTable table;
    table.setMetrics(rows(), 0.5, 0.5, 100);
    table.clear();
    QCOMPARE(table.tableView()->model()->rowCount(), 0);
    QVERIFY(table.metrics().isEmpty());
    QCOMPARE(table.summaryText(), QString("No metrics yet"));
}

// At 1024×700 the Evaluation tab gives the table about 316 px (its splitter half beside the
// confusion matrix). All five columns must fit there, each at least as wide as its title (with
// the sort arrow) and its widest value, so nothing scrolls sideways and no number is cut.
void ClassMetricsTableTest::fitsWithoutSideways() {
    ClassMetricsTable table;
    table.resize(316, 300);
    table.setMetrics(rows(), 0.5, 0.5, 12149);
    table.sortByColumn(ClassMetricsTable::F1, Qt::AscendingOrder);  // the arrow takes room too
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.tableView();
    QHeaderView* header = view->horizontalHeader();
    QTest::qWait(50);  // the header resizes its sections on a timer
    int total = 0;
    for (int c = 0; c < ClassMetricsTable::ColumnCount; ++c) {
        int needed = header->sectionSizeHint(c);
        for (int r = 0; r < view->model()->rowCount(); ++r)
            needed = std::max(needed, view->sizeHintForIndex(view->model()->index(r, c)).width() + 1);  // + grid
        QVERIFY2(header->sectionSize(c) >= needed,
                 qPrintable(QString("column %1 is %2 px, needs %3").arg(c).arg(header->sectionSize(c)).arg(needed)));
        total += header->sectionSize(c);
    }
    QVERIFY(total <= view->viewport()->width());
    QVERIFY(!view->horizontalScrollBar()->isVisible());
}

QTEST_MAIN(ClassMetricsTableTest)
#include "tst_class_metrics_table.moc"
