// training-studio --model SPEC.json: the window takes the architecture from the file. Looking the
// name up among the presets compared iterators of two different temporary vectors, which is
// undefined behaviour and crashed the studio on start (seen under Xvfb with a spec file).

#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/main_window.h"
#include "app/gui/startup_options.h"
#include "widgets/architecture_editor.h"

using namespace studio;
using namespace studio::app;

class StartupSpecTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_startup_spec");
        QSettings().clear();
    }

    void specFileFromTheCommandLine() {
        QTemporaryDir dir;
        const QString path = dir.filePath("tiny.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"input": [1, 28, 28], "classes": 8, "layers": [{"type": "flatten"}, {"type": "dense", "units": 16},
                    {"type": "relu"}, {"type": "dense", "units": "classes"}]})");
        f.close();
        MainWindow w;
        StartupOptions options;
        options.dataset = "shapes";
        options.model = path;
        w.applyStartup(options);
        QVERIFY(w.project().preset.isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
        QCOMPARE(w.architectureEditor()->rowCount(), 4);
        QCOMPARE(w.currentSpec().layers.size(), std::size_t(4));

        options.model = "lenet";  // a preset still is one
        w.applyStartup(options);
        QCOMPARE(w.project().preset, QString("lenet"));
    }
};

QTEST_MAIN(StartupSpecTest)
#include "tst_startup_spec.moc"
