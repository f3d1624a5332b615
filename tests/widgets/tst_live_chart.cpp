// LiveChart keeps every point, draws a bounded number of them, and its axes follow the data.
#include "widgets/live_chart.h"
#include "widgets/series_decimation.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLegend>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>
#include <algorithm>
#include <cmath>

using namespace studio::widgets;

class LiveChartTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void boundsKeepAccuracyWithinZeroAndOne();
    void appendsListsAndCounts();
    void unknownSeriesIsIgnored();
    void clearKeepsSeriesDropsPoints();
    void axesFollowData_data();
    void axesFollowData();
    void logarithmicAxisSpansDecades();
    void decimationCapsShownPointsKeepsBucketExtremes_data();
    void decimationCapsShownPointsKeepsBucketExtremes();
    void smoothingIsExponentialMovingAverage();
    void smoothingContinuesAcrossAppends();
    void exportPngWritesWidgetSizedImage();
    void followsPaletteLightness();
    void dashedSeriesDrawDashed();
    void removeSeriesForgetsItAndRefitsAxes();
    void markersAreKeptAndCleared();
    void legendIsNotElidedWhenNarrow();
    void shortChartsKeepEveryTickLabel();
};

void LiveChartTest::appendsListsAndCounts() {
    LiveChart chart;
    chart.addSeries("loss", "Training loss", Qt::red, "loss");
    chart.addSeries("acc", "Accuracy", Qt::blue, "accuracy");
    QVERIFY(chart.hasSeries("loss"));
    chart.appendPoints("loss", {{0, 2.3}, {1, 2.0}});
    chart.appendPoints("loss", {{2, 1.5}});
    chart.appendPoints("acc", {{1, 0.4}});
    QCOMPARE(chart.pointCount("loss"), 3);
    QCOMPARE(chart.shownPointCount("loss"), 3);
    QCOMPARE(chart.pointCount("acc"), 1);
    QCOMPARE(chart.shownPoints("loss").last(), QPointF(2, 1.5));
}

void LiveChartTest::unknownSeriesIsIgnored() {
    LiveChart chart;
    chart.appendPoints("nothing", {{0, 1}});
    QCOMPARE(chart.pointCount("nothing"), 0);
    QVERIFY(!chart.hasSeries("nothing"));
}

void LiveChartTest::clearKeepsSeriesDropsPoints() {
    LiveChart chart;
    chart.addSeries("loss", "Loss", Qt::red);
    chart.setSmoothing("loss", 0.5);
    chart.appendPoints("loss", {{0, 1}, {1, 2}});
    chart.clear();
    QVERIFY(chart.hasSeries("loss"));
    QCOMPARE(chart.pointCount("loss"), 0);
    QCOMPARE(chart.shownPointCount("loss"), 0);
    QVERIFY(chart.smoothedPoints("loss").isEmpty());
    chart.appendPoints("loss", {{0, 5}});
    QCOMPARE(chart.pointCount("loss"), 1);
}

void LiveChartTest::axesFollowData_data() {
    QTest::addColumn<QList<QPointF>>("points");
    QTest::newRow("loss falling") << QList<QPointF>{{0, 2.31}, {100, 1.2}, {843, 0.35}};
    QTest::newRow("accuracy") << QList<QPointF>{{1, 0.52}, {2, 0.81}, {3, 0.88}};
    QTest::newRow("negative values") << QList<QPointF>{{0, -3.0}, {10, 4.0}};
    QTest::newRow("flat line") << QList<QPointF>{{0, 0.5}, {50, 0.5}};
    QTest::newRow("large steps") << QList<QPointF>{{0, 10}, {93750, 12}};
}

