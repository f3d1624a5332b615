// HyperparameterForm: values in, one valueEdited per editing gesture out.
#include "widgets/hyperparameter_form.h"
#include "widgets/scientific_spin_box.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QToolButton>
#include <QtTest>

using namespace studio::widgets;

namespace {

QList<FieldSpec> trainingFields() {
    FieldSpec epochs{"epochs", "Epochs", "Schedule", FieldSpec::Integer, 1, 100, 1, 0, false, 10, {},
                     "How many passes over the training set.", {}};
    FieldSpec batch{"batch_size", "Batch size", "Schedule", FieldSpec::Integer, 1, 4096, 16, 0, false, 64, {},
                    "Samples per optimizer step.", {}};
    FieldSpec lr{"learning_rate", "Learning rate", "Optimizer", FieldSpec::Number, 1e-6, 1.0, 0.001, 6, true, 1e-3,
                 {}, "Step size of the optimizer.", {}};
    FieldSpec momentum{"momentum", "Momentum", "Optimizer", FieldSpec::Number, 0.0, 0.999, 0.01, 3, false, 0.9, {},
                       "Fraction of the previous update kept.", {}};
    FieldSpec optimizer{"optimizer", "Optimizer", "Optimizer", FieldSpec::Choice, 0, 0, 0, 0, false, "adam",
                        {"sgd", "adam", "adamw", "rmsprop"}, "How gradients become weight updates.", {}};
    FieldSpec augment{"augment", "Augment images", "Data", FieldSpec::Boolean, 0, 0, 0, 0, false, false, {},
                      "Random shifts and flips while training.", {}};
    return {epochs, batch, lr, momentum, optimizer, augment};
}

/// One notch of the wheel turned towards the user (scroll down) over the middle of `w`, delivered
/// as the window system does: to the widget under the cursor, spontaneous, so an event that the
/// widget ignores goes on to its parents.
void wheelDown(QWidget* w) {
    QPoint at = w->rect().center();
    QWidget* target = w;
    if (QWidget* child = w->childAt(at)) {
        at = child->mapFrom(w, at);
        target = child;
    }
    QWheelEvent wheel(at, target->mapToGlobal(QPointF(at)), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    QSpontaneKeyEvent::setSpontaneous(&wheel);
    qApp->notify(target, &wheel);  // sendEvent() would mark it as the app's own, delivered to `target` only
}

}  // namespace

class HyperparameterFormTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buildsGroupsWithDefaults();
    void tooltipsOnEveryField();
    void rangesClamp_data();
    void rangesClamp();
    void setValuesDoesNotEmit();
    void spinStepsAreOneGesture();
    void editingFinishedEndsGestureAtOnce();
    void gestureOnAnotherFieldCommitsThePrevious();
    void comboChangeIsOneSignalWithOldAndNew();
    void checkboxToggleIsOneSignal();
    void scientificEntry_data();
    void scientificEntry();
    void logScaleArrowsWalkOneTwoFive();
    void fieldCanBeDisabled();
    void actionButtonBesideAField();
    void labelNamesTheField();
    void wheelScrollsPastUnfocusedEditors();
    void pathFieldIsTextWithOneSignalPerEdit();
    void closingWithAFocusedFieldFinishesItsEdit();
};

void HyperparameterFormTest::buildsGroupsWithDefaults() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    const auto boxes = form.findChildren<QGroupBox*>();
    QStringList titles;
    for (QGroupBox* box : boxes) titles << box->title();
    QCOMPARE(titles, (QStringList{"Schedule", "Optimizer", "Data"}));
    const QVariantMap v = form.values();
    QCOMPARE(v.value("epochs").toInt(), 10);
    QCOMPARE(v.value("batch_size").toInt(), 64);
    QCOMPARE(v.value("learning_rate").toDouble(), 1e-3);
    QCOMPARE(v.value("optimizer").toString(), QString("adam"));
    QCOMPARE(v.value("augment").toBool(), false);
}

void HyperparameterFormTest::tooltipsOnEveryField() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    for (const FieldSpec& spec : trainingFields()) {
        QWidget* editor = form.editor(spec.key);
        QVERIFY(editor);
        QVERIFY2(editor->toolTip().contains(spec.tooltip), qPrintable(spec.key));
        QVERIFY(!editor->statusTip().isEmpty());
    }
    QVERIFY(form.editor("learning_rate")->toolTip().contains("Range 1e-06 – 1"));
    for (QLabel* label : form.findChildren<QLabel*>()) QVERIFY(!label->toolTip().isEmpty());
}

