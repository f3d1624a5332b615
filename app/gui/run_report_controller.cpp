#include "app/gui/run_report_controller.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QMetaObject>
#include <QSaveFile>

#include <filesystem>

#include "app/gui/engine_conversions.h"
#include "app/gui/report_pdf.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/trained_dataset.h"
#include "engine/report/report_html.h"

namespace studio::app {

namespace {

bool fits(const ModelSnapshot& model, const DatasetBundle& data) {
    const Dataset& d = data.test ? *data.test : data.pool;
    return d.sampleShape() == model.preprocessing.inputShape && d.classCount() == model.model.outputSize();
}

bool endsWithPdf(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return ext == ".pdf";
}

}  // namespace

Result<std::string> writeRunReport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data,
                                   const std::string& storePath, const std::string& path) {
    if (!data || !fits(*model, *data)) {
        const std::string name = trainedDatasetName(*model);
        if (name.empty())
            return Error::invalid("The model does not record which data it was trained on, and the data shown do not fit it.",
                                  "Open the dataset the model was trained on, then export the report again.");
        auto loaded = loadDataset(name, trainedDatasetOptions(*model));
        if (!loaded) return loaded.error();
        data = std::make_shared<const DatasetBundle>(std::move(*loaded));
    }
    const RunHistory history = findModelHistory(*model, storePath);
    const std::string title = history.run && !history.run->name.empty() ? history.run->name
                              : model->model.spec().name.empty()         ? std::string("model")
                                                                         : model->model.spec().name;
    std::string source = history.run ? "Run " + std::to_string(history.run->id) + " in " + history.storeLocation
                                     : "The studio's current model (no recorded run found)";
    ThreadPool pool(0);
    auto contents = gatherRunReport(*model, *data, history, title, source, pool);
    if (!contents) return contents.error();
    const std::string html = renderRunReportHtml(*contents);
    const QString qpath = QString::fromStdString(path);
    if (endsWithPdf(path)) {
        const QString error = writeReportPdf(html, qpath);
        if (!error.isEmpty()) return Error::io(error.toStdString(), "Choose a folder you can write to.");
    } else {
        QSaveFile file(qpath);
        if (!file.open(QIODevice::WriteOnly) || file.write(html.data(), qint64(html.size())) != qint64(html.size()) ||
            !file.commit())
            return Error::io("Cannot write " + path + ": " + file.errorString().toStdString(),
                             "Choose a folder you can write to.");
    }
    char accuracy[32];
    std::snprintf(accuracy, sizeof accuracy, "%.2f %%", 100.0 * contents->evaluation.accuracy);
    return "Run report written to " + path + ": test accuracy " + accuracy + " on the " + contents->evaluatedOn + ".";
}

RunReportController::RunReportController(QWidget* window) : QObject(window), m_window(window) {
    m_pool.setMaxThreadCount(1);
}

RunReportController::~RunReportController() { m_pool.waitForDone(); }

void RunReportController::askAndExport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data,
                                       const QString& storePath) {
    if (!model) return showMessage(false, tr("There is no model to report on: train one or load a model file first."));
    QString selected;
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Export the run report"), "run-report.html",
                                                      tr("Web page (*.html);;PDF (*.pdf)"), &selected);
    if (path.isEmpty()) return;
    QString target = path;
    if (QFileInfo(target).suffix().isEmpty()) target += selected.contains("pdf") ? ".pdf" : ".html";
    exportTo(std::move(model), std::move(data), storePath, target);
}

void RunReportController::exportTo(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data,
                                   const QString& storePath, const QString& path) {
    if (!model) return showMessage(false, tr("There is no model to report on: train one or load a model file first."));
    if (m_busy) return showMessage(false, tr("A run report is still being written: wait for it to finish."));
    m_busy = true;
    QPointer<RunReportController> self(this);
    m_pool.start([self, model, data, store = storePath.toStdString(), p = path.toStdString()] {
        auto result = writeRunReport(model, data, store, p);
        const bool ok = result.ok();
        const QString text = toQString(ok ? *result : result.error().what());
        QMetaObject::invokeMethod(
            self.data(),
            [self, ok, text] {
                if (!self) return;
                self->m_busy = false;
                self->m_lastMessage = text;
                self->showMessage(ok, text);
                Q_EMIT self->finished(ok, text);
            },
            Qt::QueuedConnection);
    });
}

void RunReportController::showMessage(bool good, const QString& text) {
    m_lastMessage = text;
    if (!m_window) return;
    if (m_box) m_box->close();
    m_box = new QMessageBox(good ? QMessageBox::Information : QMessageBox::Warning, tr("Run report"), text,
                            QMessageBox::Ok, m_window);
    m_box->setTextFormat(Qt::PlainText);  // paths and class names
    m_box->setAttribute(Qt::WA_DeleteOnClose);
    m_box->open();  // not exec(): the window keeps running
}

}  // namespace studio::app
