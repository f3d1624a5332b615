#include "app/gui/studio_docks.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QScrollArea>
#include <QVBoxLayout>

#include "app/gui/dataset_panel.h"
#include "app/gui/engine_conversions.h"
#include "widgets/architecture_editor.h"
#include "widgets/backbone_picker.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/lesson_panel.h"
#include "widgets/schedule_preview.h"

namespace studio::app {

namespace {

QScrollArea* scrolling(QWidget* content) {
    auto* area = new QScrollArea;
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

QDockWidget* dock(QMainWindow* window, const QString& title, const char* name, QWidget* content) {
    auto* d = new QDockWidget(title, window);
    d->setObjectName(name);
    d->setWidget(content);
    return d;
}

}  // namespace

StudioDocks buildStudioDocks(QMainWindow* window) {
    StudioDocks docks;
    docks.datasetPanel = new DatasetPanel;
    docks.data = dock(window, QMainWindow::tr("Data"), "dataDock", scrolling(docks.datasetPanel));

    auto* modelPanel = new QWidget;
    auto* modelLayout = new QVBoxLayout(modelPanel);
    docks.backbonePicker = new widgets::BackbonePicker(modelPanel);
    docks.architecture = new widgets::ArchitectureEditor(modelPanel);
    modelLayout->addWidget(docks.backbonePicker);
    modelLayout->addWidget(docks.architecture, 1);
    QDockWidget* model = dock(window, QMainWindow::tr("Model"), "modelDock", modelPanel);

    auto* settings = new QWidget;
    auto* settingsLayout = new QVBoxLayout(settings);
    docks.hyperparameters = new widgets::HyperparameterForm(settings);
    docks.hyperparameters->setFields(trainingFields());
    docks.schedule = new widgets::SchedulePreview(settings);
    docks.schedule->setMinimumHeight(170);
    settingsLayout->addWidget(docks.schedule);
    settingsLayout->addWidget(docks.hyperparameters, 1);
    QDockWidget* training = dock(window, QMainWindow::tr("Training settings"), "trainingDock", scrolling(settings));

    // A tab beside the others, raised when a project carries a lesson (Help ▸ Lessons): a dock on
    // the right pushed the window past a 1280-pixel screen.
    docks.lessonPanel = new widgets::LessonPanel;
    docks.lesson = dock(window, QMainWindow::tr("Lesson"), "lessonDock", docks.lessonPanel);

    for (QDockWidget* d : {docks.data, model, training, docks.lesson}) {
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        d->setMinimumWidth(380);
        window->addDockWidget(Qt::LeftDockWidgetArea, d);
    }
    docks.lesson->setFeatures(docks.lesson->features() | QDockWidget::DockWidgetClosable);
    docks.lesson->setMinimumWidth(0);
    window->tabifyDockWidget(docks.data, model);
    window->tabifyDockWidget(model, training);
    window->tabifyDockWidget(training, docks.lesson);
    docks.lesson->hide();
    docks.data->raise();
    window->setTabPosition(Qt::LeftDockWidgetArea, QTabWidget::North);
    return docks;
}

}  // namespace studio::app
