// FolderResultsTable: RFC 4180 CSV (quoting, CRLF, view order), sorting by value and by
// natural file order, atomic writes that report failures, the export intent, long errors wrapped
// whole in their cells.
#include "widgets/folder_results_table.h"

#include <QFile>
#include <QHeaderView>
#include <QMouseEvent>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;
using Row = FolderResultRow;

namespace {

const QList<Row> kRows{
    {"img10.png", "seven", 0.5, {}},
    {"img2.png", "one", 0.973, {}},
    {"notes.png", {}, 0.0, "not an image"},
    {"img1.png", "nine", 0.25, {}},
};

QStringList column(const FolderResultsTable& table, int c) {
    QStringList cells;
    for (int r = 0; r < table.rowCount(); ++r) cells << table.cellText(r, c);
    return cells;
}

}  // namespace

class FolderResultsTableTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void csvField_data();
    void csvField();
    void csvHasHeaderRowsAndCrlf();
    void csvQuotesAwkwardNames();
    void sortsByValueAndNaturalOrder();
    void csvFollowsShownOrder();
    void summaryAndErrorColumn();
    void writesAtomicallyAndReportsFailure();
    void exportButtonEmitsIntent();
    void longErrorsWrapWhole();
    void noSidewaysScrollingWhenNarrow();
    void fileColumnFollowsItsNamesAndTheUser();
};

void FolderResultsTableTest::csvField_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("field");
    QTest::newRow("plain") << "cat.png"
                           << "cat.png";
    QTest::newRow("empty") << ""
                           << "";
    QTest::newRow("spaces kept") << " a b "
                                 << " a b ";
    QTest::newRow("comma") << "a,b.png"
                           << "\"a,b.png\"";
    QTest::newRow("quote") << "say \"hi\".png"
                           << "\"say \"\"hi\"\".png\"";
    QTest::newRow("newline") << "two\nlines"
                             << "\"two\nlines\"";
    QTest::newRow("carriage return") << "a\rb"
                                     << "\"a\rb\"";
    QTest::newRow("only a quote") << "\""
                                  << "\"\"\"\"";
    QTest::newRow("formula stays text") << "=HYPERLINK(\"x\").png"
                                        << "\"'=HYPERLINK(\"\"x\"\").png\"";
    QTest::newRow("leading minus") << "-1.png"
                                   << "'-1.png";
    QTest::newRow("at sign") << "@cmd.png"
                             << "'@cmd.png";
}

void FolderResultsTableTest::csvField() {
    QFETCH(QString, text);
    QFETCH(QString, field);
    QCOMPARE(FolderResultsTable::csvField(text), field);
}

void FolderResultsTableTest::csvHasHeaderRowsAndCrlf() {
    FolderResultsTable table;
    table.setRows(kRows, "digits");
    QCOMPARE(table.toCsv(), QString("file,predicted_class,confidence,error\r\n"
                                    "img10.png,seven,0.500000,\r\n"
                                    "img2.png,one,0.973000,\r\n"
                                    "notes.png,,,not an image\r\n"
                                    "img1.png,nine,0.250000,\r\n"));
}

void FolderResultsTableTest::csvQuotesAwkwardNames() {
    FolderResultsTable table;
    table.setRows({{"my \"best\", cat.png", "cat, tabby", 0.9, {}},
                   {"line\nbreak.png", {}, 0, "Could not read 'line\nbreak.png': \"truncated\""}});
    QCOMPARE(table.toCsv(),
             QString("file,predicted_class,confidence,error\r\n"
                     "\"my \"\"best\"\", cat.png\",\"cat, tabby\",0.900000,\r\n"
                     "\"line\nbreak.png\",,,\"Could not read 'line\nbreak.png': \"\"truncated\"\"\"\r\n"));
}

void FolderResultsTableTest::sortsByValueAndNaturalOrder() {
    FolderResultsTable table;
    table.setRows(kRows);
    // Until the user sorts, the given order.
    QCOMPARE(column(table, FolderResultsTable::FileColumn),
             (QStringList{"img10.png", "img2.png", "notes.png", "img1.png"}));
    table.view()->sortByColumn(FolderResultsTable::FileColumn, Qt::AscendingOrder);
    QCOMPARE(column(table, FolderResultsTable::FileColumn),
             (QStringList{"img1.png", "img2.png", "img10.png", "notes.png"}));
    // Confidence by value (97.3 > 50 > 25), failed files last.
    table.view()->sortByColumn(FolderResultsTable::ConfidenceColumn, Qt::DescendingOrder);
    QCOMPARE(column(table, FolderResultsTable::ConfidenceColumn), (QStringList{"97.3%", "50%", "25%", ""}));
    QCOMPARE(column(table, FolderResultsTable::FileColumn),
             (QStringList{"img2.png", "img10.png", "img1.png", "notes.png"}));
    table.view()->sortByColumn(FolderResultsTable::ClassColumn, Qt::AscendingOrder);
    QCOMPARE(column(table, FolderResultsTable::ClassColumn), (QStringList{"", "nine", "one", "seven"}));
}

