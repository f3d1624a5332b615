// ArchitectureEditor: every user action becomes an intent with the right index; problems show.
#include "widgets/architecture_editor.h"
#include "widgets/layer_table_model.h"
#include "widgets/run_values.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableView>
#include <QToolButton>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;

namespace {

QList<LayerKindDescription> kinds() {
    OptionDescription units{"units", OptionDescription::Integer, 64, 1, 65536, {}, "Number of output neurons."};
    OptionDescription act{"activation", OptionDescription::Choice, "relu", 0, 0, {"relu", "tanh", "none"},
                          "Nonlinearity after the layer."};
    OptionDescription rate{"rate", OptionDescription::Number, 0.5, 0, 0.95, {}, "Fraction of units dropped."};
    return {{"dense", "Dense", "Fully connected layer.", {units, act}},
            {"dropout", "Dropout", "Randomly zeroes units while training.", {rate}},
            {"flatten", "Flatten", "Turns an image into a vector.", {}}};
}

QList<LayerRow> threeLayers(const QString& problem = {}) {
    return {{"flatten", {}, "784", 0, 0, {}},
            {"dense", {{"units", 128}, {"activation", "relu"}}, "128", 100480, 200704, problem},
            {"dense", {{"units", 10}, {"activation", "none"}}, "10", 1290, 2560, {}}};
}

}  // namespace

class ArchitectureEditorTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rowsShowLayers();
    void addInsertsAfterSelection_data();
    void addInsertsAfterSelection();
    void removeUpDownEmitIntents();
    void buttonsDisabledAtEdges();
    void dragDropRequestsMove_data();
    void dragDropRequestsMove();
    void optionEditEmitsIntent();
    void problemRowsAreMarked();
    void totalsText();
    void presetsLoadSave();
    void selectionFollowsIntent();
    void wheelChangesOnlyAFocusedOption();
    void optionsProblemWrapsAndIsNeverClipped();
};

void ArchitectureEditorTest::rowsShowLayers() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    QCOMPARE(editor.rowCount(), 3);
    const LayerTableModel* m = editor.model();
    QCOMPARE(m->index(1, LayerTableModel::Kind).data().toString(), QString("Dense"));
    QCOMPARE(m->index(1, LayerTableModel::Options).data().toString(), QString("units 128, activation relu"));
    QCOMPARE(m->index(1, LayerTableModel::Problem).data().toString(), QString());
    QCOMPARE(m->index(1, LayerTableModel::OutputShape).data().toString(), QString("128"));
    QCOMPARE(m->index(1, LayerTableModel::Params).data().toString(), QString("100 k"));
    QCOMPARE(m->index(1, LayerTableModel::Flops).data().toString(), QString("201 k"));
    QCOMPARE(m->index(2, LayerTableModel::Index).data().toInt(), 3);
}

void ArchitectureEditorTest::addInsertsAfterSelection_data() {
    QTest::addColumn<int>("selected");
    QTest::addColumn<int>("expectedIndex");
    QTest::newRow("none selected appends") << -1 << 3;
    QTest::newRow("after first") << 0 << 1;
    QTest::newRow("after last") << 2 << 3;
}

void ArchitectureEditorTest::addInsertsAfterSelection() {
    QFETCH(int, selected);
    QFETCH(int, expectedIndex);
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    editor.selectRow(selected);
    QCOMPARE(editor.selectedRow(), selected);
    QSignalSpy spy(&editor, &ArchitectureEditor::layerInsertRequested);
    QMenu* menu = editor.addButton()->menu();
    QVERIFY(menu);
    QCOMPARE(menu->actions().size(), 3);
    QAction* dropout = menu->actions().at(1);
    QCOMPARE(dropout->text(), QString("Dropout"));
    QVERIFY(!dropout->toolTip().isEmpty());
    dropout->trigger();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), expectedIndex);
    QCOMPARE(spy.at(0).at(1).toString(), QString("dropout"));
    QCOMPARE(editor.rowCount(), 3);  // nothing changes until the app answers
}

void ArchitectureEditorTest::removeUpDownEmitIntents() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    QSignalSpy removed(&editor, &ArchitectureEditor::layerRemoveRequested);
    QSignalSpy moved(&editor, &ArchitectureEditor::layerMoveRequested);
    editor.selectRow(1);
    QTest::mouseClick(editor.removeButton(), Qt::LeftButton);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.at(0).at(0).toInt(), 1);
    QTest::mouseClick(editor.upButton(), Qt::LeftButton);
    QTest::mouseClick(editor.downButton(), Qt::LeftButton);
    QCOMPARE(moved.count(), 2);
    QCOMPARE(moved.at(0), (QList<QVariant>{1, 0}));
    QCOMPARE(moved.at(1), (QList<QVariant>{1, 2}));
    QCOMPARE(editor.rowCount(), 3);
}

