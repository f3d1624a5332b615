#pragma once
// RunReportController: File ▸ Export ▸ Run Report… — asks where to save (.html or .pdf), then
// gathers the report of the current model (engine/report: evaluation on its test data, the
// run's history from the store, the machine) and writes it on a worker thread; the GUI thread
// never waits. HTML is the engine's self-contained page; PDF is the same page printed through
// Qt (report_pdf.h). The test data are the ones the caller passes when they fit the model (the
// run's data, or the dataset shown), else the dataset the model file says it was trained on,
// loaded on the worker.

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThreadPool>
#include <memory>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"

class QMessageBox;
class QWidget;

namespace studio::app {

/// The worker's whole job (the tests call it): gather, render, write `path` (.pdf: PDF, else
/// HTML). Returns the message to show; an Error when nothing was written.
Result<std::string> writeRunReport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data,
                                   const std::string& storePath, const std::string& path);

class RunReportController : public QObject {
    Q_OBJECT
public:
    explicit RunReportController(QWidget* window);
    ~RunReportController() override;

    void askAndExport(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data, const QString& storePath);
    /// One at a time: a second request while one runs is refused with a message.
    void exportTo(SnapshotPtr model, std::shared_ptr<const DatasetBundle> data, const QString& storePath,
                  const QString& path);

    bool isBusy() const { return m_busy; }
    void waitForIdle() { m_pool.waitForDone(); }
    const QString& lastMessage() const { return m_lastMessage; }

Q_SIGNALS:
    void finished(bool written, const QString& message);

private:
    void showMessage(bool good, const QString& text);

    QWidget* m_window;
    QThreadPool m_pool;
    bool m_busy = false;
    QPointer<QMessageBox> m_box;
    QString m_lastMessage;
};

}  // namespace studio::app
