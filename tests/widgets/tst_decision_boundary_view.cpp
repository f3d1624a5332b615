// DecisionBoundaryView, UnitFieldGrid and BoundaryPanel offscreen: the field fills the plot in
// the class colours (shaded by confidence, or flat when discretized), the points sit where their
// coordinates say, held-out squares hide with "Show test data", a click gives the plane point,
// the probe is drawn, hidden-unit thumbnails use the diverging scale and enlarge on hover, and
// the panel's speed/step controls emit their intents. Light and dark screenshots go to
// $STUDIO_SCREENSHOT_DIR when set.

#include <QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <cmath>

#include "widgets/boundary_panel.h"
#include "widgets/decision_boundary_view.h"
#include "widgets/unit_field_grid.h"

using namespace studio::widgets;

namespace {

QPalette darkPalette() {
    QPalette p;
    const QColor text(232, 232, 232);
    p.setColor(QPalette::Window, QColor(45, 45, 48));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(30, 30, 32));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(55, 55, 58));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    p.setColor(QPalette::ToolTipBase, QColor(60, 60, 64));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Mid, QColor(90, 90, 94));
    return p;
}

const QList<QColor> kColours = {QColor(0xE8590C), QColor(0x1C7ED6), QColor(0x2F9E44)};

// Three classes over [-2, 2]²: class 0 where x < 0 (sure), class 1 where x ≥ 0 and y ≥ 0 (unsure),
// class 2 elsewhere; p(winner) rises with |x| like a model's confidence.
BoundaryField sampleField(int side = 40) {
    BoundaryField f;
    f.xMin = f.yMin = -2;
    f.xMax = f.yMax = 2;
    f.columns = f.rows = side;
    f.classes = 3;
    f.probabilities.resize(static_cast<std::size_t>(side) * side * 3);
    for (int row = 0; row < side; ++row)
        for (int col = 0; col < side; ++col) {
            const double x = -2 + (col + 0.5) * 4.0 / side, y = 2 - (row + 0.5) * 4.0 / side;
            const int winner = x < 0 ? 0 : y >= 0 ? 1 : 2;
            const float p = winner == 1 ? 0.5f : static_cast<float>(0.4 + 0.6 * std::min(1.0, std::abs(x) / 2));
            float* cell = f.probabilities.data() + (static_cast<std::size_t>(row) * side + col) * 3;
            for (int k = 0; k < 3; ++k) cell[k] = k == winner ? p : (1 - p) / 2;
        }
    return f;
}

QList<PlaneSample> samplePoints() {
    QList<PlaneSample> points;
    for (int i = 0; i < 60; ++i) {
        const double a = i * 0.37, r = 0.3 + (i % 10) * 0.15;
        const QPointF p(r * std::cos(a), r * std::sin(a));
        points.push_back({p, p.x() < 0 ? 0 : p.y() >= 0 ? 1 : 2, i % 5 == 0});
    }
    return points;
}

int distance(QColor a, QColor b) {
    return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) + std::abs(a.blue() - b.blue());
}

}  // namespace

class DecisionBoundaryViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void fieldFillsThePlotInClassColours() {
        DecisionBoundaryView view;
        view.resize(420, 480);
        view.setClasses({"arm 1", "arm 2", "arm 3"}, kColours);
        view.setField(sampleField());
        view.setPoints({});
        const QImage image = view.grab().toImage();
        const QRectF plot = view.plotRect();
        QVERIFY(plot.width() > 300);
        // Far left: class 0, strongly shaded; upper right: class 1 at p = ½ (chance-ish, faint).
        const QColor left = image.pixelColor(view.toWidget({-1.9, 0.3}).toPoint());
        const QColor upperRight = image.pixelColor(view.toWidget({1.0, 1.0}).toPoint());
        const QColor lowerRight = image.pixelColor(view.toWidget({1.9, -1.0}).toPoint());
        QVERIFY2(distance(left, kColours[0]) < distance(left, Qt::white), qPrintable(left.name()));
        QVERIFY(distance(upperRight, kColours[1]) < distance(upperRight, kColours[0]));
        QVERIFY(distance(lowerRight, kColours[2]) < distance(lowerRight, kColours[1]));
        // Confidence is the shade: the unsure region is paler than the sure one.
        QVERIFY(distance(view.cellColour(10, 39), Qt::white) < distance(view.cellColour(10, 0), Qt::white));
        view.setDiscrete(true);
        QCOMPARE(distance(view.cellColour(10, 39), Qt::white) > 0, true);
        const int sureDiscrete = distance(view.cellColour(10, 0), Qt::white);
        view.setDiscrete(false);
        QVERIFY(sureDiscrete != distance(view.cellColour(10, 0), Qt::white));
        // Round trip between plane and widget coordinates.
        const QPointF back = view.toPlane(view.toWidget({0.7, -1.2}));
        QVERIFY(std::abs(back.x() - 0.7) < 1e-9 && std::abs(back.y() + 1.2) < 1e-9);
    }

    void pointsAndHeldOutMarkers() {
        DecisionBoundaryView view;
        view.resize(420, 480);
        view.setClasses({"a", "b", "c"}, kColours);
        view.setField(sampleField());
        const PlaneSample train{{-1.0, 1.0}, 1, false}, held{{1.0, -1.5}, 0, true};
        view.setPoints({train, held});
        QCOMPARE(view.pointCount(), 2);
        QImage image = view.grab().toImage();
        // A class-1 disc drawn inside the class-0 region: its centre has class 1's colour exactly.
        QCOMPARE(image.pixelColor(view.toWidget(train.position).toPoint()), kColours[1]);
        QCOMPARE(image.pixelColor(view.toWidget(held.position).toPoint()), kColours[0]);
        view.setShowHeldOut(false);
        image = view.grab().toImage();
        QVERIFY(image.pixelColor(view.toWidget(held.position).toPoint()) != kColours[0]);
        QCOMPARE(image.pixelColor(view.toWidget(train.position).toPoint()), kColours[1]);
    }

    void clickAsksToClassifyAndTheProbeIsDrawn() {
        DecisionBoundaryView view;
        view.resize(420, 480);
        view.setClasses({"a", "b", "c"}, kColours);
        view.setField(sampleField());
        QSignalSpy clicked(&view, &DecisionBoundaryView::pointClicked);
        const QPoint at = view.toWidget({0.5, -0.25}).toPoint();
        QTest::mouseClick(&view, Qt::LeftButton, {}, at);
        QCOMPARE(clicked.count(), 1);
        const QPointF p = clicked.first().first().toPointF();
        QVERIFY(std::abs(p.x() - 0.5) < 0.02 && std::abs(p.y() + 0.25) < 0.02);
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(2, 2));  // outside the plot
        QCOMPARE(clicked.count(), 1);
        const QImage before = view.grab().toImage();
        view.setProbe(p, {0.1, 0.2, 0.7});
        QVERIFY(view.probePoint().has_value());
        const QImage after = view.grab().toImage();
        QCOMPARE(after.pixelColor(at), kColours[2]);  // the probe's disc in the winner's colour
        QVERIFY(before != after);
        view.clearProbe();
        QVERIFY(!view.probePoint());
    }

    void emptyViewSaysWhy() {
        DecisionBoundaryView view;
        view.resize(300, 300);
        view.setEmptyText("Not a 2-D dataset");
        const QImage image = view.grab().toImage();
        QVERIFY(!image.isNull());
        QVERIFY(!view.field().isValid());
    }

    void unitThumbnailsUseTheDivergingScale() {
        UnitFieldGrid grid;
        grid.resize(400, 200);
        UnitFieldLayer layer;
        layer.label = "dense 1 · relu";
        layer.units = 3;
        layer.rows = layer.columns = 8;
        layer.values.assign(3 * 64, 0.0f);
        for (int i = 0; i < 64; ++i) {
            layer.values[static_cast<std::size_t>(i)] = static_cast<float>(i % 8) - 3.5f;  // left negative, right positive
            layer.values[static_cast<std::size_t>(64 + i)] = 2.0f;                          // constant positive
        }
        UnitFieldLayer invalid;
        invalid.units = 2;
        grid.setLayers({layer, invalid});
        QCOMPARE(grid.layerCount(), 1);
        QCOMPARE(grid.thumbnailCount(), 3);
        const QImage unit0 = grid.thumbnail(0, 0);
        QCOMPARE(unit0.size(), QSize(8, 8));
        const QColor negative = unit0.pixelColor(0, 3), positive = unit0.pixelColor(7, 3);
        QVERIFY(negative.blue() > negative.red());
        QVERIFY(positive.red() > positive.blue());
        QCOMPARE(grid.thumbnail(0, 2).pixelColor(4, 4), grid.palette().color(QPalette::Base));  // all zero: off
        QVERIFY(grid.thumbnail(0, 3).isNull());
        // Hover enlarges: the thumbnail rect is where the mouse finds the unit.
        const QRect r = grid.thumbnailRect(0, 1);
        QVERIFY(r.isValid());
        QCOMPARE(grid.unitAt(r.center()), std::optional(std::pair{0, 1}));
        QSignalSpy hovered(&grid, &UnitFieldGrid::unitHovered);
        grid.setHoveredUnit(grid.unitAt(r.center()));
        QCOMPARE(grid.hoveredUnit(), std::optional(std::pair{0, 1}));
        QCOMPARE(hovered.count(), 1);
        QCOMPARE(hovered.first().at(1).toInt(), 1);
        QVERIFY(grid.unitCaption(0, 1).startsWith("dense 1 · relu, unit 2: 2"));
        grid.setHoveredUnit(std::nullopt);
        QCOMPARE(hovered.last().at(0).toInt(), -1);
        QVERIFY(grid.heightForWidth(400) >= r.bottom());
    }

    void panelEmitsPaceAndStep() {
        BoundaryPanel panel;
        QSignalSpy pace(&panel, &BoundaryPanel::paceChanged);
        QSignalSpy step(&panel, &BoundaryPanel::stepRequested);
        QCOMPARE(panel.pace(), 0.0);
        panel.paceBox()->setCurrentIndex(4);
        QCOMPARE(pace.count(), 1);
        QCOMPARE(pace.first().first().toDouble(), BoundaryPanel::paceChoices()[4]);
        panel.setPace(28);  // nearest choice, silently
        QCOMPARE(panel.pace(), 30.0);
        QCOMPARE(pace.count(), 1);
        panel.setPace(0);
        QCOMPARE(panel.pace(), 0.0);
        QVERIFY(!panel.stepButton()->isEnabled());
        panel.setStepEnabled(true);
        panel.stepButton()->click();
        QCOMPARE(step.count(), 1);
        panel.view()->setClasses({"a", "b", "c"}, kColours);
        panel.view()->setField(sampleField());
        panel.showTestBox()->setChecked(false);
        QVERIFY(!panel.view()->showHeldOut());
        panel.discreteBox()->setChecked(true);
        QVERIFY(panel.view()->isDiscrete());
        // The data row: built from field descriptions, hidden until the data are a built-in 2-D set.
        FieldSpec noise;
        noise.key = "noise";
        noise.label = "Generator noise (×)";
        noise.type = FieldSpec::Number;
        noise.max = 10;
        noise.step = 0.25;
        noise.decimals = 2;
        FieldSpec samples;
        samples.key = "samples";
        samples.label = "Generated samples";
        samples.type = FieldSpec::Integer;
        samples.max = 1000000;
        samples.step = 500;
        FieldSpec colour;
        colour.key = "channels";
        colour.type = FieldSpec::Choice;
        panel.setDataFields({noise, samples, colour});
        QVERIFY(!panel.dataControlsVisible());
        QVERIFY(panel.dataEditor("noise") && panel.dataEditor("samples"));
        QVERIFY(!panel.dataEditor("channels"));  // only numbers go in the row
        panel.setDataValues({{"noise", 2.5}, {"samples", 3000}});
        auto* noiseBox = qobject_cast<QDoubleSpinBox*>(panel.dataEditor("noise"));
        QCOMPARE(noiseBox->value(), 2.5);
        QCOMPARE(qobject_cast<QSpinBox*>(panel.dataEditor("samples"))->value(), 3000);
        panel.setDataControlsVisible(true);
        QVERIFY(panel.dataControlsVisible());
        QSignalSpy edited(&panel, &BoundaryPanel::dataSettingEdited);
        noiseBox->setValue(0.5);
        Q_EMIT noiseBox->editingFinished();
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.first().at(0).toString(), QString("noise"));
        QCOMPARE(edited.first().at(1).toDouble(), 0.5);

        // Hovering a unit enlarges it in the magnifier beside the thumbnails.
        UnitFieldLayer layer;
        layer.label = "dense 2 · tanh";
        layer.units = 2;
        layer.rows = layer.columns = 6;
        layer.values.assign(72, 0.5f);
        panel.units()->setLayers({layer});
        QVERIFY(panel.magnifier()->pixmap().isNull());
        panel.units()->setHoveredUnit(std::pair{0, 1});
        QCOMPARE(panel.magnifier()->pixmap().width(), 150);
        QVERIFY(panel.magnifierCaption()->text().contains("unit 2"));
    }

    void screenshots_data() {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }

    void screenshots() {
        QFETCH(bool, dark);
        BoundaryPanel panel;
        if (dark) panel.setPalette(darkPalette());
        panel.resize(640, 760);
        panel.view()->setClasses({"arm 1", "arm 2", "arm 3"}, kColours);
        panel.view()->setField(sampleField(48));
        panel.view()->setPoints(samplePoints());
        panel.view()->setProbe({0.8, -0.6}, {0.1, 0.15, 0.75});
        panel.view()->setCaption("Epoch 12 · step 230");
        UnitFieldLayer layer;
        layer.label = "dense 1 · relu";
        layer.units = 24;
        layer.rows = layer.columns = 16;
        for (int u = 0; u < 24; ++u)
            for (int i = 0; i < 256; ++i)
                layer.values.push_back(static_cast<float>(std::max(0.0, std::cos(u * 0.4) * (i % 16 - 7.5) +
                                                                          std::sin(u * 0.4) * (7.5 - i / 16))));
        panel.units()->setLayers({layer});
        panel.setStatus("Boundary of epoch 12, 48×48 cells in 9 ms");
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.units()->setHoveredUnit(std::pair{0, 3});
        QCoreApplication::processEvents();
        const QImage image = panel.grab().toImage();
        QVERIFY(!image.isNull());
        QTemporaryDir temp;
        const QString dir = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR", temp.path());
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(image.save(QStringLiteral("%1/decision-boundary-%2.png").arg(dir, dark ? "dark" : "light")));
        QVERIFY(panel.view()->exportPng(QStringLiteral("%1/decision-boundary-view-%2.png").arg(dir, dark ? "dark" : "light")));
    }
};

QTEST_MAIN(DecisionBoundaryViewTest)
#include "tst_decision_boundary_view.moc"
