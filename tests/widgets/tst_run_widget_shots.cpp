// Renders every Runs widget with the sample sweep (9 runs, lr 1e-4 … 1e-2, batch 32/64/128) in a
// light and a dark palette, to look at: set STUDIO_WIDGET_SHOTS=/some/dir to keep the PNGs.
// Checks only that each picture was written and is not a blank canvas.
#include "run_fixtures.h"
#include "widgets/compare_view.h"
#include "widgets/live_chart.h"
#include "widgets/parallel_coordinates_plot.h"
#include "widgets/runs_table.h"
#include "widgets/scatter_plot.h"
#include "widgets/sweep_view.h"

#include <QTableView>
#include <QTemporaryDir>
#include <QtTest>

using namespace studio::widgets;
using namespace studio::widgets::fixtures;

namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor text(232, 232, 232);
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::AlternateBase, QColor(40, 40, 44));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(55, 55, 58));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(42, 130, 218));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    return p;
}

QList<ParallelAxis> axes() {
    return {{"learning_rate", "Learning rate", true, false, {}},
            {"batch_size", "Batch size", false, false, {}},
            {"optimizer", "Optimizer", false, true, {"adam", "sgd"}},
            {"best_val_accuracy", "Val accuracy", false, false, {}}};
}

QList<ParallelLine> lines() {
    QList<ParallelLine> result;
    for (const RunRow& r : sampleRuns())
        if (r.epochsDone > 0)
            result.append({r.id,
                           r.color,
                           {r.options["learning_rate"].toDouble(), r.options["batch_size"].toDouble(),
                            r.options["optimizer"] == "adam" ? 0.0 : 1.0, r.bestValAccuracy}});
    return result;
}

QList<ScatterPoint> points() {
    QList<ScatterPoint> result;
    for (const RunRow& r : sampleRuns()) {
        QVariantMap values = r.options;
        values["best_val_accuracy"] = r.bestValAccuracy;
        result.append({r.id, r.color, values});
    }
    return result;
}

QList<CompareRun> compareRuns() {
    QList<CompareRun> result;
    const QList<RunRow> runs = sampleRuns();
    for (int i : {0, 4, 6}) {
        const RunRow& r = runs[i];
        result.append(
            {r.id, r.name, r.color, r.options,
             QVariantMap{
                 {"best_val_accuracy", r.bestValAccuracy}, {"best_val_loss", r.bestValLoss}, {"seconds", r.seconds}},
             sampleCurve(i, 10, false, true), sampleCurve(i, 10, false, false), sampleCurve(i, 10, true, true),
             sampleCurve(i, 10, true, false)});
    }
    return result;
}

}  // namespace

class RunWidgetShots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void shots_data();
    void shots();

private:
    void save(QWidget& widget, const QString& name, bool dark, int minimumInk = 200);
    QTemporaryDir m_temp;
    QString m_dir;
};

void RunWidgetShots::initTestCase() {
    m_dir = qEnvironmentVariable("STUDIO_WIDGET_SHOTS", m_temp.path());
    QVERIFY(QDir().mkpath(m_dir));
}

void RunWidgetShots::shots_data() {
    QTest::addColumn<bool>("dark");
    QTest::newRow("light") << false;
    QTest::newRow("dark") << true;
}

void RunWidgetShots::save(QWidget& widget, const QString& name, bool dark, int minimumInk) {
    if (dark) widget.setPalette(darkPalette());
    widget.show();
    QVERIFY(QTest::qWaitForWindowExposed(&widget));
    QCoreApplication::processEvents();
    const QString path = QStringLiteral("%1/%2-%3.png").arg(m_dir, name, dark ? "dark" : "light");
    const QImage image = widget.grab().toImage();
    QVERIFY(image.save(path));
    const QRgb background = image.pixel(image.width() - 3, image.height() - 3);
    int different = 0;
    for (int y = 0; y < image.height(); y += 5)
        for (int x = 0; x < image.width(); x += 5) different += image.pixel(x, y) != background;
    QVERIFY2(different > minimumInk, qPrintable(path));
}

void RunWidgetShots::shots() {
    QFETCH(bool, dark);
    {
        RunsTable table;
        table.resize(1040, 340);
        table.setOptionColumns(kOptionColumns);
        table.setRuns(sampleRuns());
        table.setChecked(1, true);
        table.setChecked(5, true);
        table.view()->selectRow(4);
        save(table, "runs_table", dark);
    }
    {
        CompareView compare;
        compare.resize(960, 700);
        compare.setOptionColumns(kOptionColumns + QList<OptionColumn>{{"best_val_accuracy", "Best val accuracy"},
                                                                      {"best_val_loss", "Best val loss"},
                                                                      {"seconds", "Training time"}});
        compare.setRuns(compareRuns());
        save(compare, "compare_view", dark);
    }
    {
        ParallelCoordinatesPlot plot;
        plot.resize(600, 300);
        plot.setAxes(axes());
        plot.setLines(lines());
        plot.setBrush(1, 50, 140);
        save(plot, "parallel_coordinates", dark);
    }
    {
        ScatterPlot scatter;
        scatter.resize(600, 300);
        scatter.setDimensions(axes().mid(0, 3), axes().mid(3));
        scatter.setPoints(points());
        save(scatter, "scatter_plot", dark);
        scatter.setXKey("optimizer");
        save(scatter, "scatter_plot_categorical", dark);
    }
    {
        LiveChart chart;
        chart.resize(600, 300);
        chart.setTitle("Loss");
        chart.setXAxisTitle("Epoch");
        chart.addSeries("train", "Train", runColor(0));
        chart.addSeries("val", "Validation", runColor(0));
        chart.setSeriesDashed("train", true);
        chart.setPoints("train", sampleCurve(4, 20, false, true));
        chart.setPoints("val", sampleCurve(4, 20, false, false));
        chart.addMarker(8, "lr ÷ 10", QColor(44, 160, 44));
        chart.addMarker(15, "lr ÷ 10", QColor(44, 160, 44));
        save(chart, "live_chart_markers", dark);
    }
    {
        SweepView sweep;
        sweep.resize(1100, 860);
        save(sweep, "sweep_view_empty", dark, 10);  // one line of text
        SweepSummary s{1,
                       "lr × batch search",
                       "successive halving",
                       "running",
                       7,
                       9,
                       sampleAccuracy(4),
                       5,
                       {{1, 9, 3, 0.84}, {3, 3, 1, 0.89}, {9, 1, 0, sampleAccuracy(4)}},
                       {{1, 0.71}, {2, 0.78}, {3, 0.84}, {4, 0.84}, {5, 0.89}, {6, 0.89}, {7, sampleAccuracy(4)}}};
        sweep.setSummary(s);
        sweep.setAxes(axes());
        sweep.setLines(lines());
        sweep.setScatterDimensions(axes().mid(0, 3), axes().mid(3));
        sweep.setScatterPoints(points());
        sweep.setRunningCurves({{6, "lr0.0018-b128", runColor(5), sampleCurve(5, 4, true, false)},
                                {7, "lr0.0032-b32", runColor(6), sampleCurve(6, 6, true, false)}});
        save(sweep, "sweep_view", dark);
    }
}

QTEST_MAIN(RunWidgetShots)
#include "tst_run_widget_shots.moc"