void LiveChartTest::axesFollowData() {
    QFETCH(QList<QPointF>, points);
    LiveChart chart;
    chart.addSeries("s", "Series", Qt::red, "g");
    chart.appendPoints("s", points);
    double lo = points.first().y(), hi = lo, maxX = 0;
    for (const QPointF& p : points) {
        lo = std::min(lo, p.y());
        hi = std::max(hi, p.y());
        maxX = std::max(maxX, p.x());
    }
    const AxisRange x = chart.xRange();
    QCOMPARE(x.min, 0.0);
    QVERIFY2(x.max >= maxX && x.max <= maxX * 1.5 + 1e-9, qPrintable(QString::number(x.max)));
    const AxisRange y = chart.yRange("g");
    QVERIFY2(y.min < lo && y.max > hi, qPrintable(QStringLiteral("%1..%2").arg(y.min).arg(y.max)));
    // Not so loose that the curve becomes a flat line in a corner.
    const double span = std::max(hi - lo, std::abs(lo) * 0.2);
    QVERIFY(y.max - y.min <= span * 3.0 + 1e-9);
    if (lo >= 0) QVERIFY(y.min >= 0.0);
}

void LiveChartTest::logarithmicAxisSpansDecades() {
    LiveChart chart;
    chart.addSeries("lr", "Learning rate", Qt::darkGreen, "lr");
    chart.setAxisGroupLogarithmic("lr", true);
    chart.appendPoints("lr", {{0, 0.0}, {1, 3e-4}, {2, 0.05}});
    QCOMPARE(chart.pointCount("lr"), 3);
    QCOMPARE(chart.shownPointCount("lr"), 2);  // y = 0 cannot sit on a log axis
    QCOMPARE(chart.yRange("lr").min, 1e-4);
    QCOMPARE(chart.yRange("lr").max, 0.1);
    chart.setAxisGroupLogarithmic("lr", false);
    QCOMPARE(chart.shownPointCount("lr"), 3);
    QCOMPARE(chart.yRange("lr").min, 0.0);
}

void LiveChartTest::decimationCapsShownPointsKeepsBucketExtremes_data() {
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("budget");
    QTest::newRow("under budget") << 1500 << 2000;
    QTest::newRow("10k into 2000") << 10000 << 2000;
    QTest::newRow("100k into 2000") << 100000 << 2000;
    QTest::newRow("odd sizes") << 7777 << 333;
}

void LiveChartTest::decimationCapsShownPointsKeepsBucketExtremes() {
    QFETCH(int, count);
    QFETCH(int, budget);
    QList<QPointF> points;
    for (int i = 0; i < count; ++i) {
        double y = 1.0 + 0.3 * std::sin(i * 0.01);
        if (i % 997 == 500) y = 9.0;  // loss spikes that must stay visible
        if (i % 1231 == 77) y = -4.0;
        points.append(QPointF(i, y));
    }
    LiveChart chart;
    chart.setPointBudget(budget);
    chart.addSeries("loss", "Loss", Qt::red);
    // Fed in frame-sized lists, as the app does.
    for (int i = 0; i < count; i += 250) chart.appendPoints("loss", points.mid(i, 250));
    QCOMPARE(chart.pointCount("loss"), count);
    QVERIFY(chart.shownPointCount("loss") <= std::max(budget, std::min(count, budget)));
    const QList<QPointF> shown = chart.shownPoints("loss");
    if (count <= budget) {
        QCOMPARE(shown, points);
        return;
    }
    QVERIFY(shown.size() >= budget - 4);
    QCOMPARE(shown.first(), points.first());
    QCOMPARE(shown.last(), points.last());
    // Every bucket's min and max survive: check against the documented bucketing.
    const qsizetype buckets = (budget - 2) / 2;
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype begin = b * count / buckets, end = (b + 1) * count / buckets;
        auto [lo, hi] = std::minmax_element(points.begin() + begin, points.begin() + end,
                                            [](const QPointF& a, const QPointF& c) { return a.y() < c.y(); });
        QVERIFY2(shown.contains(*lo) && shown.contains(*hi), qPrintable(QString::number(b)));
    }
    // x stays ordered, so the line never doubles back.
    for (qsizetype i = 1; i < shown.size(); ++i) QVERIFY(shown[i].x() > shown[i - 1].x());
    QCOMPARE(chart.yRange("").min <= -4.0, true);
    // The upward spikes stay visible: on the axis, or (clipped, as here: 9 is far above the
    // 0.7-1.3 bulk) each one marked above it.
    if (chart.yRange("").max < 9.0) {
        const qsizetype spikes = std::count_if(points.begin(), points.end(), [](const QPointF& p) { return p.y() == 9.0; });
        QCOMPARE(chart.clippedPoints("loss").size(), spikes);
    }
}

