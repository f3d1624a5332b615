// CompareView: rows that differ are flagged, highlighted and listed first; "Only differences"
// hides the rest; one chart series per run and curve kind, train dashed and validation solid.
#include "run_fixtures.h"
#include "widgets/compare_view.h"
#include "widgets/live_chart.h"

#include <QCheckBox>
#include <QTableWidget>
#include <QtTest>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

QList<CompareRun> sampleCompare(int count) {
    QList<CompareRun> runs;
    const QList<RunRow> rows = sampleRuns();
    for (int i = 0; i < count; ++i) {
        CompareRun r;
        r.id = rows[i].id;
        r.name = rows[i].name;
        r.color = rows[i].color;
        r.options = rows[i].options;
        r.metrics = {{"best_val_accuracy", rows[i].bestValAccuracy}, {"best_val_loss", rows[i].bestValLoss}};
        r.trainLoss = sampleCurve(i, 10, false, true);
        r.valLoss = sampleCurve(i, 10, false, false);
        r.trainAccuracy = sampleCurve(i, 10, true, true);
        r.valAccuracy = sampleCurve(i, 10, true, false);
        runs.append(r);
    }
    return runs;
}

}  // namespace

class CompareViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void differingRowsAreFlaggedAndFirst();
    void onlyDifferencesHidesSharedOptions();
    void oneSeriesPerRunAndKindTrainDashed();
    void runsLeavingTakeTheirSeries();
};

void CompareViewTest::differingRowsAreFlaggedAndFirst() {
    CompareView view;
    view.setOptionColumns(kOptionColumns);
    QList<CompareRun> runs = sampleCompare(3);  // lr and batch differ; optimizer, epochs, seed do not
    view.setRuns(runs);
    QCOMPARE(view.optionRow("learning_rate"), 0);
    QCOMPARE(view.optionRow("batch_size"), 1);
    QVERIFY(view.isRowDifferent(0));
    QVERIFY(view.isRowDifferent(1));
    for (const char* key : {"optimizer", "epochs", "seed"}) {
        QVERIFY(view.optionRow(key) >= 2);
        QVERIFY(!view.isRowDifferent(view.optionRow(key)));
    }
    QCOMPARE(view.table()->verticalHeaderItem(0)->text(), QString("Learning rate"));
    QVERIFY(view.table()->item(0, 0)->font().bold());
    QVERIFY(!view.table()->item(view.optionRow("seed"), 0)->font().bold());
    QCOMPARE(view.cellText(1, 2), QString("128"));
    QCOMPARE(view.table()->horizontalHeaderItem(2)->text(), QString("Run %1").arg(runs[2].id));
    QVERIFY(view.table()->horizontalHeaderItem(2)->toolTip().contains(runs[2].name));
    const int accuracy = view.metricRow("best_val_accuracy");
    QVERIFY(accuracy > view.optionRow("seed"));
    QVERIFY(view.cellText(accuracy, 0).endsWith('%'));
    QVERIFY(view.isRowDifferent(accuracy));

    runs[1].options["optimizer"] = "sgd";  // now the optimizer differs too
    view.setRuns(runs);
    QVERIFY(view.isRowDifferent(view.optionRow("optimizer")));
    QVERIFY(view.optionRow("optimizer") < view.optionRow("seed"));
}

void CompareViewTest::onlyDifferencesHidesSharedOptions() {
    CompareView view;
    view.setRuns(sampleCompare(2));
    view.setOnlyDifferences(true);
    QVERIFY(!view.table()->isRowHidden(view.optionRow("learning_rate")));
    QVERIFY(view.table()->isRowHidden(view.optionRow("seed")));
    QVERIFY(!view.table()->isRowHidden(view.metricRow("best_val_loss")));  // results always show
    view.setOnlyDifferences(false);
    QVERIFY(!view.table()->isRowHidden(view.optionRow("seed")));
}

void CompareViewTest::oneSeriesPerRunAndKindTrainDashed() {
    CompareView view;
    view.setRuns(sampleCompare(3));
    QCOMPARE(view.lossChart()->seriesIds().size(), 6);
    QCOMPARE(view.accuracyChart()->seriesIds().size(), 6);
    for (qint64 id : {1, 2, 3}) {
        QVERIFY(view.lossChart()->isSeriesDashed(CompareView::seriesId(id, "trainLoss")));
        QVERIFY(!view.lossChart()->isSeriesDashed(CompareView::seriesId(id, "valLoss")));
        QVERIFY(view.accuracyChart()->isSeriesDashed(CompareView::seriesId(id, "trainAccuracy")));
        QVERIFY(!view.accuracyChart()->isSeriesDashed(CompareView::seriesId(id, "valAccuracy")));
        QCOMPARE(view.accuracyChart()->pointCount(CompareView::seriesId(id, "valAccuracy")), 10);
    }
    QCOMPARE(view.accuracyChart()->yRange({}).max, 1.0);
}

void CompareViewTest::runsLeavingTakeTheirSeries() {
    CompareView view;
    view.setRuns(sampleCompare(3));
    view.setRuns(sampleCompare(2));
    QCOMPARE(view.lossChart()->seriesIds().size(), 4);
    QVERIFY(!view.lossChart()->hasSeries(CompareView::seriesId(3, "valLoss")));
    QCOMPARE(view.table()->columnCount(), 2);
}

QTEST_MAIN(CompareViewTest)
#include "tst_compare_view.moc"
