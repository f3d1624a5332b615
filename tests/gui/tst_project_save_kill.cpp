// File ▸ Save Project killed with SIGKILL, 100 times: this test runs itself again as a child that
// saves a project over and over (each save a different project), kills it at a moment that
// varies, and checks that the file on disk always loads as one of the saved projects, that
// temporaries never pile up (each save removes those of killed ones first) and that none is
// left once a save has finished.

#include <signal.h>

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <cstdlib>

#include "app/gui/project.h"

using studio::app::Project;

namespace {

constexpr char kSaverVariable[] = "STUDIO_TEST_SAVE_PROJECT_FOREVER";

// The child: saves projects whose epochs count 1, 2, …, 50, 1, … into the path it was given.
[[noreturn]] void saveForever(const QString& path) {
    Project project = studio::app::defaultProject();
    for (int i = 0;; ++i) {
        project.settings["epochs"] = 1 + i % 50;
        if (!project.save(path)) std::_Exit(3);
    }
}

}  // namespace

class TestProjectSaveKill : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void killedSavesLeaveALoadableProjectAndNoTemporaries() {
        const QString path = m_dir.filePath("kills.studio.json");
        QVERIFY(studio::app::defaultProject().save(path).ok());
        int mostEntries = 0;
        for (int i = 0; i < 100; ++i) {
            QProcess child;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(kSaverVariable, path);
            child.setProcessEnvironment(env);
            child.start(QCoreApplication::applicationFilePath(), {});
            QVERIFY(child.waitForStarted());
            QTest::qSleep(30 + (i * 37) % 90);  // past start-up, into the save loop
            QCOMPARE(child.state(), QProcess::Running);  // still saving: it never stops by itself
            ::kill(static_cast<pid_t>(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished());
            const auto loaded = Project::load(path);
            QVERIFY2(loaded.ok(), qPrintable(QString("after kill %1: %2").arg(i).arg(
                                      loaded.ok() ? QString() : QString::fromStdString(loaded.error().message()))));
            const int epochs = loaded->settings.value("epochs").toInt();
            QVERIFY2(epochs >= 1 && epochs <= 50, "the file is one of the projects the child saved");
            mostEntries = std::max(mostEntries, int(QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden).size()));
        }
        // At most the project and the one temporary of the save just killed …
        QVERIFY2(mostEntries <= 2, qPrintable(QString("%1 files at once").arg(mostEntries)));
        QVERIFY(studio::app::defaultProject().save(path).ok());
        QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);  // … and none after a save
    }
};

int main(int argc, char** argv) {
    if (const char* path = std::getenv(kSaverVariable)) {
        QCoreApplication app(argc, argv);
        saveForever(QString::fromLocal8Bit(path));
    }
    QCoreApplication app(argc, argv);
    TestProjectSaveKill test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_project_save_kill.moc"