void LiveChartTest::smoothingIsExponentialMovingAverage() {
    LiveChart chart;
    chart.addSeries("loss", "Loss", Qt::red);
    chart.appendPoints("loss", {{0, 1.0}, {1, 3.0}, {2, 0.0}});
    chart.setSmoothing("loss", 0.5);
    const QList<QPointF> s = chart.smoothedPoints("loss");
    QCOMPARE(s.size(), 3);
    QCOMPARE(s[0].y(), 1.0);
    QCOMPARE(s[1].y(), 2.0);  // 0.5·1 + 0.5·3
    QCOMPARE(s[2].y(), 1.0);  // 0.5·2 + 0.5·0
    chart.setSmoothing("loss", 0.0);
    QVERIFY(chart.smoothedPoints("loss").isEmpty());
    QCOMPARE(chart.pointCount("loss"), 3);
}

void LiveChartTest::smoothingContinuesAcrossAppends() {
    QList<QPointF> points;
    for (int i = 0; i < 100; ++i) points.append(QPointF(i, std::cos(i * 0.3) + i * 0.01));
    LiveChart chart;
    chart.addSeries("loss", "Loss", Qt::red);
    chart.setSmoothing("loss", 0.9);
    for (int i = 0; i < 100; i += 7) chart.appendPoints("loss", points.mid(i, 7));
    const QList<QPointF> expected = exponentialMovingAverage(points, 0.9);
    const QList<QPointF> got = chart.smoothedPoints("loss");
    QCOMPARE(got.size(), expected.size());
    for (int i = 0; i < got.size(); ++i) QVERIFY(std::abs(got[i].y() - expected[i].y()) < 1e-12);
}

void LiveChartTest::exportPngWritesWidgetSizedImage() {
    QTemporaryDir dir;
    LiveChart chart;
    chart.setTitle("Loss");
    chart.addSeries("loss", "Training loss", Qt::red);
    chart.appendPoints("loss", {{0, 2}, {1, 1}, {2, 0.5}});
    chart.resize(640, 400);
    const QString path = dir.filePath("chart.png");
    QVERIFY(chart.exportPng(path));
    QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(640, 400) * chart.devicePixelRatioF());
    // Not a blank canvas: the curve and the labels differ from the background.
    const QRgb background = image.pixel(2, 2);
    int different = 0;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4) different += image.pixel(x, y) != background;
    QVERIFY(different > 100);
    QVERIFY(!chart.exportPng(dir.filePath("no/such/folder/chart.png")));
}

void LiveChartTest::followsPaletteLightness() {
    LiveChart chart;
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(30, 30, 34));
    dark.setColor(QPalette::Base, QColor(20, 20, 22));
    dark.setColor(QPalette::WindowText, QColor(230, 230, 230));
    chart.setPalette(dark);
    QVERIFY(chart.isDarkTheme());
    QPalette light;
    light.setColor(QPalette::Window, QColor(240, 240, 240));
    chart.setPalette(light);
    QVERIFY(!chart.isDarkTheme());
}

void LiveChartTest::boundsKeepAccuracyWithinZeroAndOne() {
    LiveChart chart;
    chart.addSeries("val", "Validation", Qt::red);
    chart.appendPoints("val", {{1, 0.95}, {2, 0.99}, {3, 1.0}});
    QVERIFY(chart.yRange({}).max > 1.0);  // the 5% margin goes past 100% …
    chart.setAxisGroupBounds({}, 0.0, 1.0);
    QCOMPARE(chart.yRange({}).max, 1.0);  // … unless the axis is bounded
    QVERIFY(chart.yRange({}).min >= 0.0 && chart.yRange({}).min < 0.95);
    chart.appendPoints("val", {{4, 0.2}});
    QVERIFY(chart.yRange({}).min >= 0.0 && chart.yRange({}).min <= 0.2);
    QCOMPARE(chart.yRange({}).max, 1.0);
}