void ArchitectureEditorTest::buttonsDisabledAtEdges() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    editor.selectRow(-1);
    QVERIFY(!editor.removeButton()->isEnabled());
    editor.selectRow(0);
    QVERIFY(!editor.upButton()->isEnabled());
    QVERIFY(editor.downButton()->isEnabled());
    editor.selectRow(2);
    QVERIFY(editor.upButton()->isEnabled());
    QVERIFY(!editor.downButton()->isEnabled());
}

void ArchitectureEditorTest::dragDropRequestsMove_data() {
    QTest::addColumn<int>("from");
    QTest::addColumn<int>("dropBefore");
    QTest::addColumn<int>("to");
    QTest::newRow("first to end") << 0 << 3 << 2;
    QTest::newRow("last to front") << 2 << 0 << 0;
    QTest::newRow("middle down one") << 1 << 3 << 2;
    QTest::newRow("onto itself") << 1 << 1 << -1;
}

void ArchitectureEditorTest::dragDropRequestsMove() {
    QFETCH(int, from);
    QFETCH(int, dropBefore);
    QFETCH(int, to);
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    QSignalSpy moved(&editor, &ArchitectureEditor::layerMoveRequested);
    LayerTableModel* m = editor.model();
    std::unique_ptr<QMimeData> mime(m->mimeData({m->index(from, 0)}));
    QVERIFY(m->canDropMimeData(mime.get(), Qt::MoveAction, dropBefore, 0, {}));
    QVERIFY(!m->dropMimeData(mime.get(), Qt::MoveAction, dropBefore, 0, {}));  // rows stay until setLayers
    QCOMPARE(m->rowCount(), 3);
    if (to < 0) {
        QCOMPARE(moved.count(), 0);
        return;
    }
    QCOMPARE(moved.count(), 1);
    QCOMPARE(moved.at(0), (QList<QVariant>{from, to}));
}

void ArchitectureEditorTest::optionEditEmitsIntent() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    editor.selectRow(2);
    QSignalSpy edited(&editor, &ArchitectureEditor::layerOptionEdited);
    auto* units = qobject_cast<QSpinBox*>(editor.optionEditor("units"));
    QVERIFY(units);
    QCOMPARE(units->value(), 10);
    QCOMPARE(units->toolTip(), QString("Number of output neurons."));
    units->setValue(32);
    Q_EMIT units->editingFinished();
    QCOMPARE(edited.count(), 1);
    QCOMPARE(edited.at(0), (QList<QVariant>{2, QString("units"), 32}));
    auto* act = qobject_cast<QComboBox*>(editor.optionEditor("activation"));
    QVERIFY(act);
    act->setCurrentIndex(1);
    Q_EMIT act->activated(1);
    QCOMPARE(edited.count(), 2);
    QCOMPARE(edited.at(1), (QList<QVariant>{2, QString("activation"), QString("tanh")}));
}

void ArchitectureEditorTest::problemRowsAreMarked() {
    const QString message = "Dense needs a flat input but gets 32×14×14; insert a Flatten layer before it.";
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers(message));
    const LayerTableModel* m = editor.model();
    QCOMPARE(m->index(1, LayerTableModel::Problem).data().toString(), message);
    // Visible as text in the row: the options cell carries it under the options.
    QVERIFY(m->index(1, LayerTableModel::Options).data().toString().endsWith(message));
    QVERIFY(!editor.table()->isColumnHidden(LayerTableModel::Options));
    QVERIFY(!m->index(1, LayerTableModel::Problem).data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(m->index(1, LayerTableModel::Kind).data(Qt::BackgroundRole).isValid());
    QCOMPARE(m->index(1, LayerTableModel::Kind).data(Qt::ToolTipRole).toString(), plainToolTip(message));
    QVERIFY(!m->index(0, LayerTableModel::Kind).data(Qt::BackgroundRole).isValid());
    QVERIFY(m->index(0, LayerTableModel::Problem).data().toString().isEmpty());
}

void ArchitectureEditorTest::totalsText() {
    ArchitectureEditor editor;
    editor.setTotals(101770, 203264, {});
    QCOMPARE(editor.totalsText(), QString("Total: 101,770 parameters (102 k) · 203 k FLOPs per sample"));
    QVERIFY(editor.problemText().isEmpty());
    editor.setTotals(0, 0, "The last layer has 12 outputs but the dataset has 10 classes.");
    QCOMPARE(editor.problemText(), QString("The last layer has 12 outputs but the dataset has 10 classes."));
}

