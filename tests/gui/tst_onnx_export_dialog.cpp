// File ▸ Export ▸ ONNX… (app/gui/onnx_export_controller.h), offscreen: the export and its parity
// check run on a worker thread while the GUI thread keeps ticking; the result dialog shows the
// verdict and the figures and the file is written; with no data given the model's own dataset is
// loaded for the check; a model whose activations overflow fails the check, says so in a warning
// and leaves no file; the main window's File menu has Export ▸ ONNX….

#include <QElapsedTimer>
#include <QFile>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/gui/main_window.h"
#include "app/gui/onnx_export_controller.h"
#include "engine/data/synthetic.h"
#include "engine/train/trainer.h"

using namespace studio;
using namespace studio::app;

namespace {

std::shared_ptr<const DatasetBundle> shapes() {
    static std::shared_ptr<const DatasetBundle> data = [] {
        auto d = generateDataset("shapes", 1, 600);
        if (!d) qFatal("%s", d.error().what().c_str());
        return std::make_shared<const DatasetBundle>(std::move(*d));
    }();
    return data;
}

SnapshotPtr trainedLenet() {
    static SnapshotPtr trained = [] {
        auto data = shapes();
        auto spec = presetSpec("lenet", data->pool.sampleShape(), data->pool.classCount());
        if (!spec) qFatal("%s", spec.error().what().c_str());
        TrainingSetup setup;
        setup.data = data;
        setup.config.epochs = 1;
        setup.split = splitDataset(*data, setup.config.validationFraction, setup.config.testFraction, setup.config.seed);
        setup.spec = *spec;
        auto outcome = trainToEnd(setup);
        if (!outcome) qFatal("%s", outcome.error().what().c_str());
        return outcome->snapshot;
    }();
    return trained;
}

QString shownText(QWidget& window) {
    const auto boxes = window.findChildren<QMessageBox*>();
    return boxes.isEmpty() ? QString() : boxes.last()->text();
}

}  // namespace

class OnnxExportDialogTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // Keep the user's settings out of the tests (and the tests out of the user's settings).
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_onnx_export_dialog");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void exportsOnAWorkerAndShowsTheFigures() {
        QWidget window;
        OnnxExportController controller(&window);
        QSignalSpy finished(&controller, &OnnxExportController::finished);
        const QString path = m_dir.filePath("lenet.onnx");
        int ticks = 0;
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, [&] { ++ticks; });
        tick.start(5);
        controller.exportTo(trainedLenet(), shapes(), path);
        QVERIFY(controller.isBusy());
        QVERIFY(finished.wait(60000));
        QVERIFY(ticks > 0);   // the GUI thread ran its timer while the check ran
        QCOMPARE(finished.first().at(0).toBool(), true);
        QVERIFY(controller.lastWritten());
        QVERIFY(QFile::exists(path));
        const QString text = shownText(window);
        QVERIFY2(text.contains("Parity passed"), qPrintable(text));
        QVERIFY(text.contains("Top-1 agreement"));
        QVERIFY(text.contains("Max |Δ probability|"));
        QVERIFY(text.contains("Opset: 13"));
        QVERIFY(text.contains("test split"));
    }

    void withoutDataTheModelsOwnDatasetIsLoaded() {
        auto result = exportOnnxForStudio(*trainedLenet(), nullptr, m_dir.filePath("own.onnx").toStdString());
        QVERIFY2(result.ok(), result.ok() ? "" : result.error().what().c_str());
        QVERIFY(result->parity.passed);
        QVERIFY(result->checkedOn.find("shapes") != std::string::npos);
    }

    void failedParityShowsAWarningAndWritesNothing() {
        auto overflow = std::make_shared<ModelSnapshot>(*trainedLenet());
        for (Param* p : overflow->model.params())
            if (p->name == "weight")
                for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] *= 1e30f;
        QWidget window;
        OnnxExportController controller(&window);
        QSignalSpy finished(&controller, &OnnxExportController::finished);
        const QString path = m_dir.filePath("overflow.onnx");
        controller.exportTo(overflow, shapes(), path);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toBool(), false);
        QVERIFY(!QFile::exists(path));
        const QString text = shownText(window);
        QVERIFY2(text.contains("FAILED"), qPrintable(text));
        QVERIFY(text.contains("NOT written"));
        const auto boxes = window.findChildren<QMessageBox*>();
        QCOMPARE(boxes.last()->icon(), QMessageBox::Warning);
    }

    void noModelSaysWhy() {
        QWidget window;
        OnnxExportController controller(&window);
        controller.exportTo(nullptr, shapes(), m_dir.filePath("none.onnx"));
        QVERIFY(!controller.isBusy());
        QVERIFY(shownText(window).contains("no model"));
    }

    void theFileMenuHasIt() {
        MainWindow window;
        QAction* onnx = nullptr;
        for (QAction* top : window.menuBar()->actions())
            if (top->menu() && top->text().remove('&') == "File")
                for (QAction* a : top->menu()->actions())
                    if (a->menu() && a->text().remove('&') == "Export")
                        for (QAction* e : a->menu()->actions())
                            if (e->text().remove('&').startsWith("ONNX")) onnx = e;
        QVERIFY(onnx != nullptr);
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(OnnxExportDialogTest)
#include "tst_onnx_export_dialog.moc"
