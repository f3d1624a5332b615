// SweepView: the summary line, the empty state, the buttons' intents, rungs, best-so-far and the
// running curves, clicks forwarded from the plots.
#include "run_fixtures.h"
#include "widgets/live_chart.h"
#include "widgets/sweep_view.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

SweepSummary sampleSummary() {
    SweepSummary s;
    s.id = 3;
    s.name = "lr search";
    s.strategy = "successive halving";
    s.status = "running";
    s.trialsDone = 7;
    s.trialsTotal = 9;
    s.bestValAccuracy = 0.912;
    s.bestRunId = 12;
    s.rungs = {{1, 9, 3, 0.81}, {3, 3, 1, 0.89}, {9, 1, 0, 0.912}};
    s.bestSoFar = {{1, 0.7}, {2, 0.81}, {3, 0.81}, {7, 0.912}};
    return s;
}

}  // namespace

class SweepViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void emptyUntilSomethingIsSet();
    void summaryNamesProgressAndBest();
    void buttonsEmitIntents();
    void rungsAndBestSoFarAreShown();
    void runningCurvesComeAndGo();
    void plotClicksAreForwarded();
};

void SweepViewTest::emptyUntilSomethingIsSet() {
    SweepView view;
    QVERIFY(view.isEmptyStateShown());
    QVERIFY(view.emptyLabel()->text().startsWith("No sweep selected"));
    QVERIFY(view.emptyLabel()->text().contains("training-studio-cli sweep"));
    view.setSummary(sampleSummary());
    QVERIFY(!view.isEmptyStateShown());
    view.clear();
    QVERIFY(view.isEmptyStateShown());
}

void SweepViewTest::summaryNamesProgressAndBest() {
    SweepView view;
    view.setSummary(sampleSummary());
    QCOMPARE(view.summaryText(), QString("7 of 9 trials done, best 91.2% (run 12)"));
    QCOMPARE(view.titleText(), QString("lr search · successive halving · running"));
    SweepSummary fresh = sampleSummary();
    fresh.trialsDone = 0;
    fresh.bestRunId = 0;
    QCOMPARE(SweepView::summaryText(fresh), QString("0 of 9 trials done"));
}

void SweepViewTest::buttonsEmitIntents() {
    SweepView view;
    view.setSummary(sampleSummary());
    QSignalSpy stop(&view, &SweepView::stopRequested);
    QSignalSpy promote(&view, &SweepView::promoteRequested);
    QTest::mouseClick(view.stopButton(), Qt::LeftButton);
    QCOMPARE(stop.count(), 1);
    QTest::mouseClick(view.promoteButton(), Qt::LeftButton);
    QCOMPARE(promote.count(), 1);
    QCOMPARE(promote.at(0).at(0).toLongLong(), 12);
    SweepSummary finished = sampleSummary();
    finished.status = "finished";
    finished.bestRunId = 0;
    view.setSummary(finished);
    QVERIFY(!view.stopButton()->isEnabled());  // nothing left to stop
    QVERIFY(!view.promoteButton()->isEnabled());
}

void SweepViewTest::rungsAndBestSoFarAreShown() {
    SweepView view;
    view.setSummary(sampleSummary());
    QTableWidget* rungs = view.rungsTable();
    QCOMPARE(rungs->rowCount(), 3);
    QCOMPARE(rungs->horizontalHeaderItem(3)->text(), QString("Promoted"));
    QCOMPARE(rungs->item(1, 1)->text(), QString("3"));
    QCOMPARE(rungs->item(2, 4)->text(), QString("91.2%"));
    QCOMPARE(view.bestSoFarChart()->pointCount("best"), 4);
    QVERIFY(!rungs->isHidden());
    SweepSummary random = sampleSummary();
    random.rungs.clear();
    view.setSummary(random);
    QVERIFY(rungs->isHidden());
}

void SweepViewTest::runningCurvesComeAndGo() {
    SweepView view;
    view.setSummary(sampleSummary());
    view.setRunningCurves(
        {{6, "a", runColor(5), sampleCurve(5, 4, true, false)}, {7, "b", runColor(6), sampleCurve(6, 6, true, false)}});
    QCOMPARE(view.runningChart()->seriesIds(), (QStringList{"6", "7"}));
    QCOMPARE(view.runningChart()->pointCount("7"), 6);
    view.setRunningCurves({{7, "b", runColor(6), sampleCurve(6, 7, true, false)}});
    QCOMPARE(view.runningChart()->seriesIds(), QStringList{"7"});
    QCOMPARE(view.runningChart()->pointCount("7"), 7);
}

void SweepViewTest::plotClicksAreForwarded() {
    SweepView view;
    view.setSummary(sampleSummary());
    QSignalSpy clicked(&view, &SweepView::runClicked);
    Q_EMIT view.parallelPlot()->runClicked(4);
    Q_EMIT view.scatterPlot()->runClicked(5);
    QCOMPARE(clicked.count(), 2);
    QCOMPARE(clicked.at(1).at(0).toLongLong(), 5);
}

QTEST_MAIN(SweepViewTest)
#include "tst_sweep_view.moc"
