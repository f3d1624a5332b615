// ParallelCoordinatesPlot: values land where their axis says (log decades, categorical slots),
// brushing by mouse drag selects the runs inside every brush, double-click clears a brush, a
// click picks the nearest line, colours follow the metric or the run.
#include "run_fixtures.h"
#include "widgets/parallel_coordinates_plot.h"
#include "widgets/run_values.h"

#include <QSignalSpy>
#include <QtTest>
#include <cmath>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

enum { LrAxis, BatchAxis, OptimizerAxis, AccuracyAxis };

QList<ParallelAxis> sampleAxes() {
    return {{"learning_rate", "Learning rate", true, false, {}},
            {"batch_size", "Batch size", false, false, {}},
            {"optimizer", "Optimizer", false, true, {"adam", "sgd", "rmsprop"}},
            {"best_val_accuracy", "Val accuracy", false, false, {}}};
}

QList<ParallelLine> sampleLines() {
    QList<ParallelLine> lines;
    for (int i = 0; i < 9; ++i)
        lines.append({i + 1,
                      runColor(i),
                      {sampleLearningRate(i), double(sampleBatch(i)), i < 6 ? 0.0 : 1.0, sampleAccuracy(i)}});
    return lines;
}

void drag(QWidget* w, QPointF from, QPointF to) {
    QTest::mousePress(w, Qt::LeftButton, {}, from.toPoint());
    const QPointF mid = (from + to) / 2;
    QTest::mouseMove(w, mid.toPoint());
    QTest::mouseMove(w, to.toPoint());
    QTest::mouseRelease(w, Qt::LeftButton, {}, to.toPoint());
}

}  // namespace

class ParallelCoordinatesPlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void logAxisSpansDecades();
    void categoricalAxisGivesEachCategoryASlot();
    void dragBrushesARange();
    void brushesIntersectAndDoubleClickClears();
    void clickPicksNearestLine();
    void hoverHighlightsLine();
    void coloursFollowMetricOrRun();
    void missingValuesLeaveTheLine();

private:
    std::unique_ptr<ParallelCoordinatesPlot> m_plot;
};

void ParallelCoordinatesPlotTest::init() {
    m_plot = std::make_unique<ParallelCoordinatesPlot>();
    m_plot->resize(600, 300);
    m_plot->setAxes(sampleAxes());
    m_plot->setLines(sampleLines());
}

void ParallelCoordinatesPlotTest::logAxisSpansDecades() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QCOMPARE(plot.axisUnit(LrAxis, 1e-4), 0.0);
    QCOMPARE(plot.axisUnit(LrAxis, 1e-2), 1.0);
    QVERIFY(std::abs(plot.axisUnit(LrAxis, 1e-3) - 0.5) < 1e-12);  // a decade is half of two decades
    QVERIFY(std::isnan(plot.axisUnit(LrAxis, 0.0)));
    const QRectF r = plot.plotRect();
    QVERIFY(std::abs(plot.axisY(LrAxis, 1e-3) - r.center().y()) < 1e-9);
    QVERIFY(plot.axisY(LrAxis, 1e-2) < plot.axisY(LrAxis, 1e-4));  // high values on top
}

void ParallelCoordinatesPlotTest::categoricalAxisGivesEachCategoryASlot() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QVERIFY(std::abs(plot.axisUnit(OptimizerAxis, 0) - 1.0 / 6) < 1e-12);
    QVERIFY(std::abs(plot.axisUnit(OptimizerAxis, 1) - 0.5) < 1e-12);
    QVERIFY(std::abs(plot.axisUnit(OptimizerAxis, 2) - 5.0 / 6) < 1e-12);
    QVERIFY(std::isnan(plot.axisUnit(OptimizerAxis, 3)));
}

void ParallelCoordinatesPlotTest::dragBrushesARange() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QSignalSpy brushed(&plot, &ParallelCoordinatesPlot::brushedRunsChanged);
    const double x = plot.axisX(BatchAxis);
    // From just above 128 down to between 64 and 128: only batch 128.
    drag(&plot, {x, plot.axisY(BatchAxis, 135)}, {x + 2, plot.axisY(BatchAxis, 100)});
    QVERIFY(brushed.count() >= 1);
    QCOMPARE(brushed.last().at(0).value<QList<qint64>>(), (QList<qint64>{3, 6, 9}));
    QCOMPARE(plot.brushedIds(), (QList<qint64>{3, 6, 9}));
    QVERIFY(plot.hasBrush(BatchAxis));
    // Dragging upwards works the same way.
    drag(&plot, {x, plot.axisY(BatchAxis, 40)}, {x, plot.axisY(BatchAxis, 70)});
    QCOMPARE(plot.brushedIds(), (QList<qint64>{2, 5, 8}));
}