void LiveChartTest::dashedSeriesDrawDashed() {
    LiveChart chart;
    chart.addSeries("train", "Train", Qt::red);
    chart.addSeries("val", "Validation", Qt::red);
    chart.setSeriesDashed("train", true);
    QVERIFY(chart.isSeriesDashed("train"));
    QVERIFY(!chart.isSeriesDashed("val"));
    // A palette change rebuilds the pens: the dash must survive it, and smoothing too.
    chart.setSmoothing("train", 0.5);
    chart.setPalette(QPalette(QColor(30, 30, 34)));
    QVERIFY(chart.isSeriesDashed("train"));
    chart.setSeriesDashed("train", false);
    QVERIFY(!chart.isSeriesDashed("train"));
    chart.setSeriesDashed("nothing", true);  // ignored
    QVERIFY(!chart.isSeriesDashed("nothing"));
}

void LiveChartTest::removeSeriesForgetsItAndRefitsAxes() {
    LiveChart chart;
    chart.addSeries("a", "A", Qt::red, "g");
    chart.addSeries("b", "B", Qt::blue, "g");
    chart.setSmoothing("b", 0.3);
    chart.appendPoints("a", {{0, 1.0}, {10, 2.0}});
    chart.appendPoints("b", {{0, 50.0}, {100, 60.0}});
    QVERIFY(chart.yRange("g").max >= 60.0);
    chart.removeSeries("b");
    QVERIFY(!chart.hasSeries("b"));
    QCOMPARE(chart.seriesIds(), QStringList{"a"});
    QCOMPARE(chart.pointCount("b"), 0);
    QVERIFY(chart.yRange("g").max < 5.0);
    QVERIFY(chart.xRange().max < 50.0);
    chart.addSeries("b", "B", Qt::blue, "g");  // the id can come back, empty
    QCOMPARE(chart.pointCount("b"), 0);
    chart.removeAllSeries();
    QVERIFY(chart.seriesIds().isEmpty());
    chart.appendPoints("a", {{1, 1}});  // unknown again: ignored
    QCOMPARE(chart.pointCount("a"), 0);
}

void LiveChartTest::markersAreKeptAndCleared() {
    LiveChart chart;
    chart.addSeries("loss", "Loss", Qt::red);
    chart.appendPoints("loss", {{0, 2}, {500, 1}, {1000, 0.5}});
    chart.addMarker(300, "lr ÷ 10", Qt::darkGreen);
    chart.addMarker(700, "lr ÷ 10", Qt::darkGreen);
    QCOMPARE(chart.markerPositions(), (QList<double>{300, 700}));
    chart.resize(500, 300);
    QImage with = chart.grab().toImage();
    chart.clearMarkers();
    QVERIFY(chart.markerPositions().isEmpty());
    QImage without = chart.grab().toImage();
    QVERIFY(with != without);  // the markers were drawn
}


namespace {
// The texts the legend draws (Qt Charts elides a marker's label with "…" when a row is short).
void collectTexts(QGraphicsItem* item, QStringList& texts) {
    if (auto* text = dynamic_cast<QGraphicsTextItem*>(item)) texts << text->toPlainText();
    for (QGraphicsItem* child : item->childItems()) collectTexts(child, texts);
}
}  // namespace

