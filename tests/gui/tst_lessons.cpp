// The guided lessons (Help ▸ Lessons): each opens from the menu like a project, shows its steps
// in the lesson dock, sets up each step as one undoable edit, and runs to its end offscreen (one
// epoch per run here, to keep the suite short). The first lesson puts the training's measured
// cost beside one prediction's.

#include <QAction>
#include <QDockWidget>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "app/gui/lesson_controller.h"
#include "app/gui/main_window.h"
#include "app/gui/studio_menus.h"
#include "app/gui/training_controller.h"
#include "widgets/lesson_panel.h"
#include "window_fixtures.h"

using namespace studio;
using namespace studio::app;

class LessonsTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_lessons");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void lifeCycleCostsAreConsistent() {
        LifeCycleCosts c;
        c.training = {5, 10.0, 27000, 400000};
        c.inference = {50.0, 20000.0, 80000.0, 400000};
        QCOMPARE(c.training.flops(), 3.0 * 400000 * 27000);
        QCOMPARE(c.training.samplesPerSecond(), 2700.0);
        QCOMPARE(c.imagesPerTraining(), 3.0 * 27000);     // the same FLOPs per image both ways
        QCOMPARE(c.latenciesPerTraining(), 10.0e6 / 50.0);
        const QString text = lifeCycleText(c);
        QVERIFY2(text.contains("one image: 50 µs"), qPrintable(text));
        QVERIFY2(text.contains("4.0× more"), qPrintable(text));
    }

    void everyLessonOpensAndRunsToItsEnd() {
        MainWindow w;
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
        const QList<QAction*> lessons = w.menus()->lessonsMenu()->actions();
        QCOMPARE(lessons.size(), 6);
        auto* dock = w.findChild<QDockWidget*>("lessonDock");
        QVERIFY(dock && dock->isHidden());
        widgets::LessonPanel* panel = w.lessonPanel();
        for (QAction* lesson : lessons) {
            lesson->trigger();
            const QString title = lesson->text();
            QVERIFY2(w.lessonController()->hasLesson(), qPrintable(title));
            QVERIFY(!dock->isHidden());
            QVERIFY2(panel->stepCount() >= 4, qPrintable(title));
            QVERIFY(w.projectPath().isEmpty());  // a built-in lesson is saved somewhere else
            QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 120000);
            // Every step in order; the ones that set something up do it as one undoable edit.
            for (int step = 0; step < panel->stepCount(); ++step) {
                panel->showStep(step);
                QVERIFY2(panel->stepText().startsWith(QString("Step %1 of").arg(step + 1)), qPrintable(title));
                if (panel->setUpButton()->isVisible()) {
                    const Project before = w.project();
                    QTest::mouseClick(panel->setUpButton(), Qt::LeftButton);
                    QVERIFY2(w.project() != before, qPrintable(title));
                    QVERIFY2(w.undoStack()->undoText().startsWith(QString("Lesson step %1").arg(step + 1)),
                             qPrintable(w.undoStack()->undoText()));
                }
            }
            QVERIFY(!panel->nextButton()->isEnabled());  // at its end
            // Its last setup trains (one epoch here).
            setField(w.hyperparameterForm(), "epochs", 1);
            QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 120000);
            QVERIFY2(w.startBlockedReason().isEmpty(), qPrintable(title + ": " + w.startBlockedReason()));
            const std::int64_t before = w.trainingController()->recordedRunId();
            w.startTraining();
            // A one-epoch toy run can start and end between two polls: wait for its outcome.
            QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->recordedRunId() != before &&
                                         !w.trainingController()->isRunning(),
                                     300000);
            QVERIFY2(w.trainingController()->finished().has_value(), qPrintable(title));
            if (title.startsWith("1 ")) {  // training vs inference: the measured costs appear
                QTRY_VERIFY_WITH_TIMEOUT(w.lessonController()->lastCosts().has_value(), 60000);
                const LifeCycleCosts& costs = *w.lessonController()->lastCosts();
                QVERIFY(costs.training.samplesTrained > 0 && costs.training.forwardFlops > 0);
                QVERIFY(costs.inference.latencyUs > 0 && costs.inference.perSecondBatch256 > 0);
                QVERIFY2(panel->factsText().contains("one image:"), qPrintable(panel->factsText()));
                QVERIFY(costs.imagesPerTraining() > 1000);
            }
        }
    }
};

QTEST_MAIN(LessonsTest)
#include "tst_lessons.moc"
