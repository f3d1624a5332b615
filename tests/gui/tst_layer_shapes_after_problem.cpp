// The Model dock after an invalid layer: the analysis goes on past it (to check the rest) as if
// the layer were absent, and the table used to show the shapes, parameters and FLOPs of that
// other model. They are unknown now ("?", with the reason), and so are the totals.

#include <QtTest>

#include "app/gui/architecture_controller.h"
#include "engine/nn/model_spec.h"
#include "tests/screenshot.h"
#include "widgets/architecture_editor.h"
#include "widgets/layer_table_model.h"

using namespace studio;
using namespace studio::app;
using widgets::LayerTableModel;

namespace {

ModelSpec specWithBadSecondConv() {
    ModelSpec spec;
    spec.input = {1, 28, 28};
    spec.classes = 8;
    spec.layers = {{"conv2d", {{"filters", 6}, {"kernel", 5}}},   // 6×24×24
                   {"conv2d", {{"filters", 8}, {"kernel", 40}}},  // a 40-pixel filter on 24×24: invalid
                   {"maxpool2d", {{"size", 2}}},
                   {"flatten", nlohmann::json::object()},
                   {"dense", {{"units", "classes"}}}};
    return spec;
}

QString cell(const LayerTableModel* m, int row, int column, int role = Qt::DisplayRole) {
    return m->index(row, column).data(role).toString();
}

}  // namespace

class LayerShapesAfterProblemTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layersAfterAnInvalidOneAreUnknown();
    void aValidModelShowsEveryShape();
};

void LayerShapesAfterProblemTest::layersAfterAnInvalidOneAreUnknown() {
    widgets::ArchitectureEditor editor;
    const ModelSpec spec = specWithBadSecondConv();
    ArchitectureController controller(&editor, [&] { return spec; });
    controller.show(spec, true);
    const LayerTableModel* m = editor.model();
    QCOMPARE(m->rowCount(), 5);

    // Before the invalid layer: real numbers.
    QCOMPARE(cell(m, 0, LayerTableModel::OutputShape), QString("6×24×24"));
    QVERIFY(cell(m, 0, LayerTableModel::Params) != "?");
    // The invalid layer says what is wrong, and its own numbers are unknown (not 0).
    const QString problem = cell(m, 1, LayerTableModel::Problem);
    QVERIFY(!problem.isEmpty());
    for (int column : {LayerTableModel::OutputShape, LayerTableModel::Params, LayerTableModel::Flops}) {
        QCOMPARE(cell(m, 1, column), QString("?"));
        QVERIFY2(cell(m, 1, column, Qt::ToolTipRole).contains("until this layer is fixed"),
                 qPrintable(cell(m, 1, column, Qt::ToolTipRole)));
    }
    // After it: not the shapes of a model without it (maxpool 6×12×12, flatten 864, dense 8) …
    for (int row = 2; row < 5; ++row) {
        for (int column : {LayerTableModel::OutputShape, LayerTableModel::Params, LayerTableModel::Flops}) {
            QCOMPARE(cell(m, row, column), QString("?"));
            QVERIFY2(cell(m, row, column, Qt::ToolTipRole).contains("until layer 2 is fixed"),
                     qPrintable(cell(m, row, column, Qt::ToolTipRole)));
        }
        QVERIFY(cell(m, row, LayerTableModel::Problem).isEmpty());  // they are not the problem
    }
    // … and the totals are unknown too.
    QVERIFY2(editor.totalsText().contains("unknown until layer 2 is fixed"), qPrintable(editor.totalsText()));

    editor.resize(420, 560);  // about the Model dock's size at 1024×700
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    QVERIFY(test::saveScreenshot(editor, "layer-shapes-after-a-problem"));
}

void LayerShapesAfterProblemTest::aValidModelShowsEveryShape() {
    widgets::ArchitectureEditor editor;
    ModelSpec spec = specWithBadSecondConv();
    spec.layers[1].options["kernel"] = 3;  // fixed: 8×22×22
    ArchitectureController controller(&editor, [&] { return spec; });
    controller.show(spec, true);
    const LayerTableModel* m = editor.model();
    QCOMPARE(cell(m, 1, LayerTableModel::OutputShape), QString("8×22×22"));
    QCOMPARE(cell(m, 2, LayerTableModel::OutputShape), QString("8×11×11"));
    QCOMPARE(cell(m, 3, LayerTableModel::OutputShape), QString("968"));
    QCOMPARE(cell(m, 4, LayerTableModel::OutputShape), QString("8"));
    QVERIFY2(editor.totalsText().startsWith("Total: ") && editor.totalsText().contains("parameters ("),
             qPrintable(editor.totalsText()));
}

QTEST_MAIN(LayerShapesAfterProblemTest)
#include "tst_layer_shapes_after_problem.moc"