void ArchitectureEditorTest::presetsLoadSave() {
    ArchitectureEditor editor;
    editor.setPresets({"mlp", "lenet", "cnn"});
    QSignalSpy preset(&editor, &ArchitectureEditor::presetRequested);
    QSignalSpy load(&editor, &ArchitectureEditor::loadSpecRequested);
    QSignalSpy save(&editor, &ArchitectureEditor::saveSpecRequested);
    QCOMPARE(editor.presetCombo()->count(), 4);
    editor.presetCombo()->setCurrentIndex(2);
    Q_EMIT editor.presetCombo()->activated(2);
    QCOMPARE(preset.count(), 1);
    QCOMPARE(preset.at(0).at(0).toString(), QString("lenet"));
    QTest::mouseClick(editor.loadButton(), Qt::LeftButton);
    QTest::mouseClick(editor.saveButton(), Qt::LeftButton);
    QCOMPARE(load.count(), 1);
    QCOMPARE(save.count(), 1);
}

void ArchitectureEditorTest::selectionFollowsIntent() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    editor.selectRow(0);
    QTest::mouseClick(editor.downButton(), Qt::LeftButton);
    QList<LayerRow> moved = threeLayers();
    moved.swapItemsAt(0, 1);
    editor.setLayers(moved);
    QCOMPARE(editor.selectedRow(), 1);  // the moved layer stays selected
    editor.selectRow(2);
    QTest::mouseClick(editor.removeButton(), Qt::LeftButton);
    editor.setLayers(moved.mid(0, 2));
    QCOMPARE(editor.selectedRow(), 1);
    editor.setLayers(moved.mid(0, 1));  // an answer without an intent keeps the index, clamped
    QCOMPARE(editor.selectedRow(), 0);
}

void ArchitectureEditorTest::wheelChangesOnlyAFocusedOption() {
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers());
    editor.setPresets({"mlp", "lenet"});
    editor.selectRow(2);
    editor.show();
    editor.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&editor));
    editor.table()->setFocus();
    auto wheel = [](QWidget* w, int notches) {
        const QPointF centre = QRectF(w->rect()).center();
        QWheelEvent event(centre, w->mapToGlobal(centre), QPoint(), QPoint(0, 120 * notches), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
        QSpontaneKeyEvent::setSpontaneous(&event);  // as from the window system: ignored, it reaches the parents
        qApp->notify(w, &event);
    };
    auto* units = qobject_cast<QSpinBox*>(editor.optionEditor("units"));
    auto* act = qobject_cast<QComboBox*>(editor.optionEditor("activation"));
    QVERIFY(units && act);
    QSignalSpy edited(&editor, &ArchitectureEditor::layerOptionEdited);
    QSignalSpy preset(&editor, &ArchitectureEditor::presetRequested);
    wheel(units, 1);
    wheel(act, 1);
    wheel(editor.presetCombo(), -1);
    QCOMPARE(units->value(), 10);
    QCOMPARE(act->currentText(), QString("none"));
    QCOMPARE(editor.presetCombo()->currentIndex(), 0);
    QCOMPARE(preset.count(), 0);  // a passing wheel never replaces the layers
    QVERIFY(!units->hasFocus());
    units->setFocus();
    wheel(units, 1);
    QCOMPARE(units->value(), 11);
    QCOMPARE(edited.count(), 0);  // the edit is sent when the editor finishes, as before
}

void ArchitectureEditorTest::optionsProblemWrapsAndIsNeverClipped() {
    const QString message =
        "Dense needs a flat input but gets 32×14×14 from the convolution before it; insert a Flatten layer "
        "before this layer, or use a global average pooling layer, so that it receives one vector per sample.";
    ArchitectureEditor editor;
    editor.setLayerKinds(kinds());
    editor.setLayers(threeLayers(message));
    editor.resize(420, 560);  // the dock's width
    editor.show();
    QVERIFY(QTest::qWaitForWindowExposed(&editor));
    editor.selectRow(1);
    QCoreApplication::processEvents();  // the options panel's new rows show and lay out
    QLabel* problem = nullptr;
    for (QLabel* label : editor.findChildren<QLabel*>())
        if (label->text() == message && label->isVisibleTo(&editor)) problem = label;
    QVERIFY(problem);
    QVERIFY(problem->wordWrap());
    QTRY_VERIFY(problem->width() > 0);
    QVERIFY2(problem->width() <= 420, qPrintable(QString::number(problem->width())));
    // Every line of the message fits in the label as laid out.
    QTRY_VERIFY2(
        problem->height() >= problem->heightForWidth(problem->width()),
        qPrintable(QStringLiteral("%1 < %2").arg(problem->height()).arg(problem->heightForWidth(problem->width()))));
    QVERIFY(studio::test::saveScreenshot(editor, "layer-options-problem"));
}

QTEST_MAIN(ArchitectureEditorTest)
#include "tst_architecture_editor.moc"
