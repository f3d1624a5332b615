#pragma once
// The studio's left docks, tabbed together: Data, Model (a pretrained network and the layers),
// Training settings (the schedule preview and the form), and Lesson (hidden until a project
// carries one). Building them is layout only; the window wires what they show and emit.

class QDockWidget;
class QMainWindow;

namespace studio::widgets {
class ArchitectureEditor;
class BackbonePicker;
class HyperparameterForm;
class LessonPanel;
class SchedulePreview;
}  // namespace studio::widgets

namespace studio::app {

class DatasetPanel;

struct StudioDocks {
    DatasetPanel* datasetPanel = nullptr;
    widgets::BackbonePicker* backbonePicker = nullptr;
    widgets::ArchitectureEditor* architecture = nullptr;
    widgets::HyperparameterForm* hyperparameters = nullptr;
    widgets::SchedulePreview* schedule = nullptr;
    widgets::LessonPanel* lessonPanel = nullptr;
    QDockWidget* data = nullptr;    // raised first
    QDockWidget* lesson = nullptr;  // hidden
};

/// Adds the docks to `window`'s left area, Data raised.
StudioDocks buildStudioDocks(QMainWindow* window);

}  // namespace studio::app
