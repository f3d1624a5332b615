// View ▸ Presentation (F11): every font 1.6× as large, the live charts' lines thicker, the run
// log's own fixed-pitch font too; off restores the fonts exactly. Screenshots at 1920×1080 when
// STUDIO_SCREENSHOT_DIR is set.

#include <QAction>
#include <QApplication>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/main_window.h"
#include "app/gui/presentation_mode.h"
#include "tests/screenshot.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"

using namespace studio;
using namespace studio::app;

class PresentationModeTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_presentation_mode");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void presentationScalesFontsAndLinesAndRestoresThem() {
        MainWindow w;
        w.resize(1920, 1080);
        w.show();
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
        auto* action = w.findChild<QAction*>("presentationAction");
        QVERIFY(action && action->isCheckable());
        const QFont normal = QApplication::font();
        const QFont log = w.runLog()->font();
        QVERIFY(!w.lossChart()->property("lineScale").isValid());

        action->trigger();
        QVERIFY(action->isChecked());
        QCOMPARE(QApplication::font().pointSizeF(), normal.pointSizeF() * PresentationMode::kFontScale);
        QTRY_COMPARE(w.lossChart()->font().pointSizeF(), normal.pointSizeF() * PresentationMode::kFontScale);
        QCOMPARE(w.runLog()->font().pointSizeF(), log.pointSizeF() * PresentationMode::kFontScale);
        QCOMPARE(w.lossChart()->property("lineScale").toDouble(), PresentationMode::kLineScale);
        QVERIFY(studio::test::saveScreenshot(w, "presentation-1920x1080"));

        action->trigger();
        QVERIFY(!action->isChecked());
        QCOMPARE(QApplication::font(), normal);
        QCOMPARE(w.runLog()->font(), log);
        QVERIFY(!w.lossChart()->property("lineScale").isValid());
    }
};

QTEST_MAIN(PresentationModeTest)
#include "tst_presentation_mode.moc"
