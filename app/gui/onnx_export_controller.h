#pragma once
// OnnxExportController: File ▸ Export ▸ ONNX… — asks where to save, then exports the current
// model and runs the parity check (engine/deploy/verified_onnx_export.h) on a worker thread,
// with a busy dialog the user can hide; the GUI thread never waits. The file is written only
// when parity passes; the result dialog shows the verdict, the images it was checked on, the
// top-1 agreement, max |Δp| and the opset.
//
// The parity images are the model's own test images: from the data the caller passes when they
// fit the model (the run's data, or the dataset shown), else from the dataset the model file
// says it was trained on, loaded on the worker thread.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <memory>
#include <optional>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/deploy/verified_onnx_export.h"
#include "engine/infer/snapshot.h"

class QMessageBox;
class QProgressDialog;
class QWidget;

namespace studio::app {

/// The worker's whole job, engine only (the tests call it): picks the parity data (see above)
/// and runs exportOnnxVerified.
Result<VerifiedOnnxExport> exportOnnxForStudio(const ModelSnapshot& model, std::shared_ptr<const DatasetBundle> data,
                                               const std::string& path);

/// The result dialog's text: verdict, figures, and where the file went (or that it did not).
QString onnxExportSummary(const VerifiedOnnxExport& result, const QString& path);

class OnnxExportController : public QObject {
    Q_OBJECT
public:
    explicit OnnxExportController(QWidget* window);
    ~OnnxExportController() override;

    /// Asks for a path (a save dialog) and starts the export; a null model shows why not.
    void askAndExport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data);
    /// Starts the export to `path` without asking. One at a time: a second request while one
    /// runs is refused with a message.
    void exportTo(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data, const QString& path);

    bool isBusy() const { return m_busy; }
    void waitForIdle() { m_pool.waitForDone(); }
    /// What the last finished export showed (for tests and the log).
    const QString& lastMessage() const { return m_lastMessage; }
    bool lastWritten() const { return m_lastWritten; }

Q_SIGNALS:
    void finished(bool written, const QString& message);

private:
    void publish(const Result<VerifiedOnnxExport>& result, const QString& path);
    void showMessage(bool good, const QString& text);

    QWidget* m_window;
    QThreadPool m_pool;
    bool m_busy = false;
    QPointer<QProgressDialog> m_progress;
    QPointer<QMessageBox> m_box;
    QString m_lastMessage;
    bool m_lastWritten = false;
};

}  // namespace studio::app
