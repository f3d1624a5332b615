// Charts that survive a bad run: a 1e6 spike is clipped (marked above the axis) while the rest
// keeps its range, the Log button shows every decade, wheel/drag/double-click zoom, pan and
// reset the step axis (y fits what is in view), a one-epoch run's single validation point is
// drawn, and tick labels stay short for huge and tiny ranges.
// STUDIO_SCREENSHOT_DIR=dir saves a diverging run's loss chart linear (clipped) and log.

#include "widgets/axis_scale.h"
#include "widgets/live_chart.h"
#include "widgets/nice_axis.h"
#include "widgets/spike_clipping.h"
#include "tests/screenshot.h"

#include <QGraphicsView>
#include <QImage>
#include <QSignalSpy>
#include <QToolButton>
#include <QWheelEvent>
#include <QtTest>
#include <cmath>

using namespace studio::widgets;

namespace {

// A training loss falling from 2.3 towards 0.3 over `n` steps, wiggling like batch losses.
QList<QPointF> fallingLoss(int n) {
    QList<QPointF> points;
    for (int i = 0; i < n; ++i)
        points.append({double(i), 0.3 + 2.0 * std::exp(-i / 150.0) + 0.1 * std::sin(i * 0.7)});
    return points;
}

// A chart like the Training tab's loss chart.
void lossChart(LiveChart& chart) {
    chart.setTitle("Loss");
    chart.setAxisGroupTitle({}, "Cross-entropy");
    chart.addSeries("batch", "Batch", QColor(100, 149, 237));
    chart.setSmoothing("batch", 0.9);
    chart.addSeries("train", "Train (epoch)", QColor(31, 84, 180));
    chart.addSeries("val", "Validation", QColor(230, 115, 0));
    chart.resize(640, 400);
}

int pixelsNear(const QImage& image, const QColor& color, int tolerance = 40) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - color.red()) + std::abs(c.green() - color.green()) +
                    std::abs(c.blue() - color.blue()) <=
                tolerance)
                ++n;
        }
    return n;
}

}  // namespace

class ChartSpikesTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void clippedRangeByHand() {
        // 1..20 and one 1000: q1 = 1 (rank 0 of 0..20), q95 = 20 (rank 19), fence 20 + max(3·19, 2·20) = 77.
        QList<double> v;
        for (int i = 1; i <= 20; ++i) v.append(i);
        v.append(1000.0);
        const ClippedRange r = spikeClippedRange(v);
        QVERIFY(r.clipped);
        QCOMPARE(r.fence, 77.0);
        QCOMPARE(r.lo, 1.0);
        QCOMPARE(r.hi, 20.0);
        // Fewer than 8 values: nothing is clipped.
        const ClippedRange few = spikeClippedRange({1.0, 2.0, 1e6});
        QVERIFY(!few.clipped);
        QCOMPARE(few.hi, 1e6);
        // NaN and infinity are no values; a flat series with a spike clips it.
        QList<double> flat(50, 2.0);
        flat.append(std::nan(""));
        flat.append(INFINITY);
        flat.append(500.0);
        const ClippedRange f = spikeClippedRange(flat);
        QVERIFY(f.clipped);
        QCOMPARE(f.hi, 2.0);
        // A run stuck on a plateau (2.08 ± 0.02) after 10 steps falling from 6: the fall is kept
        // (the fence is at least 3× the 95th percentile); a 1e3 step is not.
        QList<double> plateau;
        for (int i = 0; i < 300; ++i) plateau.append(i < 10 ? 6.0 - 0.39 * i : 2.08 + 0.02 * std::sin(i));
        QVERIFY(!spikeClippedRange(plateau).clipped);
        plateau.append(1e3);
        QCOMPARE(spikeClippedRange(plateau).hi, 6.0);
        // A run that diverged for its last 30% of steps: that is the story, and the axis keeps
        // it (at least the 95th percentile, 1.2^49; only the last few steps are clipped).
        QList<double> diverging;
        for (int i = 0; i < 200; ++i) diverging.append(i < 140 ? 1.0 : std::pow(1.2, i - 140));
        const ClippedRange d = spikeClippedRange(diverging);
        QVERIFY(d.hi >= std::pow(1.2, 49));
        QVERIFY(std::count_if(diverging.begin(), diverging.end(), [&](double v) { return v > d.hi; }) <= 5);
    }

    void spikeIsClippedAndTheRestKeepsItsRange() {
        LiveChart chart;
        lossChart(chart);
        QList<QPointF> points = fallingLoss(1000);
        chart.appendPoints("batch", points);
        const AxisRange clean = chart.yRange({});
        QVERIFY(chart.clippedPoints("batch").isEmpty());
        points[500].setY(1e6);  // one diverging step
        chart.setPoints("batch", points);
        const AxisRange spiked = chart.yRange({});
        QCOMPARE(spiked.min, clean.min);
        QCOMPARE(spiked.max, clean.max);  // 1e6 does not flatten the curve
        QCOMPARE(chart.clippedPoints("batch"), (QList<QPointF>{QPointF(500, 1e6)}));
        // The smoothed curve is not dragged above the axis by it: it averages the spike held at the fence.
        for (const QPointF& p : chart.smoothedPoints("batch"))
            QVERIFY2(p.y() <= spiked.max, qPrintable(QString("%1 at %2").arg(p.y()).arg(p.x())));
        QVERIFY(chart.smoothedPoints("batch")[501].y() > chart.smoothedPoints("batch")[499].y());  // still a bump
        // The mark: red triangles at the top of the plot.
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QVERIFY(pixelsNear(chart.grab().toImage(), QColor(214, 39, 40)) > 10);
        QVERIFY(studio::test::saveScreenshot(chart, "loss-spike-clipped"));
        // On a log axis nothing is clipped: 1e6 is one decade among the others.
        chart.setAxisGroupLogarithmic({}, true);
        QVERIFY(chart.clippedPoints("batch").isEmpty());
        QVERIFY(chart.yRange({}).max >= 1e6);
    }

    void logButtonTogglesTheAxis() {
        LiveChart chart;
        lossChart(chart);
        auto* button = chart.findChild<QToolButton*>("logScaleButton");
        QVERIFY(button);
        QVERIFY(button->isHidden());  // only where offered
        chart.offerLogScaleToggle({});
        QVERIFY(!button->isHidden());
        QList<QPointF> points = fallingLoss(300);
        for (int i = 250; i < 300; ++i) points[i].setY(std::pow(10.0, (i - 250) / 8.0));  // diverges to 1e6
        chart.appendPoints("batch", points);
        QSignalSpy toggled(&chart, &LiveChart::logScaleToggled);
        button->click();
        QCOMPARE(toggled.size(), 1);
        QCOMPARE(toggled[0][1].toBool(), true);
        QVERIFY(chart.isAxisGroupLogarithmic({}));
        const AxisRange log = chart.yRange({});
        QVERIFY2(log.min <= 0.3 && log.min > 0.0 && log.max >= 1e6, qPrintable(QString::number(log.max)));
        QCOMPARE(std::log10(log.min), std::round(std::log10(log.min)));  // whole decades
        button->click();
        QVERIFY(!chart.isAxisGroupLogarithmic({}));
        chart.setAxisGroupLogarithmic({}, true);  // set from code: the button follows
        QVERIFY(button->isChecked());
    }

    void zoomPanAndReset() {
        LiveChart chart;
        lossChart(chart);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        QList<QPointF> points;
        for (int i = 0; i <= 1000; ++i) points.append({double(i), i / 1000.0});
        chart.appendPoints("batch", points);
        QVERIFY(!chart.isZoomed());
        chart.setXView(100, 200);
        QVERIFY(chart.isZoomed());
        QCOMPARE(chart.xRange().min, 100.0);
        QCOMPARE(chart.xRange().max, 200.0);
        // y fits what is in view (0.1–0.2 and the smoothed curve's lag), not the whole 0–1.
        QVERIFY2(chart.yRange({}).max <= 0.25, qPrintable(QString::number(chart.yRange({}).max)));
        for (const QPointF& p : chart.shownPoints("batch")) QVERIFY(p.x() >= 99 && p.x() <= 201);
        auto* reset = chart.findChild<QToolButton*>("resetZoomButton");
        QVERIFY(reset && !reset->isHidden());

        // The wheel zooms around the pointer; new data does not move a zoomed view.
        auto* view = chart.findChild<QGraphicsView*>();
        QVERIFY(view);
        QWidget* viewport = view->viewport();
        const QPointF centre(viewport->width() / 2.0, viewport->height() / 2.0);
        QWheelEvent wheel(centre, viewport->mapToGlobal(centre), {}, {0, 120}, Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(viewport, &wheel);
        const AxisRange zoomed = chart.xRange();
        QVERIFY2(zoomed.max - zoomed.min < 100.0 * 0.81 && zoomed.min > 100.0 && zoomed.max < 200.0,
                 qPrintable(QString("%1..%2").arg(zoomed.min).arg(zoomed.max)));
        chart.appendPoints("batch", {{1001, 1.0}});
        QCOMPARE(chart.xRange().min, zoomed.min);
        // Dragging pans by the distance moved.
        QTest::mousePress(viewport, Qt::LeftButton, {}, centre.toPoint());
        QTest::mouseMove(viewport, (centre + QPointF(40, 0)).toPoint());
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, (centre + QPointF(40, 0)).toPoint());
        QVERIFY(chart.xRange().min < zoomed.min);
        QVERIFY(std::abs((chart.xRange().max - chart.xRange().min) - (zoomed.max - zoomed.min)) < 1e-9);
        // Double-click: follow the data again.
        QTest::mouseDClick(viewport, Qt::LeftButton, {}, centre.toPoint());
        QVERIFY(!chart.isZoomed());
        QVERIFY(reset->isHidden());
        QVERIFY(chart.xRange().max >= 1001.0);
        QVERIFY(chart.shownPoints("batch").size() == 1002 || chart.shownPoints("batch").size() <= chart.pointBudget());
    }

    void oneEpochRunShowsItsValidationPoint() {
        LiveChart chart;
        lossChart(chart);
        chart.setXAxisTitle("Epoch");
        QList<QPointF> batches;
        for (int i = 1; i <= 50; ++i) batches.append({i / 50.0, 2.3 - i * 0.02});
        chart.appendPoints("batch", batches);
        chart.appendPoints("train", {{1.0, 1.8}});
        chart.appendPoints("val", {{1.0, 1.5}});
        QVERIFY(chart.drawsPointMarkers("val"));
        QVERIFY(chart.drawsPointMarkers("train"));
        QVERIFY(!chart.drawsPointMarkers("batch"));
        QVERIFY(chart.yRange({}).min <= 1.5);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        const QImage image = chart.grab().toImage();
        // The orange dot (the legend's swatch alone is about 12 pixels of it).
        QVERIFY2(pixelsNear(image, QColor(230, 115, 0)) > 30, qPrintable(QString::number(pixelsNear(image, QColor(230, 115, 0)))));
        QVERIFY(studio::test::saveScreenshot(chart, "one-epoch"));
        chart.appendPoints("val", {{2.0, 1.2}});  // two points make a line
        QVERIFY(!chart.drawsPointMarkers("val"));
    }

    void tickLabelsStayShort_data() {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::newRow("loss") << 0.0 << 2.4;
        QTest::newRow("diverged to 1e6") << 0.0 << 1.3e6;
        QTest::newRow("diverged to 1e20") << 0.0 << 3e20;
        QTest::newRow("negative huge") << -5e9 << 5e9;
        QTest::newRow("flat 2.3026") << 2.30258 << 2.302581;
        QTest::newRow("tiny rates") << 0.0 << 3e-7;
    }
    void tickLabelsStayShort() {
        QFETCH(double, lo);
        QFETCH(double, hi);
        const NiceAxis axis = niceAxis(lo, hi);
        QVERIFY(axis.max >= hi && axis.min <= lo);
        QStringList labels;
        const double step = (axis.max - axis.min) / (axis.tickCount - 1);
        for (int i = 0; i < axis.tickCount; ++i) {
            const double v = axis.min + i * step;
            // As Qt Charts prints it (printf) and as the painted plots do (NiceAxis::label).
            const QString printed = QString::asprintf(axis.labelFormat.toLatin1().constData(), v);
            QVERIFY2(printed.size() <= 10, qPrintable(printed));
            QVERIFY2(axis.label(v).size() <= 10, qPrintable(axis.label(v)));
            labels.append(printed);
        }
        QCOMPARE(QSet<QString>(labels.begin(), labels.end()).size(), labels.size());  // still tell ticks apart
    }
};

QTEST_MAIN(ChartSpikesTest)
#include "tst_chart_spikes.moc"
