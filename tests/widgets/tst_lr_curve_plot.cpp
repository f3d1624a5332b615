// LrCurvePlot's rate axis: decade labels short (1e-7, 0.01, 10) and never touching, whatever the
// font: in View ▸ Presentation "1e-05 0.0001 0.001" ran into each other (seen on a screenshot).
#include "widgets/lr_curve_plot.h"

#include <QtTest>
#include <cmath>

using namespace studio::widgets;

class LrCurvePlotTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rateLabelsNeverTouch_data() {
        QTest::addColumn<int>("pointSize");
        QTest::addColumn<int>("width");
        QTest::newRow("desktop") << 9 << 560;
        QTest::newRow("presentation") << 18 << 560;
        QTest::newRow("narrow projector") << 24 << 380;
    }

    void rateLabelsNeverTouch() {
        QFETCH(int, pointSize);
        QFETCH(int, width);
        LrCurvePlot plot;
        QFont font = plot.font();
        font.setPointSize(pointSize);
        plot.setFont(font);
        QList<QPointF> raw;
        for (int i = 0; i < 80; ++i) raw.append({std::pow(10.0, -7.0 + i * 0.1), 2.0 - 0.01 * i});
        plot.setCurve(raw, {});
        plot.resize(width, 320);
        (void)plot.grab();  // paints
        const auto labels = plot.xTickLabels();
        QVERIFY(labels.size() >= 3);
        QCOMPARE(labels.first().first, QString("1e-7"));
        for (const auto& [text, at] : labels) QVERIFY2(text.size() <= 4, qPrintable(text));
        for (int i = 1; i < labels.size(); ++i)
            QVERIFY2(labels[i - 1].second.right() < labels[i].second.left(),
                     qPrintable(labels[i - 1].first + " touches " + labels[i].first));
        if (pointSize == 9) QVERIFY2(labels.size() == 9, qPrintable(QString::number(labels.size()) + " labels, last " + labels.last().first));  // every decade 1e-7 … 10 when there is room
    }
};

QTEST_MAIN(LrCurvePlotTest)
#include "tst_lr_curve_plot.moc"