void HyperparameterFormTest::rangesClamp_data() {
    QTest::addColumn<QString>("key");
    QTest::addColumn<QVariant>("input");
    QTest::addColumn<QVariant>("expected");
    QTest::newRow("epochs above max") << "epochs" << QVariant(1000) << QVariant(100);
    QTest::newRow("epochs below min") << "epochs" << QVariant(0) << QVariant(1);
    QTest::newRow("lr above max") << "learning_rate" << QVariant(5.0) << QVariant(1.0);
    QTest::newRow("lr below min") << "learning_rate" << QVariant(1e-9) << QVariant(1e-6);
    QTest::newRow("lr tiny kept exact") << "learning_rate" << QVariant(3e-5) << QVariant(3e-5);
    QTest::newRow("momentum inside") << "momentum" << QVariant(0.95) << QVariant(0.95);
}

void HyperparameterFormTest::rangesClamp() {
    QFETCH(QString, key);
    QFETCH(QVariant, input);
    QFETCH(QVariant, expected);
    HyperparameterForm form;
    form.setFields(trainingFields());
    form.setValues({{key, input}});
    QCOMPARE(form.value(key).toDouble(), expected.toDouble());
}

void HyperparameterFormTest::setValuesDoesNotEmit() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    form.setValues({{"epochs", 20}, {"optimizer", "sgd"}, {"augment", true}, {"learning_rate", 0.01}});
    QTest::qWait(form.gestureIdleMs() + 100);
    QCOMPARE(spy.count(), 0);
    QCOMPARE(form.value("optimizer").toString(), QString("sgd"));
    QCOMPARE(form.value("augment").toBool(), true);
}

void HyperparameterFormTest::spinStepsAreOneGesture() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    form.setGestureIdleMs(150);
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    auto* epochs = qobject_cast<QSpinBox*>(form.editor("epochs"));
    QVERIFY(epochs);
    for (int i = 0; i < 5; ++i) {
        epochs->stepBy(1);  // what an arrow click or a mouse-wheel notch does
        QTest::qWait(20);
    }
    QCOMPARE(spy.count(), 0);  // still inside the gesture
    QVERIFY(spy.wait(1000));
    QTest::qWait(200);
    QCOMPARE(spy.count(), 1);
    const QList<QVariant> args = spy.takeFirst();
    QCOMPARE(args.at(0).toString(), QString("epochs"));
    QCOMPARE(args.at(1).toInt(), 10);
    QCOMPARE(args.at(2).toInt(), 15);
    // Undoing through setValues, then a new gesture starts from the shown value.
    form.setValues({{"epochs", 10}});
    epochs->stepBy(-2);
    QVERIFY(spy.wait(1000));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toInt(), 10);
    QCOMPARE(spy.at(0).at(2).toInt(), 8);
}

void HyperparameterFormTest::editingFinishedEndsGestureAtOnce() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    auto* batch = qobject_cast<QSpinBox*>(form.editor("batch_size"));
    batch->stepBy(1);
    batch->stepBy(1);
    Q_EMIT batch->editingFinished();  // focus left the field or Enter was pressed
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(2).toInt(), 96);
    QTest::qWait(form.gestureIdleMs() + 100);
    QCOMPARE(spy.count(), 1);  // the idle timer does not emit the same gesture again
    Q_EMIT batch->editingFinished();
    QCOMPARE(spy.count(), 1);  // focus-out without a change is not an edit
}

void HyperparameterFormTest::gestureOnAnotherFieldCommitsThePrevious() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    qobject_cast<QSpinBox*>(form.editor("epochs"))->stepBy(1);
    qobject_cast<QDoubleSpinBox*>(form.editor("momentum"))->stepBy(1);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QString("epochs"));
    form.commitPendingEdit();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), QString("momentum"));
    QCOMPARE(spy.at(1).at(2).toDouble(), 0.91);
}

void HyperparameterFormTest::comboChangeIsOneSignalWithOldAndNew() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    auto* combo = qobject_cast<QComboBox*>(form.editor("optimizer"));
    combo->setCurrentIndex(combo->findText("sgd"));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QString("optimizer"));
    QCOMPARE(spy.at(0).at(1).toString(), QString("adam"));
    QCOMPARE(spy.at(0).at(2).toString(), QString("sgd"));
    QTest::qWait(form.gestureIdleMs() + 100);
    QCOMPARE(spy.count(), 1);
}

