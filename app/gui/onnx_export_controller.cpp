#include "app/gui/onnx_export_controller.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QProgressDialog>
#include <QWidget>

#include "app/gui/engine_conversions.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/infer/trained_dataset.h"

namespace studio::app {

namespace {

bool fits(const ModelSnapshot& model, const DatasetBundle& bundle) {
    const Dataset& d = bundle.test ? *bundle.test : bundle.pool;
    return d.size() > 0 && d.sampleShape() == model.preprocessing.inputShape &&
           d.classCount() == snapshotClasses(model);
}

}  // namespace

Result<VerifiedOnnxExport> exportOnnxForStudio(const ModelSnapshot& model, std::shared_ptr<const DatasetBundle> data,
                                               const std::string& path) {
    if (!data || !fits(model, *data)) {
        // A loaded model next to other data: check it on the dataset it was trained on.
        const std::string name = trainedDatasetName(model);
        if (name.empty())
            return Error::invalid("The model does not say which dataset it was trained on, and the data shown do not fit it.",
                                  "Load the dataset the model was trained on, then export again.");
        auto loaded = loadDataset(name, trainedDatasetOptions(model));
        if (!loaded)
            return Error(loaded.error().kind(),
                         "The export is checked on the model's own test images, but its dataset could not be loaded: " +
                             loaded.error().message(),
                         "Load the dataset the model was trained on, then export again.");
        data = std::make_shared<const DatasetBundle>(std::move(*loaded));
    }
    return exportOnnxVerified(model, *data, path);
}

QString onnxExportSummary(const VerifiedOnnxExport& r, const QString& path) {
    const OnnxParityReport& p = r.parity;
    QString text = toQString(p.verdict) + "\n\n";
    text += QObject::tr("Checked on: %1 (%2 images), ONNX checker and OpenCV DNN\n")
                .arg(toQString(r.checkedOn))
                .arg(p.images);
    text += QObject::tr("Top-1 agreement: %1 (%2 of %3)\n")
                .arg(p.top1Agreement, 0, 'f', 4)
                .arg(p.top1Agreements)
                .arg(p.images);
    text += QObject::tr("Max |Δ probability|: %1 (limit 1e-4)\n").arg(p.maxAbsDiff, 0, 'g', 3);
    text += QObject::tr("Opset: %1, %2 KB\n").arg(p.opset).arg((r.bytes + 1023) / 1024);
    text += r.written ? QObject::tr("\nSaved to %1").arg(path)
                      : QObject::tr("\nThe file was NOT written: %1 is as it was.").arg(path);
    return text;
}

OnnxExportController::OnnxExportController(QWidget* window) : QObject(window), m_window(window) {
    m_pool.setMaxThreadCount(1);
}

OnnxExportController::~OnnxExportController() { m_pool.waitForDone(); }

void OnnxExportController::askAndExport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data) {
    if (!model)
        return showMessage(false, tr("There is no model to export: train one or load a model file first."));
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export the model to ONNX"), "model.onnx",
                                                      tr("ONNX models (*.onnx)"));
    if (!path.isEmpty()) exportTo(std::move(model), std::move(data), path);
}

void OnnxExportController::exportTo(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data, const QString& path) {
    if (!model) return showMessage(false, tr("There is no model to export: train one or load a model file first."));
    if (m_busy) return showMessage(false, tr("An ONNX export is still being checked: wait for it to finish."));
    m_busy = true;
    m_progress = new QProgressDialog(tr("Exporting to %1 and checking it against OpenCV DNN…").arg(QFileInfo(path).fileName()),
                                     tr("Hide"), 0, 0, m_window);
    m_progress->setWindowTitle(tr("Export to ONNX"));
    m_progress->setAttribute(Qt::WA_DeleteOnClose);
    m_progress->setMinimumDuration(300);
    m_pool.start([this, model = std::move(model), data = std::move(data), path] {
        auto result = exportOnnxForStudio(*model, data, path.toStdString());   // engine only
        QMetaObject::invokeMethod(
            this, [this, r = std::move(result), path] { publish(r, path); }, Qt::QueuedConnection);
    });
}

void OnnxExportController::publish(const Result<VerifiedOnnxExport>& result, const QString& path) {
    m_busy = false;
    if (m_progress) m_progress->close();
    if (!result) {
        m_lastWritten = false;
        m_lastMessage = tr("The ONNX export to %1 failed: %2").arg(path, errorText(result.error()));
    } else {
        m_lastWritten = result->written;
        m_lastMessage = onnxExportSummary(*result, path);
    }
    showMessage(m_lastWritten, m_lastMessage);
    Q_EMIT finished(m_lastWritten, m_lastMessage);
}

void OnnxExportController::showMessage(bool good, const QString& text) {
    if (m_box) m_box->close();
    m_box = new QMessageBox(good ? QMessageBox::Information : QMessageBox::Warning, tr("Export to ONNX"), text,
                            QMessageBox::Ok, m_window);
    m_box->setAttribute(Qt::WA_DeleteOnClose);
    m_box->open();   // not exec(): the window keeps running
}

}  // namespace studio::app
