#include "app/gui/studio_menus.h"

#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QMenuBar>
#include <QFileInfo>
#include <QUndoStack>

#include "app/gui/current_model.h"
#include "app/gui/engine_conversions.h"
#include "app/gui/main_window.h"
#include "app/gui/onnx_export_controller.h"
#include "app/gui/run_report_controller.h"
#include "app/gui/runs_controller.h"
#include "app/gui/training_controller.h"
#include "widgets/studio_icons.h"
#include "widgets/training_view.h"

namespace studio::app {

StudioMenus::StudioMenus(MainWindow* window) : QObject(window), m_window(window) {
    buildFile();
    buildEdit();
    buildTraining();
    buildView();
    buildHelp();
}

void StudioMenus::buildFile() {
    MainWindow* w = m_window;
    m_file = w->menuBar()->addMenu(tr("&File"));
    m_file->addAction(widgets::studioIcon("open"), tr("&Open Project…"), QKeySequence::Open, w, [w] {
        const QString path = QFileDialog::getOpenFileName(w, tr("Open a project"), {}, tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)w->openProject(path);
    });
    m_recent = m_file->addMenu(tr("Open &Recent"));
    m_file->addAction(widgets::studioIcon("save"), tr("&Save Project"), QKeySequence::Save, w, [w] {
        QString path = w->projectPath();
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(w, tr("Save the project"), "project.json", tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)w->saveProject(path);
    });
    m_file->addAction(tr("Save Project &As…"), QKeySequence::SaveAs, w, [w] {
        const QString path =
            QFileDialog::getSaveFileName(w, tr("Save the project"), "project.json", tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)w->saveProject(path);
    });
    m_file->addSeparator();
    m_file->addAction(tr("&Load Model…"), QKeySequence(Qt::CTRL | Qt::Key_L), w, [w] { w->askLoadModel(); });
    m_file->addAction(tr("Save &Model…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M), w, [w] {
        const QString path =
            QFileDialog::getSaveFileName(w, tr("Save the trained model"), "model.tsmodel", tr("Models (*.tsmodel)"));
        if (!path.isEmpty()) w->saveModel(path);
    });
    m_export = m_file->addMenu(tr("E&xport"));
    auto* onnxExport = new OnnxExportController(w);  // export + parity check, on a worker
    m_export->addAction(tr("&ONNX…"), w, [w, onnxExport] {
        const SnapshotPtr model = w->currentModel();
        onnxExport->askAndExport(model, w->modelChoice()->dataFor(model, w->dataset()));
    });
    auto* runReport = new RunReportController(w);  // HTML or PDF, written on a worker
    m_export->addAction(tr("&Run Report…"), w, [w, runReport] {
        const SnapshotPtr model = w->currentModel();
        runReport->askAndExport(model, w->modelChoice()->dataFor(model, w->dataset()), w->runsController()->storePath());
    });
    m_file->addAction(tr("Open S&tore…"), w->runsController(), &RunsController::askStore);
    m_file->addAction(tr("&Export Charts as PNG…"), w, [w] {
        const QString path =
            QFileDialog::getSaveFileName(w, tr("Export the charts"), "charts.png", tr("PNG images (*.png)"));
        if (path.isEmpty()) return;
        if (auto s = exportPng(w->trainingView()->charts(), path); !s) return w->showError(errorText(s.error()));
        w->showInfo(tr("Exported the charts to %1").arg(path));
    });
    m_file->addSeparator();
    m_file->addAction(tr("&Quit"), QKeySequence::Quit, w, &QWidget::close);
}

void StudioMenus::buildEdit() {
    QMenu* edit = m_window->menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_window->undoStack()->createUndoAction(m_window, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_window->undoStack()->createRedoAction(m_window, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);
}

void StudioMenus::buildTraining() {
    MainWindow* w = m_window;
    m_training = w->menuBar()->addMenu(tr("&Training"));
    m_startAction = m_training->addAction(widgets::studioIcon("start"), tr("&Start"), w, &MainWindow::startTraining);
    m_startAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_Return)});
    m_pauseAction = m_training->addAction(widgets::studioIcon("pause"), tr("&Pause / Resume"), w, [w] {
        TrainingController* training = w->trainingController();
        if (training->isPaused())
            training->resume();
        else
            training->pause();
    });
    m_pauseAction->setShortcut(QKeySequence(Qt::Key_F6));
    m_stopAction = m_training->addAction(widgets::studioIcon("stop"), tr("S&top"), w,
                                         [w] { w->trainingController()->stop(); });
    m_stopAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));
}

void StudioMenus::buildView() {
    m_view = m_window->menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : m_window->findChildren<QDockWidget*>()) m_view->addAction(dock->toggleViewAction());
    m_view->addSeparator();
    m_darkAction = m_view->addAction(tr("&Dark Theme"), this, [this](bool dark) { Q_EMIT darkThemeToggled(dark); });
    m_darkAction->setCheckable(true);
    QAction* presentation =
        m_view->addAction(tr("&Presentation"), this, [this](bool on) { Q_EMIT presentationToggled(on); });
    presentation->setCheckable(true);
    presentation->setShortcut(QKeySequence(Qt::Key_F11));
    presentation->setObjectName("presentationAction");
}

void StudioMenus::buildHelp() {
    QMenu* help = m_window->menuBar()->addMenu(tr("&Help"));
    m_lessons = help->addMenu(tr("&Lessons"));
    // The lessons are projects compiled in (resources/lessons); each opens like a project file.
    const QStringList files = QDir(QStringLiteral(":/lessons")).entryList({QStringLiteral("*.json")}, QDir::Files,
                                                                          QDir::Name);
    for (const QString& file : files) {
        const QString path = QStringLiteral(":/lessons/") + file;
        QString title = QFileInfo(file).completeBaseName();
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {  // the menu shows the lesson's own title
            const auto j = nlohmann::json::parse(f.readAll().toStdString(), nullptr, false);
            if (j.is_object() && j.contains("lesson") && j["lesson"].value("title", "") != "")
                title = toQString(j["lesson"]["title"].get<std::string>());
        }
        MainWindow* w = m_window;
        m_lessons->addAction(title, w, [w, path] { (void)w->openProject(path); });
    }
}

void StudioMenus::setTrainingState(bool canStart, bool running) {
    m_startAction->setEnabled(canStart && !running);
    m_pauseAction->setEnabled(running);
    m_stopAction->setEnabled(running);
}

void StudioMenus::setDarkChecked(bool dark) {
    m_darkAction->setChecked(dark);
}

}  // namespace studio::app