void HyperparameterFormTest::checkboxToggleIsOneSignal() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    auto* check = qobject_cast<QCheckBox*>(form.editor("augment"));
    QTest::mouseClick(check, Qt::LeftButton, {}, QPoint(8, check->height() / 2));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toBool(), false);
    QCOMPARE(spy.at(0).at(2).toBool(), true);
}

void HyperparameterFormTest::scientificEntry_data() {
    QTest::addColumn<QString>("typed");
    QTest::addColumn<double>("expected");
    QTest::newRow("plain") << "0.01" << 0.01;
    QTest::newRow("exponent") << "1e-3" << 1e-3;
    QTest::newRow("capital exponent") << "3E-4" << 3e-4;
    QTest::newRow("mantissa") << "2.5e-5" << 2.5e-5;
    QTest::newRow("above range clamps") << "7" << 1.0;
}

void HyperparameterFormTest::scientificEntry() {
    QFETCH(QString, typed);
    QFETCH(double, expected);
    HyperparameterForm form;
    form.setFields(trainingFields());
    form.setValues({{"learning_rate", 0.1}});
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    auto* lr = qobject_cast<ScientificSpinBox*>(form.editor("learning_rate"));
    QVERIFY(lr);
    lr->show();
    lr->setFocus();
    lr->selectAll();
    QTest::keyClicks(lr, typed);
    QTest::keyClick(lr, Qt::Key_Return);
    QCOMPARE(form.value("learning_rate").toDouble(), expected);
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toDouble(), 0.1);
    QCOMPARE(spy.at(0).at(2).toDouble(), expected);
}

void HyperparameterFormTest::logScaleArrowsWalkOneTwoFive() {
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(1e-3, true), 2e-3);
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(2e-3, true), 5e-3);
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(5e-3, true), 1e-2);
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(3e-3, true), 5e-3);
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(3e-3, false), 2e-3);
    QCOMPARE(ScientificSpinBox::nextOneTwoFive(1e-3, false), 5e-4);
    HyperparameterForm form;
    form.setFields(trainingFields());
    auto* lr = qobject_cast<ScientificSpinBox*>(form.editor("learning_rate"));
    lr->stepBy(3);
    QCOMPARE(lr->value(), 1e-2);
    QCOMPARE(lr->text(), QString("0.01"));
    lr->stepBy(10);
    QCOMPARE(lr->value(), 1.0);  // capped at the maximum
}

void HyperparameterFormTest::fieldCanBeDisabled() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    form.setFieldEnabled("momentum", false);
    QVERIFY(!form.isFieldEnabled("momentum"));
    QVERIFY(!form.editor("momentum")->isEnabled());
    form.setFieldEnabled("momentum", true);
    QVERIFY(form.isFieldEnabled("momentum"));
}

void HyperparameterFormTest::actionButtonBesideAField() {
    // "Find…" beside the learning rate: set after the form is built (values and disabled fields
    // kept) and before (placed when setFields names the key), it triggers its action.
    HyperparameterForm form;
    form.setFields(trainingFields());
    form.setValues({{"learning_rate", 3e-3}, {"epochs", 7}});
    form.setFieldEnabled("momentum", false);
    QAction find("Find…");
    QSignalSpy triggered(&find, &QAction::triggered);
    QVERIFY(!form.fieldActionButton("learning_rate"));
    form.setFieldAction("learning_rate", &find);
    auto* button = qobject_cast<QToolButton*>(form.fieldActionButton("learning_rate"));
    QVERIFY(button);
    QCOMPARE(button->text(), QString("Find…"));
    QCOMPARE(form.value("learning_rate").toDouble(), 3e-3);
    QCOMPARE(form.value("epochs").toInt(), 7);
    QVERIFY(!form.isFieldEnabled("momentum"));
    QVERIFY(qobject_cast<ScientificSpinBox*>(form.editor("learning_rate")));  // the editor is still the editor
    button->click();
    QCOMPARE(triggered.count(), 1);
    form.setFields(trainingFields());  // rebuilt: the button comes back
    QVERIFY(form.fieldActionButton("learning_rate"));
    QVERIFY(!form.fieldActionButton("epochs"));
    find.setEnabled(false);
    QVERIFY(!form.fieldActionButton("learning_rate")->isEnabled());
    form.setFieldAction("learning_rate", nullptr);
    QVERIFY(!form.fieldActionButton("learning_rate"));
}