void FolderResultsTableTest::csvFollowsShownOrder() {
    FolderResultsTable table;
    table.setRows(kRows);
    table.view()->sortByColumn(FolderResultsTable::ConfidenceColumn, Qt::DescendingOrder);
    const QStringList lines = table.toCsv().split("\r\n", Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 5);
    QVERIFY(lines[1].startsWith("img2.png,"));
    QVERIFY(lines[4].startsWith("notes.png,"));
}

void FolderResultsTableTest::summaryAndErrorColumn() {
    FolderResultsTable table;
    QVERIFY(!table.exportButton()->isEnabled());
    table.setRows(kRows, "digits");
    QCOMPARE(table.summaryText(), QString("digits: 4 files, 1 could not be classified"));
    QCOMPARE(table.errorCount(), 1);
    QVERIFY(table.exportButton()->isEnabled());
    QVERIFY(!table.view()->isColumnHidden(FolderResultsTable::ErrorColumn));
    table.setRows({{"a.png", "cat", 0.9, {}}});
    QCOMPARE(table.summaryText(), QString("1 file"));
    QVERIFY(table.view()->isColumnHidden(FolderResultsTable::ErrorColumn));
}

void FolderResultsTableTest::writesAtomicallyAndReportsFailure() {
    QTemporaryDir dir;
    FolderResultsTable table;
    table.setRows({{"é, ü.png", "çat", 0.5, {}}});
    const QString path = dir.filePath("results.csv");
    QString error;
    QVERIFY(table.writeCsv(path, &error));
    QVERIFY(error.isEmpty());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(file.readAll()), table.toCsv());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"results.csv"});  // no temp file left
    const QString bad = dir.filePath("missing/folder/results.csv");
    QVERIFY(!table.writeCsv(bad, &error));
    QVERIFY2(error.contains(bad), qPrintable(error));
    QVERIFY(!QFile::exists(bad));
}

void FolderResultsTableTest::exportButtonEmitsIntent() {
    FolderResultsTable table;
    table.setRows(kRows);
    QSignalSpy spy(&table, &FolderResultsTable::exportCsvRequested);
    QTest::mouseClick(table.exportButton(), Qt::LeftButton);
    QCOMPARE(spy.count(), 1);
}

// An error names the file by its whole path: it used to be cut off mid-path in a one-line cell.
void FolderResultsTableTest::longErrorsWrapWhole() {
    const QString error =
        "Image '/home/someone/Pictures/holidays/2025/the-coast/a-folder-with-a-rather-long-name/"
        "IMG_20250812_181512_HDR.png' is not a supported image: its first bytes match no format the studio "
        "reads. Choose a PNG, JPEG, BMP, TIFF, WebP or PNM file.";
    FolderResultsTable table;
    table.resize(640, 400);
    table.setRows({{"ok.png", "cat", 0.9, {}}, {"IMG_20250812_181512_HDR.png", {}, 0.0, error}});
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.view();
    const int oneLine = view->rowHeight(0);
    auto needed = [&] {  // wrapping anywhere takes the fewest lines: at spaces it needs as many or more
        const int width = view->columnWidth(FolderResultsTable::ErrorColumn);
        return view->fontMetrics().boundingRect(QRect(0, 0, width, 100000), Qt::TextWrapAnywhere, error).height();
    };
    QVERIFY(view->columnWidth(FolderResultsTable::ErrorColumn) > 100);
    // The error, the longer text, gets the larger share: File at most 40% of what they share.
    QTRY_VERIFY2(view->columnWidth(FolderResultsTable::FileColumn) * 3 <= view->columnWidth(FolderResultsTable::ErrorColumn) * 2 + 3,
                 qPrintable(QString("File %1 px, Error %2 px").arg(view->columnWidth(FolderResultsTable::FileColumn))
                                .arg(view->columnWidth(FolderResultsTable::ErrorColumn))));
    QVERIFY2(needed() > view->fontMetrics().height(), "the error fits one line: the test shows nothing");
    QVERIFY2(view->rowHeight(1) >= needed(),
             qPrintable(QString("row %1 px, error %2 px").arg(view->rowHeight(1)).arg(needed())));
    QCOMPARE(view->rowHeight(0), oneLine);

    // A narrower table wraps into more lines; sorting takes each row's height along.
    const int wide = view->rowHeight(1);
    const int wideColumn = view->columnWidth(FolderResultsTable::ErrorColumn);
    table.resize(520, 400);
    QTRY_VERIFY(view->columnWidth(FolderResultsTable::ErrorColumn) < wideColumn);
    QTRY_VERIFY2(view->rowHeight(1) > wide, qPrintable(QString("column %1 → %2 px, row %3 → %4 px")
                                                           .arg(wideColumn)
                                                           .arg(view->columnWidth(FolderResultsTable::ErrorColumn))
                                                           .arg(wide)
                                                           .arg(view->rowHeight(1))));
    QVERIFY(view->rowHeight(1) >= needed());
    view->sortByColumn(FolderResultsTable::ConfidenceColumn, Qt::AscendingOrder);  // failed files first
    QCOMPARE(table.cellText(0, FolderResultsTable::ErrorColumn), error);
    QVERIFY(view->rowHeight(0) >= needed());
    QCOMPARE(view->rowHeight(1), oneLine);
    QVERIFY(studio::test::saveScreenshot(table, "folder-table-long-error"));
}

