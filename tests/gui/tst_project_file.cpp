// Project files found by the fuzzer (tests/fuzz/fuzz_project_json): each either opens, saves and
// opens again as the same project, or is refused with an Error naming the file; never an
// exception, a crash or a saved project that cannot be opened again.

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/project.h"
#include "engine/io/json_limits.h"

using studio::app::Project;

namespace {

QString corpusFile(const char* name) {
    return QStringLiteral(STUDIO_SOURCE_DIR "/tests/fuzz/corpus/fuzz_project_json/") + QString::fromLatin1(name);
}

}  // namespace

class TestProjectFile : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    // Every seed and reproducer of the fuzzer: opened, saved, opened again, the same.
    void corpusProjectsOpenSaveAndOpenAgain_data() {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("opens");
        // A spec without "input" (no data chosen) was saved as "input": [] and "classes": 0,
        // which the spec reader refused: the saved project did not open again.
        QTest::newRow("spec without input") << corpusFile("spec_without_input.json") << true;
        // json::value("version", 0) threw nlohmann's type_error out of Project::load: the studio
        // aborted on File ▸ Open of a project whose "version" was a string.
        QTest::newRow("version is a string") << corpusFile("version_is_a_string.json") << false;
        // An exponential schedule's "decay_per_epoch" was replaced by "gamma" (the step
        // schedule's factor, 0.1 by default) on every reopen, as if the file were older.
        QTest::newRow("exponential schedule") << corpusFile("exponential_schedule_without_gamma.json") << true;
        QTest::newRow("lesson") << corpusFile("lesson_learning_rate.json") << true;
        QTest::newRow("spec, settings, backbone") << corpusFile("spec_settings_backbone.json") << true;
        QTest::newRow("minimal") << corpusFile("minimal.json") << true;
    }
    void corpusProjectsOpenSaveAndOpenAgain() {
        QFETCH(QString, path);
        QFETCH(bool, opens);
        auto project = Project::load(path);
        QCOMPARE(project.ok(), opens);
        if (!project.ok()) {
            QVERIFY2(project.error().message().find(path.toStdString()) != std::string::npos,
                     project.error().message().c_str());
            return;
        }
        const QString saved = m_dir.filePath(QFileInfo(path).fileName());
        QVERIFY(project->save(saved).ok());
        auto reopened = Project::load(saved);
        QVERIFY2(reopened.ok(), reopened.ok() ? "" : reopened.error().what().c_str());
        QCOMPARE(reopened->toJson().dump(), project->toJson().dump());
    }

    // A saved exponential decay survives saving and reopening; a file from before the option
    // schema (only "gamma") still gets its decay from "gamma".
    void exponentialDecaySurvivesReopening() {
        Project project = studio::app::defaultProject();
        project.settings["schedule"] = QStringLiteral("exponential");
        project.settings["decay_per_epoch"] = 0.9;
        const QString path = m_dir.filePath("decay.json");
        QVERIFY(project.save(path).ok());
        auto reopened = Project::load(path);
        QVERIFY(reopened.ok());
        QCOMPARE(reopened->settings.value("decay_per_epoch").toDouble(), 0.9);
        nlohmann::json old = {{"format", "training-studio-project"}, {"version", 1},
                              {"settings", {{"schedule", "exponential"}, {"gamma", 0.8}}}};
        auto legacy = Project::fromJson(old, "old.json");
        QVERIFY(legacy.ok());
        QCOMPARE(legacy->settings.value("decay_per_epoch").toDouble(), 0.8);
    }

    // A project saved before any data was loaded: its spec has no input shape and no classes.
    void specWithoutDataRoundTrips() {
        Project project = studio::app::defaultProject();
        project.preset.clear();
        project.spec = {{"layers", {{{"type", "flatten"}}, {{"type", "dense"}, {"units", "classes"}}}}};
        const QString path = m_dir.filePath("no-data.json");
        QVERIFY(project.save(path).ok());
        auto reopened = Project::load(path);
        QVERIFY2(reopened.ok(), reopened.ok() ? "" : reopened.error().what().c_str());
        QVERIFY(!reopened->spec.contains("input"));
        QVERIFY(!reopened->spec.contains("classes"));
        // What such saves wrote before: "input": [] and "classes": 0 mean "not known yet".
        nlohmann::json old = project.toJson();
        old["spec"]["input"] = nlohmann::json::array();
        old["spec"]["classes"] = 0;
        QVERIFY(Project::fromJson(old, "old.json").ok());
    }
};

QTEST_GUILESS_MAIN(TestProjectFile)
#include "tst_project_file.moc"