// At 1024×700 the Training tab's loss chart is about 290 px wide: its legend read "Trai…" and
// "Vali…". Every entry must show its whole name.
void LiveChartTest::legendIsNotElidedWhenNarrow() {
    LiveChart chart;
    chart.resize(290, 380);
    chart.setTitle("Loss");
    chart.setAxisGroupTitle("loss", "Cross-entropy");
    chart.addSeries("batch", "Batch", QColor(100, 150, 240), "loss");
    chart.addSeries("train", "Train (epoch)", QColor(30, 60, 160), "loss");
    chart.addSeries("val", "Validation", QColor(230, 120, 30), "loss");
    chart.setSmoothing("batch", 0.9);
    QList<QPointF> batch;
    for (int i = 0; i < 300; ++i) batch.append({i / 150.0, i == 20 ? 400.0 : 2.0 / (1 + i / 30.0)});
    chart.appendPoints("batch", batch);  // one spike: clipped, and named in the legend
    chart.appendPoints("train", {{0.5, 0.9}, {1.0, 0.5}, {1.5, 0.3}, {2.0, 0.2}});
    chart.appendPoints("val", {{0.5, 0.95}, {1.0, 0.55}, {1.5, 0.35}, {2.0, 0.25}});
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    QTest::qWait(50);
    auto* view = chart.findChild<QChartView*>();
    QVERIFY(view);
    QStringList shown;  // the entries of the legend, wherever it is drawn
    QLegend* legend = view->chart()->legend();
    if (legend->isVisible()) collectTexts(legend, shown);
    for (QLabel* label : chart.findChildren<QLabel*>()) {
        if (!label->isVisible() || label->text().isEmpty()) continue;
        shown << label->text();
        QVERIFY2(label->width() >= label->sizeHint().width(), qPrintable("cut: " + label->text()));
        const QRect inChart(label->mapTo(&chart, QPoint(0, 0)), label->size());
        QVERIFY2(chart.rect().contains(inChart), qPrintable("outside the chart: " + label->text()));
    }
    for (const QString& t : shown)
        QVERIFY2(!t.endsWith("...") && !t.endsWith(QChar(0x2026)), qPrintable("elided: " + t));
    QVERIFY2(shown.contains("Train (epoch)"), qPrintable(shown.join(", ")));
    QVERIFY(shown.contains("Validation"));
    QVERIFY(shown.contains("Batch"));
    QVERIFY(std::any_of(shown.begin(), shown.end(), [](const QString& t) { return t.startsWith("▲"); }));
}


// At 1024×700 the Accuracy chart's plot is about 75 px tall: with six ticks Qt Charts shortened
// every y label to "…". A short plot gets fewer ticks, each label whole.
void LiveChartTest::shortChartsKeepEveryTickLabel() {
    LiveChart chart;
    chart.resize(290, 165);
    chart.setTitle("Accuracy");
    chart.setAxisGroupTitle("acc", "Correct");
    chart.setAxisGroupBounds("acc", 0.0, 1.0);
    chart.addSeries("batch", "Batch", QColor(100, 150, 240), "acc");
    chart.addSeries("val", "Validation", QColor(230, 120, 30), "acc");
    QList<QPointF> batch;
    for (int i = 0; i < 300; ++i) batch.append({i / 150.0, 0.8 + 0.19 * i / 300.0});
    chart.appendPoints("batch", batch);
    chart.appendPoints("val", {{1.0, 0.9}, {2.0, 0.97}});
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    auto* view = chart.findChild<QChartView*>();
    QVERIFY(view);
    auto elided = [&] {
        QStringList texts;
        for (QGraphicsItem* item : view->scene()->items())
            if (!item->parentItem()) collectTexts(item, texts);
        QStringList cut;
        for (const QString& t : texts)
            if (t.endsWith("...") || t.endsWith(QChar(0x2026))) cut << t;
        return cut;
    };
    QTRY_VERIFY2(elided().isEmpty(), qPrintable(elided().join(", ")));
    const int shortTicks = chart.yTickCount("acc");
    QVERIFY2(shortTicks >= 2 && shortTicks <= 4, qPrintable(QString::number(shortTicks)));
    chart.resize(290, 600);  // room again: as many ticks as niceAxis likes for five
    QTRY_VERIFY2(chart.yTickCount("acc") > shortTicks, qPrintable(QString::number(chart.yTickCount("acc"))));
    QTRY_VERIFY2(elided().isEmpty(), qPrintable(elided().join(", ")));
}

QTEST_MAIN(LiveChartTest)
#include "tst_live_chart.moc"