// On the Try it tab at 1024×700 the table is about 580 pixels wide: every column fits in it.
void FolderResultsTableTest::noSidewaysScrollingWhenNarrow() {
    FolderResultsTable table;
    table.resize(580, 400);
    table.setRows({{"holiday photos/2025 at the coast with a long folder name/IMG_20250812_181512_HDR.png",
                    {},
                    0.0,
                    "Image '/home/someone/Pictures/holiday photos/IMG_20250812_181512_HDR.png' is not a supported "
                    "image."},
                   {"star.png", "star", 0.99, {}}});
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.view();
    QTRY_VERIFY(view->columnWidth(FolderResultsTable::ErrorColumn) > 0);
    int total = 0;
    for (int c = 0; c < FolderResultsTable::ColumnCount; ++c) total += view->columnWidth(c);
    QVERIFY2(total <= view->viewport()->width(),
             qPrintable(QString("columns %1 px in a %2 px view").arg(total).arg(view->viewport()->width())));
    QVERIFY(!view->horizontalScrollBar()->isVisible());
    QVERIFY(view->columnWidth(FolderResultsTable::ErrorColumn) >= 120);  // room to read an error
    QVERIFY(view->columnWidth(FolderResultsTable::FileColumn) >= 120);
}

// Short names take only what they need; without errors File has all the room; a File column the
// user dragged keeps its width.
void FolderResultsTableTest::fileColumnFollowsItsNamesAndTheUser() {
    FolderResultsTable table;
    table.resize(800, 400);
    table.setRows({{"a.png", "cat", 0.9, {}}, {"b.png", "dog", 0.8, {}}});
    table.show();
    QVERIFY(QTest::qWaitForWindowExposed(&table));
    QTableView* view = table.view();
    const int shared = [&] {
        return view->viewport()->width() - view->columnWidth(FolderResultsTable::ClassColumn) -
               view->columnWidth(FolderResultsTable::ConfidenceColumn);
    }();
    QTRY_COMPARE(view->columnWidth(FolderResultsTable::FileColumn), shared);  // no Error column

    table.setRows({{"a.png", {}, 0.0, "Image 'a.png' is not a supported image: its first bytes match no format."},
                   {"b.png", "dog", 0.8, {}}});
    QTRY_VERIFY(view->columnWidth(FolderResultsTable::ErrorColumn) > 0);
    int names = view->horizontalHeader()->sectionSizeHint(FolderResultsTable::FileColumn);
    for (int row = 0; row < 2; ++row)
        names = std::max(names, view->sizeHintForIndex(view->model()->index(row, FolderResultsTable::FileColumn)).width() + 1);
    QTRY_COMPARE(view->columnWidth(FolderResultsTable::FileColumn), names);

    // The user drags the File column's right edge 100 px wider.
    QHeaderView* header = view->horizontalHeader();
    const int edge = header->sectionViewportPosition(FolderResultsTable::FileColumn) + names - 1;
    const int y = header->height() / 2;
    QTest::mousePress(header->viewport(), Qt::LeftButton, {}, QPoint(edge, y));
    for (int dx = 10; dx <= 100; dx += 10) {
        QMouseEvent move(QEvent::MouseMove, QPointF(edge + dx, y), header->viewport()->mapToGlobal(QPointF(edge + dx, y)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(header->viewport(), &move);  // QTest::mouseMove carries no button
    }
    QTest::mouseRelease(header->viewport(), Qt::LeftButton, {}, QPoint(edge + 100, y));
    const int dragged = view->columnWidth(FolderResultsTable::FileColumn);
    QVERIFY2(dragged >= names + 90, qPrintable(QString("%1 → %2 px").arg(names).arg(dragged)));
    table.resize(900, 400);  // a refit would take it back to the names' width
    table.setRows({{"c.png", {}, 0.0, "an error"}});
    QTest::qWait(50);
    QCOMPARE(view->columnWidth(FolderResultsTable::FileColumn), dragged);
}

QTEST_MAIN(FolderResultsTableTest)
#include "tst_folder_results_table.moc"
