// A model file that does not load is a message box where the user is looking — naming the file,
// what is wrong and what to do — not only a status-bar line that goes after ten seconds.

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QtTest>

#include "app/gui/main_window.h"
#include "tests/screenshot.h"

using namespace studio;
using namespace studio::app;

class ModelLoadErrorTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void badFileIsAMessageBoxNamingItAndTheFix();
};

void ModelLoadErrorTest::initTestCase() {
    QCoreApplication::setOrganizationName("TrainingStudioTests");
    QCoreApplication::setApplicationName("tst_model_load_error");
    QSettings().clear();
}

void ModelLoadErrorTest::badFileIsAMessageBoxNamingItAndTheFix() {
    QTemporaryDir dir;
    MainWindow w;
    w.resize(1024, 700);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTabWidget* tabs = w.centralTabs();
    for (int i = 0; i < tabs->count(); ++i)
        if (tabs->tabText(i).remove('&') == "Try it") tabs->setCurrentIndex(i);  // where Load model… is
    QVERIFY(w.findChildren<QMessageBox*>().isEmpty());

    // A file cut short, with a name that would be markup if it were read as rich text.
    QVERIFY(QDir(dir.path()).mkpath("models-kept-in-a-folder-with-a-long-name"));
    const QString broken = dir.filePath("models-kept-in-a-folder-with-a-long-name/<b>broken.tsmodel");
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("TSMODEL\0\1\0\0\0\xff\xff", 14);
    f.close();
    QVERIFY(!w.openModelFile(broken).ok());
    QVERIFY(w.currentModel() == nullptr);

    QMessageBox* box = w.findChild<QMessageBox*>();
    QVERIFY2(box, "no message box");
    QTRY_VERIFY(box->isVisible());
    QCOMPARE(box->icon(), QMessageBox::Warning);
    QVERIFY2(box->text().contains("<b>broken.tsmodel"), qPrintable(box->text()));
    QCOMPARE(box->textFormat(), Qt::PlainText);
    // The details name the whole path and end with what to do; the name shows literally.
    auto* details = box->findChild<QLabel*>("qt_msgbox_informativelabel");
    QVERIFY(details);
    QTextDocument shown;
    shown.setHtml(details->text());
    const QString detailText = shown.toPlainText();
    QVERIFY2(detailText.contains(broken), qPrintable(detailText));
    QVERIFY2(detailText.contains("save the model again") || detailText.contains("use another copy"),
             qPrintable(detailText));
    // It fits on the screen: the details wrap instead of running off its edge in one line.
    const int screenWidth = box->screen()->availableGeometry().width();
    QVERIFY2(box->frameGeometry().width() <= screenWidth,
             qPrintable(QString("box %1 px on a %2 px screen").arg(box->frameGeometry().width()).arg(screenWidth)));
    QVERIFY(studio::test::saveScreenshot(*box, "model-load-error"));
    box->button(QMessageBox::Ok)->click();
    QTRY_VERIFY(w.findChildren<QMessageBox*>().isEmpty());  // closed and deleted

    // A file that is not there: its own message, with its own fix.
    const QString missing = dir.filePath("missing.tsmodel");
    QVERIFY(!w.openModelFile(missing).ok());
    box = w.findChild<QMessageBox*>();
    QVERIFY(box);
    shown.setHtml(box->informativeText());
    QVERIFY2(shown.toPlainText().contains("does not exist") && shown.toPlainText().contains("Check the path"),
             qPrintable(shown.toPlainText()));
    box->close();
}

QTEST_MAIN(ModelLoadErrorTest)
#include "tst_model_load_error.moc"