void HyperparameterFormTest::wheelScrollsPastUnfocusedEditors() {
    // The form in a dock: shorter than its fields, so the wheel has something to scroll.
    QScrollArea dock;
    auto* form = new HyperparameterForm;
    form->setFields(trainingFields());
    dock.setWidget(form);
    dock.setWidgetResizable(true);
    dock.resize(300, 120);
    dock.show();
    dock.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dock));
    dock.setFocus();
    QSignalSpy edited(form, &HyperparameterForm::valueEdited);

    auto* epochs = qobject_cast<QSpinBox*>(form->editor("epochs"));
    auto* optimizer = qobject_cast<QComboBox*>(form->editor("optimizer"));
    QVERIFY(epochs && optimizer);
    QCOMPARE(epochs->focusPolicy(), Qt::StrongFocus);  // the wheel does not focus it either
    QVERIFY(!epochs->hasFocus());
    wheelDown(epochs);
    QCOMPARE(epochs->value(), 10);
    QVERIFY(dock.verticalScrollBar()->value() > 0);  // the dock scrolled instead
    wheelDown(optimizer);
    QCOMPARE(optimizer->currentText(), QString("adam"));
    QVERIFY(!epochs->hasFocus() && !optimizer->hasFocus());

    // Clicked or tabbed into, the editor takes the wheel.
    epochs->setFocus();
    QVERIFY(epochs->hasFocus());
    wheelDown(epochs);
    QCOMPARE(epochs->value(), 9);
    optimizer->setFocus();
    wheelDown(optimizer);
    QCOMPARE(optimizer->currentText(), QString("adamw"));
    form->commitPendingEdit();
    QCOMPARE(edited.count(), 2);
}

void HyperparameterFormTest::labelNamesTheField() {
    HyperparameterForm form;
    form.setFields(trainingFields());
    QCOMPARE(form.label("learning_rate"), QString("Learning rate"));
    QCOMPARE(form.label("augment"), QString("Augment images"));
    QCOMPARE(form.label("unknown"), QString("unknown"));
}

void HyperparameterFormTest::pathFieldIsTextWithOneSignalPerEdit() {
    FieldSpec teacher{"teacher", "Teacher model", "Distillation", FieldSpec::Path, 0, 0, 0, 0, false, QString(), {},
                      "A saved model to learn from.", "Models (*.tsmodel)"};
    HyperparameterForm form;
    form.setFields({teacher});
    QCOMPARE(form.value("teacher").toString(), QString());
    QWidget* editor = form.editor("teacher");
    QVERIFY(editor);
    QVERIFY(editor->toolTip().contains("A saved model"));
    auto* edit = editor->findChild<QLineEdit*>();
    QVERIFY(edit);
    QVERIFY(editor->findChild<QToolButton*>());  // "…" opens a file dialog
    QSignalSpy spy(&form, &HyperparameterForm::valueEdited);
    form.setValues({{"teacher", "/models/a.tsmodel"}});
    QCOMPARE(edit->text(), QString("/models/a.tsmodel"));
    QCOMPARE(spy.count(), 0);
    // Typing is one edit, committed when editing ends.
    edit->setText("/models/b.tsmodel");
    QCOMPARE(spy.count(), 0);
    Q_EMIT edit->editingFinished();
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(1).toString(), QString("/models/a.tsmodel"));
    QCOMPARE(spy.at(0).at(2).toString(), QString("/models/b.tsmodel"));
    QCOMPARE(form.values().value("teacher").toString(), QString("/models/b.tsmodel"));
    // Clearing (the clear button) turns it off at once.
    edit->clear();
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(2).toString(), QString());
    Q_EMIT edit->editingFinished();
    QCOMPARE(spy.count(), 2);  // nothing changed since
}

void HyperparameterFormTest::closingWithAFocusedFieldFinishesItsEdit() {
    // A window closed while a field has the focus: the field loses it, finishes its edit, and the
    // form reports it while it is still a form (under UBSan a slot that ran from QWidget's
    // destructor instead was a call into a half-destroyed object).
    auto* form = new HyperparameterForm;
    form->setFields(trainingFields());
    form->show();
    form->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(form));
    auto* epochs = qobject_cast<QSpinBox*>(form->editor("epochs"));
    epochs->setFocus();
    QVERIFY(epochs->hasFocus());
    QSignalSpy spy(form, &HyperparameterForm::valueEdited);
    epochs->stepBy(1);  // a gesture not yet ended
    QCOMPARE(spy.count(), 0);
    delete form;
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QString("epochs"));
    QCOMPARE(spy.at(0).at(2).toInt(), 11);
}

QTEST_MAIN(HyperparameterFormTest)
#include "tst_hyperparameter_form.moc"
