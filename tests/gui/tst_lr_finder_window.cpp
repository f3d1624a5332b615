// Training ▸ Find Learning Rate… end to end in the studio: the dialog runs the range test on the
// current data, architecture and settings on a worker (the GUI keeps ticking), plots loss against
// the rate with the suggestion, and Apply sets the learning rate as one undoable edit. Stop ends a
// test early. STUDIO_SCREENSHOT_DIR=dir saves the dialog.

#include <QAction>
#include <QElapsedTimer>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include "tests/screenshot.h"
#include "tests/timing_limits.h"
#include "window_fixtures.h"

#include "app/gui/main_window.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/lr_curve_plot.h"
#include "widgets/lr_finder_dialog.h"

using namespace studio;
using namespace studio::app;

namespace {

// From Training ▸ Find Learning Rate…, or from the "Find…" button beside the learning rate.
widgets::LrFinderDialog* openDialog(MainWindow& w, bool besideField = false) {
    if (besideField) {
        auto* button = qobject_cast<QToolButton*>(w.hyperparameterForm()->fieldActionButton("lr"));
        if (!button || button->text() != "Find…") return nullptr;
        button->click();
    } else {
        auto* action = w.findChild<QAction*>("findLearningRateAction");
        if (!action) return nullptr;
        action->trigger();
    }
    return w.findChild<widgets::LrFinderDialog*>();
}

}  // namespace

class LrFinderWindowTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_lr_finder_window");
        QSettings().clear();
        QSettings().setValue("runs/store", m_runs.filePath("runs.sqlite"));
    }

    void findPlotsAndApplyIsUndoable() {
        MainWindow w;
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
        setField(w.hyperparameterForm(), "threads", 1);  // leave a core to the GUI, as a desktop has
        const double before = w.hyperparameterForm()->value("lr").toDouble();
        const int edits = w.undoStack()->count();

        widgets::LrFinderDialog* dialog = openDialog(w);
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        auto* find = dialog->findChild<QPushButton*>("findButton");
        auto* apply = dialog->findChild<QPushButton*>("applyButton");
        QVERIFY(find && apply);
        QVERIFY(!apply->isEnabled());

        // The GUI thread never waits for the test: a 10 ms timer keeps ticking.
        QElapsedTimer clock;
        qint64 last = 0, worst = 0;
        QTimer tick;
        tick.setInterval(10);
        connect(&tick, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            worst = std::max(worst, now - last);
            last = now;
        });
        clock.start();
        tick.start();
        find->click();
        QCOMPARE(find->text(), QString("Stop"));
        QTRY_VERIFY_WITH_TIMEOUT(dialog->plot()->pointCount() > 0 && dialog->plot()->pointCount() < 200, 30000);
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().startsWith("Suggested learning rate"), 60000);
        tick.stop();
        qInfo("longest gap between 10 ms ticks while the finder ran: %lld ms", worst);
        QVERIFY2(worst < timeLimitMs(50), qPrintable(QString::number(worst)));

        QCOMPARE(find->text(), QString("Find"));
        QVERIFY(apply->isEnabled());
        const double suggested = *dialog->suggestion();
        QVERIFY2(suggested >= 1e-4 && suggested <= 3e-2, qPrintable(QString::number(suggested)));
        QCOMPARE(*dialog->plot()->suggestion(), suggested);
        QVERIFY(dialog->plot()->pointCount() >= 20);
        QVERIFY(dialog->plot()->xDecades().x() <= -7 && dialog->plot()->xDecades().y() >= 0);
        QVERIFY(studio::test::saveScreenshot(*dialog, "lr-finder-dialog"));

        // The model was not touched, the learning rate not either, until Apply.
        QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), before);
        apply->click();
        QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), suggested);
        QCOMPARE(w.project().settings.value("lr").toDouble(), suggested);
        QCOMPARE(w.undoStack()->count(), edits + 1);
        QCOMPARE(w.undoStack()->undoText(), QString("Apply suggested learning rate"));
        w.undoStack()->undo();
        QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), before);
        w.undoStack()->redo();
        QCOMPARE(w.hyperparameterForm()->value("lr").toDouble(), suggested);
    }

    void stopEndsTheTest() {
        MainWindow w;
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
        setField(w.hyperparameterForm(), "threads", 1);
        widgets::LrFinderDialog* dialog = openDialog(w, true);
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        auto* find = dialog->findChild<QPushButton*>("findButton");
        find->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->plot()->pointCount() > 0, 30000);
        find->click();  // Stop
        QTRY_COMPARE_WITH_TIMEOUT(dialog->statusText(), QString("Stopped."), 5000);
        QCOMPARE(find->text(), QString("Find"));
        QVERIFY(!dialog->suggestion().has_value());
        // Find works again after a stop.
        find->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusText().startsWith("Suggested learning rate"), 60000);
    }

private:
    QTemporaryDir m_runs;
};

QTEST_MAIN(LrFinderWindowTest)
#include "tst_lr_finder_window.moc"
