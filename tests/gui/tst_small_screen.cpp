// The studio on a 1024×700 screen (a small laptop): the window fits the screen, the Data dock
// leaves the window's eight tabs room to show without scroll arrows, and the Training tab's
// charts keep their labels (widgets_tst_training_view, widgets_tst_live_chart).

#include <QDockWidget>
#include <QMainWindow>
#include <QScreen>
#include <QTabBar>
#include <QtTest>

#include "app/gui/main_window.h"
#include "tests/screenshot.h"

using namespace studio::app;

class SmallScreenTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_small_screen");
        QSettings().clear();  // no saved geometry or dock state
    }

    void windowAndTabsFit() {
        MainWindow w;
        w.resize(1024, 700);  // what a 1024×700 screen gives it (MainWindow takes min(1280×800, screen))
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(50);  // the docks take their width after the first show
        const QSize min = w.minimumSizeHint();
        QStringList pages;  // which tab holds the window up, when it does
        for (int i = 0; i < w.centralTabs()->count(); ++i)
            pages << QString("%1 %2").arg(w.centralTabs()->tabText(i)).arg(w.centralTabs()->widget(i)->minimumSizeHint().height());
        QVERIFY2(min.width() <= 1024 && min.height() <= 700,
                 qPrintable(QString("minimum %1×%2; central %3×%4").arg(min.width()).arg(min.height())
                                .arg(w.centralWidget()->minimumSizeHint().width())
                                .arg(w.centralWidget()->minimumSizeHint().height()) + "; pages " + pages.join(", ")));
        QCOMPARE(w.size(), QSize(1024, 700));
        QTabBar* tabs = w.centralTabs()->tabBar();
        QTRY_VERIFY2(tabs->sizeHint().width() <= w.centralTabs()->width(),
                     qPrintable(QString("tabs need %1 px, have %2").arg(tabs->sizeHint().width())
                                    .arg(w.centralTabs()->width())));
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);  // pictured loaded, not loading
        for (int i = 0; i < w.centralTabs()->count(); ++i) {  // each page at this size, to look at
            w.centralTabs()->setCurrentIndex(i);
            QVERIFY(studio::test::saveScreenshot(w, QString("small-screen-%1").arg(i + 1)));
        }
    }
};

QTEST_MAIN(SmallScreenTest)
#include "tst_small_screen.moc"
