// The Deploy tab beside the docks at 1024×700 is about 580 pixels wide: its buttons keep the width
// their text needs and wrap onto a second row, instead of being squeezed to "antize to IN",
// "easure aga" and "xport ONNX" (seen on an Xvfb screenshot).
#include "widgets/deploy_view.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QHeaderView>
#include <QScrollBar>
#include <QTableWidget>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;

class DeployViewLayoutTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buttonsWrapInsteadOfClipping() {
        QWidget tab;  // the window gives the tab its width, whatever the view's minimum
        tab.resize(580, 640);
        auto* view = new DeployView(&tab);
        view->setGeometry(0, 0, 580, 640);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        int buttons = 0;
        for (QAbstractButton* b : view->findChildren<QAbstractButton*>(Qt::FindDirectChildrenOnly)) {
            if (!b->isVisible()) continue;
            ++buttons;
            QVERIFY2(b->width() >= b->sizeHint().width(),
                     qPrintable(QString("%1: %2 px of %3").arg(b->text()).arg(b->width()).arg(b->sizeHint().width())));
            QVERIFY2(view->rect().contains(b->geometry()), qPrintable(b->text() + " is outside the view"));
        }
        QVERIFY(buttons >= 7);  // Add model, Quantize, Structured, Prune, Measure again, Save, Export ONNX
        for (QAbstractSpinBox* s : view->findChildren<QAbstractSpinBox*>(Qt::FindDirectChildrenOnly))
            QVERIFY2(s->width() >= s->sizeHint().width(), "the sparsity box is squeezed");
    }

    // At 1024×700 the variants table sat beside the chart in ~275 px: its File column was cut and
    // it scrolled sideways; the Speed table's five Stretch columns cut "Latency, 1 thread(s)".
    // Now every variants column but Status (which elides, with a tooltip) is at least its title
    // and values with no sideways scroll bar, and every Speed title is whole.
    void tablesFitWithoutSideways() {
        QWidget tab;
        tab.resize(580, 640);
        auto* view = new DeployView(&tab);
        view->setGeometry(0, 0, 580, 640);
        DeployVariantRow f{1, "float (epoch 12)", "float", 0.9512, 0.0, 2480000, 16.0, 61121.0, ""};
        DeployVariantRow q{2, "INT8", "INT8", 0.9488, -0.0024, 622000, 9.0, 120345.0, "measuring…"};
        view->setVariants({f, q});
        QList<BenchCell> cells;
        for (int batch : {1, 8, 32, 256})
            for (int threads : {1, 2}) cells.append({batch, threads, 13200.0 * batch / 256, 61046.0});
        view->setBench("float (epoch 12): median time of one batch", cells);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        QTest::qWait(50);  // headers resize their sections on a timer

        QTableWidget* variants = view->variantsTable();
        QHeaderView* header = variants->horizontalHeader();
        for (int c = 0; c < DeployView::Status; ++c) {
            int needed = header->sectionSizeHint(c);
            for (int r = 0; r < variants->rowCount(); ++r)
                needed = std::max(needed, variants->sizeHintForIndex(variants->model()->index(r, c)).width() + 1);
            QVERIFY2(header->sectionSize(c) >= needed,
                     qPrintable(QString("variants column %1: %2 px of %3").arg(c).arg(header->sectionSize(c)).arg(needed)));
        }
        QVERIFY2(!variants->horizontalScrollBar()->isVisible(), "the variants table scrolls sideways");

        QTableWidget* bench = view->benchTable();
        QHeaderView* benchHeader = bench->horizontalHeader();
        for (int c = 0; c < bench->columnCount(); ++c)
            QVERIFY2(benchHeader->sectionSize(c) >= benchHeader->sectionSizeHint(c),
                     qPrintable(QString("Speed title '%1': %2 px of %3")
                                    .arg(bench->horizontalHeaderItem(c)->text())
                                    .arg(benchHeader->sectionSize(c))
                                    .arg(benchHeader->sectionSizeHint(c))));
        QVERIFY(!bench->horizontalScrollBar()->isVisible());
        QVERIFY(studio::test::saveScreenshot(tab, "deploy-view-580px"));
    }
};

QTEST_MAIN(DeployViewLayoutTest)
#include "tst_deploy_view_layout.moc"