void ParallelCoordinatesPlotTest::brushesIntersectAndDoubleClickClears() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QSignalSpy brushed(&plot, &ParallelCoordinatesPlot::brushedRunsChanged);
    const double bx = plot.axisX(BatchAxis), ox = plot.axisX(OptimizerAxis);
    drag(&plot, {bx, plot.axisY(BatchAxis, 135)}, {bx, plot.axisY(BatchAxis, 100)});
    // Across the "sgd" slot only.
    drag(&plot, {ox, plot.axisY(OptimizerAxis, 1) - 10}, {ox, plot.axisY(OptimizerAxis, 1) + 10});
    QCOMPARE(plot.brushedIds(), (QList<qint64>{9}));
    QCOMPARE(brushed.last().at(0).value<QList<qint64>>(), (QList<qint64>{9}));
    QTest::mouseDClick(&plot, Qt::LeftButton, {}, QPoint(int(bx), int(plot.plotRect().center().y())));
    QVERIFY(!plot.hasBrush(BatchAxis));
    QCOMPARE(brushed.last().at(0).value<QList<qint64>>(), (QList<qint64>{7, 8, 9}));
}

void ParallelCoordinatesPlotTest::clickPicksNearestLine() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QSignalSpy clicked(&plot, &ParallelCoordinatesPlot::runClicked);
    QSignalSpy brushed(&plot, &ParallelCoordinatesPlot::brushedRunsChanged);
    // Just right of the first axis, a few pixels off line 5 (further on, lines cross).
    const QPointF a(plot.axisX(LrAxis), plot.axisY(LrAxis, sampleLearningRate(4)));
    const QPointF b(plot.axisX(BatchAxis), plot.axisY(BatchAxis, sampleBatch(4)));
    const QPointF near = a * 0.9 + b * 0.1 + QPointF(0, 3);
    QTest::mouseClick(&plot, Qt::LeftButton, {}, near.toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toLongLong(), 5);
    QCOMPARE(brushed.count(), 0);  // a click is not a brush
    // Far from every line: nothing.
    QTest::mouseClick(&plot, Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(clicked.count(), 1);
}

void ParallelCoordinatesPlotTest::hoverHighlightsLine() {
    ParallelCoordinatesPlot& plot = *m_plot;
    plot.show();  // moves without a button reach only a shown widget
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    const QPointF a(plot.axisX(OptimizerAxis), plot.axisY(OptimizerAxis, 0));
    const QPointF b(plot.axisX(AccuracyAxis), plot.axisY(AccuracyAxis, sampleAccuracy(2)));
    QTest::mouseMove(&plot, (a * 0.05 + b * 0.95).toPoint());
    QCOMPARE(plot.hoveredId(), std::optional<qint64>(3));
}

void ParallelCoordinatesPlotTest::coloursFollowMetricOrRun() {
    ParallelCoordinatesPlot& plot = *m_plot;
    const double unit = plot.axisUnit(AccuracyAxis, sampleAccuracy(4));
    QCOMPARE(plot.lineColor(5), metricColor(unit, false));  // a light palette
    QVERIFY(plot.lineColor(5) != plot.lineColor(1));        // different accuracies, different colours
    plot.setColorByMetric(false);
    QCOMPARE(plot.lineColor(5), runColor(4));
}

void ParallelCoordinatesPlotTest::missingValuesLeaveTheLine() {
    ParallelCoordinatesPlot& plot = *m_plot;
    QList<ParallelLine> lines = sampleLines();
    lines[0].values[BatchAxis] = qQNaN();
    plot.setLines(lines);
    plot.setBrush(BatchAxis, 0, 1000);
    QVERIFY(!plot.brushedIds().contains(1));  // missing is outside any brush
    QCOMPARE(plot.brushedIds().size(), 8);
}

QTEST_MAIN(ParallelCoordinatesPlotTest)
#include "tst_parallel_coordinates_plot.moc"
