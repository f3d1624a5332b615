// ConfusionMatrixView: clicks name the right (true, predicted) cell, counts and shares are the
// matrix's, colours separate correct from confused, labels stay inside the widget at any size.
#include "widgets/confusion_matrix_view.h"

#include <QSignalSpy>
#include <QtTest>

using namespace studio::widgets;

namespace {

const QStringList kFashion = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                              "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// counts[t][p] = 900 on the diagonal, and (t·10 + p) elsewhere: every cell is different.
QList<QList<int>> distinctCounts(int n) {
    QList<QList<int>> counts(n, QList<int>(n));
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) counts[t][p] = t == p ? 900 : t * 10 + p;
    return counts;
}

double luminance(const QColor& c) {
    return 0.2126 * c.redF() + 0.7152 * c.greenF() + 0.0722 * c.blueF();
}

}  // namespace

class ConfusionMatrixViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void clickEmitsTrueAndPredicted_data();
    void clickEmitsTrueAndPredicted();
    void countsAreCleanedUp();
    void cellAtInvertsCellRect();
    void coloursFollowRowShareAndHue();
    void textContrastsWithCell();
    void cellsFitAtManySizes_data();
    void cellsFitAtManySizes();
    void keyboardActivates();
    void dragOffCellDoesNotActivate();
    void exportWritesPng();
};

void ConfusionMatrixViewTest::clickEmitsTrueAndPredicted_data() {
    QTest::addColumn<int>("trueClass");
    QTest::addColumn<int>("predicted");
    QTest::newRow("first cell") << 0 << 0;
    QTest::newRow("shirt as T-shirt") << 6 << 0;
    QTest::newRow("T-shirt as shirt") << 0 << 6;
    QTest::newRow("last row, middle") << 9 << 5;
    QTest::newRow("last cell") << 9 << 9;
}

void ConfusionMatrixViewTest::clickEmitsTrueAndPredicted() {
    QFETCH(int, trueClass);
    QFETCH(int, predicted);
    ConfusionMatrixView view;
    view.resize(450, 450);
    view.setMatrix(kFashion, distinctCounts(10));
    QSignalSpy spy(&view, &ConfusionMatrixView::cellActivated);
    const QRect cell = view.cellRect(trueClass, predicted);
    QVERIFY(!cell.isEmpty());
    QTest::mouseClick(&view, Qt::LeftButton, {}, cell.center());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), trueClass);
    QCOMPARE(spy.at(0).at(1).toInt(), predicted);
    QCOMPARE(view.selectedCell(), std::optional<QPoint>(QPoint(predicted, trueClass)));
    // Outside the grid (the legend line at the top) nothing is activated.
    QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(5, 5));
    QCOMPARE(spy.count(), 1);
}

void ConfusionMatrixViewTest::countsAreCleanedUp() {
    ConfusionMatrixView view;
    // A short row, a long row, a negative count and a missing third row.
    view.setMatrix({"cat", "dog", "fox"}, {
                                              {5, 1},
                                              {2, 7, 1, 99},
                                          });
    QCOMPARE(view.classCount(), 3);
    const QList<QList<int>> expected = {{5, 1, 0}, {2, 7, 1}, {0, 0, 0}};
    QCOMPARE(view.counts(), expected);
    QCOMPARE(view.count(1, 2), 1);
    QCOMPARE(view.count(3, 0), 0);
    QCOMPARE(view.rowFraction(1, 1), 0.7);
    QCOMPARE(view.rowFraction(0, 1), 1.0 / 6.0);
    QCOMPARE(view.rowFraction(2, 2), 0.0);  // a class without samples
    view.setMatrix({"a", "b"}, {{3, -4}, {0, 1}});
    QCOMPARE(view.count(0, 1), 0);
    view.setMatrix(kFashion, distinctCounts(10));
    view.resize(450, 450);
    QCOMPARE(view.cellText(6, 0), QString("60"));
    QCOMPARE(view.cellText(3, 3), QString("900"));
    view.clear();
    QCOMPARE(view.classCount(), 0);
    QVERIFY(!view.cellAt(QPoint(200, 200)));
}

void ConfusionMatrixViewTest::cellAtInvertsCellRect() {
    ConfusionMatrixView view;
    view.resize(450, 450);
    view.setMatrix(kFashion, distinctCounts(10));
    for (int t = 0; t < 10; ++t)
        for (int p = 0; p < 10; ++p) {
            const QRect r = view.cellRect(t, p);
            QCOMPARE(view.cellAt(r.topLeft()), std::optional<QPoint>(QPoint(p, t)));
            QCOMPARE(view.cellAt(r.bottomRight()), std::optional<QPoint>(QPoint(p, t)));
        }
    QVERIFY(view.cellRect(10, 0).isEmpty());
    QVERIFY(!view.cellAt(view.cellRect(9, 9).bottomRight() + QPoint(1, 1)));
}

void ConfusionMatrixViewTest::coloursFollowRowShareAndHue() {
    ConfusionMatrixView view;
    view.setMatrix({"a", "b", "c"}, {{90, 10, 0}, {30, 60, 10}, {0, 0, 5}});
    const QColor base = view.palette().color(QPalette::Base);
    QCOMPARE(view.cellColor(0, 2), base);  // zero share: no colour
    // The diagonal is blue, errors are orange-red.
    QVERIFY(view.cellColor(0, 0).blue() > view.cellColor(0, 0).red() + 80);
    QVERIFY(view.cellColor(1, 0).red() > view.cellColor(1, 0).blue() + 80);
    // Darker with a larger share of the row: 90% > 60% on the diagonal, 30% > 10% off it.
    QVERIFY(luminance(view.cellColor(0, 0)) < luminance(view.cellColor(1, 1)));
    QVERIFY(luminance(view.cellColor(1, 0)) < luminance(view.cellColor(0, 1)));
    // Row-normalized: class c has 5 samples, all correct, and is as dark as it gets.
    QVERIFY(luminance(view.cellColor(2, 2)) < luminance(view.cellColor(0, 0)));
}

