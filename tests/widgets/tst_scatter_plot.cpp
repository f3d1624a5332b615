// ScatterPlot: log options on a log x axis, categories in slots, the boxes choose the axes,
// picking the dot under the mouse.
#include "run_fixtures.h"
#include "widgets/scatter_plot.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QtTest>
#include <cmath>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

QList<ScatterPoint> samplePoints() {
    QList<ScatterPoint> points;
    for (const RunRow& run : sampleRuns()) {
        QVariantMap values = run.options;
        values["best_val_accuracy"] = run.bestValAccuracy;
        points.append({run.id, run.color, values});
    }
    return points;
}

const QList<ParallelAxis> kX{{"learning_rate", "Learning rate", true, false, {}},
                             {"batch_size", "Batch size", false, false, {}},
                             {"optimizer", "Optimizer", false, true, {}}};
const QList<ParallelAxis> kY{{"best_val_accuracy", "Best val accuracy", false, false, {}}};

}  // namespace

class ScatterPlotTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void logOptionGivesLogX();
    void boxesChooseAxesAndSurviveNewDimensions();
    void categoriesGetSlots();
    void pickingFindsTheDot();
    void runsWithoutAValueAreNotDrawn();

private:
    std::unique_ptr<ScatterPlot> m_plot;
};

void ScatterPlotTest::init() {
    m_plot = std::make_unique<ScatterPlot>();
    m_plot->resize(500, 320);
    m_plot->setDimensions(kX, kY);
    m_plot->setPoints(samplePoints());
}

void ScatterPlotTest::logOptionGivesLogX() {
    ScatterPlot& plot = *m_plot;
    QCOMPARE(plot.xKey(), QString("learning_rate"));
    QVERIFY(std::abs(plot.xUnit(1e-3) - 0.5) < 1e-12);
    const QRectF r = plot.valueRect();
    QVERIFY(std::abs(plot.pointPosition(1)->x() - r.left()) < 1e-9);        // 1e-4
    QVERIFY(std::abs(plot.pointPosition(5)->x() - r.center().x()) < 1e-9);  // 1e-3
    QCOMPARE(plot.xUnit(1e-2), 1.0);
    // The better run is higher.
    QVERIFY(plot.pointPosition(5)->y() < plot.pointPosition(1)->y());
}

void ScatterPlotTest::boxesChooseAxesAndSurviveNewDimensions() {
    ScatterPlot& plot = *m_plot;
    QCOMPARE(plot.xBox()->count(), 3);
    QCOMPARE(plot.xBox()->itemText(1), QString("Batch size"));
    plot.xBox()->setCurrentIndex(1);
    QCOMPARE(plot.xKey(), QString("batch_size"));
    QVERIFY(std::abs(plot.xUnit(1e-3) - 0.5) > 0.1);  // linear now
    plot.setDimensions(kX, kY);
    QCOMPARE(plot.xKey(), QString("batch_size"));
    QCOMPARE(plot.yKey(), QString("best_val_accuracy"));
}

void ScatterPlotTest::categoriesGetSlots() {
    ScatterPlot& plot = *m_plot;
    plot.setXKey("optimizer");
    const QRectF r = plot.valueRect();
    // adam (runs 1-6) in the left half, sgd (7, 8; 9 has no result) in the right, spread within
    // ±30% of a slot.
    for (qint64 id = 1; id <= 8; ++id) {
        const double u = (plot.pointPosition(id)->x() - r.left()) / r.width();
        if (id <= 6)
            QVERIFY2(u > 0.25 - 0.16 && u < 0.25 + 0.16, qPrintable(QString::number(u)));
        else
            QVERIFY2(u > 0.75 - 0.16 && u < 0.75 + 0.16, qPrintable(QString::number(u)));
    }
}

void ScatterPlotTest::pickingFindsTheDot() {
    ScatterPlot& plot = *m_plot;
    QSignalSpy clicked(&plot, &ScatterPlot::runClicked);
    const QPointF at = *plot.pointPosition(5);
    QCOMPARE(plot.pointAt(at + QPointF(2, -1)), std::optional<qint64>(5));
    QTest::mouseClick(&plot, Qt::LeftButton, {}, (at + QPointF(1, 1)).toPoint());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toLongLong(), 5);
    QCOMPARE(plot.pointAt(QPointF(1, 1)), std::nullopt);
}

void ScatterPlotTest::runsWithoutAValueAreNotDrawn() {
    ScatterPlot& plot = *m_plot;
    QVERIFY(!plot.pointPosition(9).has_value());  // the queued run has no accuracy yet
    QList<ScatterPoint> points = samplePoints();
    points[2].values.remove("best_val_accuracy");
    plot.setPoints(points);
    QVERIFY(!plot.pointPosition(3).has_value());
    QVERIFY(plot.pointPosition(4).has_value());
}

QTEST_MAIN(ScatterPlotTest)
#include "tst_scatter_plot.moc"