void ConfusionMatrixViewTest::textContrastsWithCell() {
    ConfusionMatrixView view;
    for (bool dark : {false, true}) {
        QPalette pal;
        pal.setColor(QPalette::Base, dark ? QColor(30, 30, 32) : QColor(255, 255, 255));
        pal.setColor(QPalette::Text, dark ? QColor(230, 230, 230) : QColor(20, 20, 20));
        view.setPalette(pal);
        view.setMatrix({"a", "b"}, {{100, 0}, {1, 3}});
        QCOMPARE(view.cellColor(0, 1), pal.color(QPalette::Base));
        for (int t = 0; t < 2; ++t)
            for (int p = 0; p < 2; ++p) {
                const double gap = std::abs(luminance(view.textColor(t, p)) - luminance(view.cellColor(t, p)));
                QVERIFY2(gap > 0.4, qPrintable(QString("dark %1 cell %2,%3 gap %4").arg(dark).arg(t).arg(p).arg(gap)));
            }
    }
    // Light theme, a full diagonal cell is dark blue: white text.
    view.setPalette(QPalette());
    view.setMatrix({"a", "b"}, {{100, 0}, {0, 3}});
    QCOMPARE(view.textColor(0, 0), QColor(Qt::white));
}

void ConfusionMatrixViewTest::cellsFitAtManySizes_data() {
    QTest::addColumn<int>("classes");
    QTest::addColumn<QSize>("size");
    QTest::newRow("2 classes") << 2 << QSize(300, 300);
    QTest::newRow("10 classes") << 10 << QSize(450, 450);
    QTest::newRow("10 classes, wide") << 10 << QSize(900, 420);
    QTest::newRow("20 classes") << 20 << QSize(450, 450);
    QTest::newRow("20 classes, small") << 20 << QSize(300, 300);
}

void ConfusionMatrixViewTest::cellsFitAtManySizes() {
    QFETCH(int, classes);
    QFETCH(QSize, size);
    QStringList names;
    for (int i = 0; i < classes; ++i) names << kFashion[i % 10] + (i >= 10 ? QString(" %1").arg(i) : QString());
    ConfusionMatrixView view;
    view.resize(size);
    view.setMatrix(names, distinctCounts(classes));
    const QRect first = view.cellRect(0, 0), last = view.cellRect(classes - 1, classes - 1);
    QVERIFY(first.width() >= 8);
    QCOMPARE(first.width(), first.height());
    QVERIFY(view.rect().contains(first.united(last)));
    // Room is left for the labels and titles around the grid.
    QVERIFY2(
        first.left() >= 40 && view.height() - last.bottom() >= 30,
        qPrintable(
            QString("grid %1,%2 .. %3,%4").arg(first.left()).arg(first.top()).arg(last.right()).arg(last.bottom())));
    if (classes == 10 && size.width() == 450) QVERIFY2(first.width() >= 28, qPrintable(QString::number(first.width())));
}

void ConfusionMatrixViewTest::keyboardActivates() {
    ConfusionMatrixView view;
    view.resize(300, 300);
    view.setMatrix({"a", "b", "c"}, distinctCounts(3));
    QSignalSpy spy(&view, &ConfusionMatrixView::cellActivated);
    QTest::keyClick(&view, Qt::Key_Right);
    QTest::keyClick(&view, Qt::Key_Right);
    QTest::keyClick(&view, Qt::Key_Right);  // stops at the last column
    QTest::keyClick(&view, Qt::Key_Down);
    QTest::keyClick(&view, Qt::Key_Return);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 1);
    QCOMPARE(spy.at(0).at(1).toInt(), 2);
}

void ConfusionMatrixViewTest::dragOffCellDoesNotActivate() {
    ConfusionMatrixView view;
    view.resize(300, 300);
    view.setMatrix({"a", "b", "c"}, distinctCounts(3));
    QSignalSpy spy(&view, &ConfusionMatrixView::cellActivated);
    QTest::mousePress(&view, Qt::LeftButton, {}, view.cellRect(0, 0).center());
    QTest::mouseRelease(&view, Qt::LeftButton, {}, view.cellRect(1, 2).center());
    QCOMPARE(spy.count(), 0);
    QVERIFY(!view.selectedCell());
}

void ConfusionMatrixViewTest::exportWritesPng() {
    ConfusionMatrixView view;
    view.resize(450, 450);
    view.setMatrix(kFashion, distinctCounts(10));
    QTemporaryDir dir;
    const QString path = dir.filePath("matrix.png");
    QVERIFY(view.exportPng(path));
    const QImage image(path);
    QCOMPARE(image.size(), QSize(450, 450));
    // The pixel in the middle of the first diagonal cell has the cell's colour.
    const QRect cell = view.cellRect(0, 0);
    QCOMPARE(image.pixelColor(cell.center().x(), cell.bottom() - 2).rgb(), view.cellColor(0, 0).rgb());
    QVERIFY(!view.exportPng(dir.filePath("missing/dir/matrix.png")));
}

QTEST_MAIN(ConfusionMatrixViewTest)
#include "tst_confusion_matrix_view.moc"
