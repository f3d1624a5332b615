#pragma once
// MainWindow: the studio. Docks on the left for the data, the model and the training settings;
// in the centre the Training, Try it, Evaluation, Deploy, Runs and Sweep tabs. It owns the
// Project (what the user set up), turns every widget intent into an undoable edit of it and
// wires the controllers, which do the engine work off the GUI thread. Menus: StudioMenus; the
// current model: CurrentModel; preparing a run: RunLauncher.

#include <QMainWindow>
#include <QStringList>
#include <memory>
#include <optional>

#include "app/gui/project.h"
#include "app/gui/startup_options.h"
#include "app/gui/training_setup.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"
#include "engine/train/trainer.h"

class QDockWidget;
class QTabWidget;
class QUndoStack;

namespace studio::widgets {
class ArchitectureEditor;
class BoundaryPanel;
class BackbonePicker;
class DeployView;
class EvaluationView;
class InferencePanel;
class LessonPanel;
class HyperparameterForm;
class LiveChart;
class RunLog;
class SchedulePreview;
class TrainingControls;
class TrainingView;
}  // namespace studio::widgets

namespace studio::app {

class ArchitectureController;
class BoundaryController;
class BackboneController;
class CurrentModel;
class DatasetLoader;
class DatasetPanel;
class DeployController;
class EvaluationController;
class InferenceController;
class LessonController;
class RecentProjects;
class RunLauncher;
class RunsController;
class StudioMenus;
class TrainingController;

struct TrainingAtClose;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Applies the command line: opens the project, overrides dataset/model/epochs, and with
    /// `start` begins training once the data is loaded. Errors go to the status line and log.
    void applyStartup(const StartupOptions& options);

    // The project and its edits (each edit is one undo step).
    const Project& project() const { return m_project; }
    void editProject(const Project& next, const QString& description);
    QUndoStack* undoStack() const { return m_undo; }
    Status openProject(const QString& path);
    Status saveProject(const QString& path);
    /// Where the project was last opened or saved ("" for a new one).
    QString projectPath() const { return m_projectPath; }
    Status loadModel(const QString& path);
    /// Asks for a .tsmodel and opens it with openModelFile.
    void askLoadModel();
    /// loadModel for a file the user chose: a failure also opens a message box (window-modal,
    /// not blocking) that names the file, what is wrong with it and what to do.
    Status openModelFile(const QString& path);
    /// Saves the current model (latest snapshot, or the loaded one) atomically, off the GUI thread;
    /// the result shows in the status line and log.
    void saveModel(const QString& path);

    /// Starts training with the current project (no-op with the reason in the status when not ready).
    void startTraining();
    /// Fusion style with a light or dark palette (View ▸ Dark Theme); remembered in the settings.
    void applyTheme(bool dark);

    // What the window shows, for tests and screenshots.
    DatasetPanel* datasetPanel() const { return m_datasetPanel; }
    widgets::ArchitectureEditor* architectureEditor() const { return m_architecture; }
    widgets::BackbonePicker* backbonePicker() const { return m_backbonePicker; }
    BackboneController* backboneController() const { return m_backbone; }
    widgets::HyperparameterForm* hyperparameterForm() const { return m_hyperparameters; }
    widgets::BoundaryPanel* boundaryPanel() const { return m_boundaryPanel; }
    BoundaryController* boundaryController() const { return m_boundary; }
    widgets::SchedulePreview* schedulePreview() const { return m_schedule; }
    widgets::TrainingView* trainingView() const { return m_trainingView; }
    widgets::TrainingControls* trainingControls() const;
    widgets::LiveChart* lossChart() const;
    widgets::LiveChart* accuracyChart() const;
    widgets::LiveChart* learningRateChart() const;
    widgets::RunLog* runLog() const;
    StudioMenus* menus() const { return m_menus; }
    LessonController* lessonController() const { return m_lessons; }
    widgets::LessonPanel* lessonPanel() const { return m_lessonPanel; }
    CurrentModel* modelChoice() const { return m_model; }
    TrainingController* trainingController() const { return m_training; }
    InferenceController* inferenceController() const { return m_inference; }
    RunsController* runsController() const { return m_runs; }
    EvaluationController* evaluationController() const { return m_evaluation; }
    widgets::InferencePanel* inferencePanel() const { return m_inferencePanel; }
    widgets::EvaluationView* evaluationView() const { return m_evaluationView; }
    DeployController* deployController() const { return m_deploy; }
    widgets::DeployView* deployView() const { return m_deployView; }
    /// Adds `image` to class `classIndex` of the training data (copied into the class folder for
    /// image folders, appended in memory otherwise) and fine-tunes the current model on it.
    void correctAndRetrain(const DecodedImage& image, const QString& path, int classIndex);
    QTabWidget* centralTabs() const { return m_tabs; }
    std::shared_ptr<const DatasetBundle> dataset() const { return m_bundle; }
    bool isDatasetLoading() const;
    /// The resolved architecture for the loaded data (input and classes filled in).
    ModelSpec currentSpec() const;
    /// The model inference and evaluation use: the trainer's newest, else the loaded one.
    SnapshotPtr currentModel() const;
    QString resultText() const;
    QString startBlockedReason() const { return m_startBlocked; }

    /// A message in the status bar (and, for errors, the run controls and the log).
    void showError(const QString& text);
    void showInfo(const QString& text);

Q_SIGNALS:
    /// The dataset in use changed (loaded, or failed: null).
    void datasetChanged();
    /// The current model changed (new epoch, end of a run, a model file loaded).
    void currentModelChanged(studio::SnapshotPtr model);

protected:
    /// Asks first while something trains (QuitConfirmation), then stops and keeps the runs.
    void closeEvent(QCloseEvent* event) override;

private:
    friend class ProjectEdit;
    void buildCentral();
    void buildDocks();
    void connectIntents();
    void connectRuns();
    /// Shows `project` everywhere; reloads the dataset when its source changed.
    void applyProject(const Project& project);
    /// The layers' input: the data's sample shape, or a pretrained network's features.
    Shape modelInput() const;
    void refreshArchitecture();
    void refreshSchedule();
    void refreshStartState();
    void requestDataset(const QString& nameOrPath);
    void reloadDataset();
    void onDatasetLoaded(const QString& nameOrPath, std::shared_ptr<const DatasetBundle> bundle);
    void onDatasetFailed(const QString& nameOrPath, const QString& message);
    void onRunEnded(bool completed);
    void onModelChanged();
    void setSettingEdited(const QString& key, const QVariant& value, const QString& description);
    void setPreset(const QString& preset);
    /// The Model dock's pretrained network: a file chosen ("" = none), a layer, a normalization.
    void setBackboneFile(const QString& path);
    void setBackboneEdited(const ProjectBackbone& backbone, const QString& description);
    void restoreSettings();
    void saveSettings();
    TrainingAtClose trainingAtClose() const;

    Project m_project;
    QString m_projectPath;
    QUndoStack* m_undo = nullptr;
    std::shared_ptr<const DatasetBundle> m_bundle;
    QString m_bundleSource;   // the project.dataset the bundle was loaded for
    Project m_bundleProject;  // the project the bundle was loaded with (data source settings)
    QString m_startBlocked;
    bool m_startWhenLoaded = false;
    QString m_datasetError;  // the load error the controls show, cleared by the next load that works
    bool m_stateRestored = false;

    DatasetLoader* m_loader = nullptr;
    TrainingController* m_training = nullptr;
    ArchitectureController* m_architectureController = nullptr;
    InferenceController* m_inference = nullptr;
    RunsController* m_runs = nullptr;
    EvaluationController* m_evaluation = nullptr;
    widgets::InferencePanel* m_inferencePanel = nullptr;
    widgets::EvaluationView* m_evaluationView = nullptr;
    DeployController* m_deploy = nullptr;
    widgets::DeployView* m_deployView = nullptr;
    CurrentModel* m_model = nullptr;
    RunLauncher* m_launcher = nullptr;
    StudioMenus* m_menus = nullptr;
    LessonController* m_lessons = nullptr;
    widgets::LessonPanel* m_lessonPanel = nullptr;
    QDockWidget* m_lessonDock = nullptr;

    QTabWidget* m_tabs = nullptr;
    DatasetPanel* m_datasetPanel = nullptr;
    widgets::ArchitectureEditor* m_architecture = nullptr;
    widgets::BackbonePicker* m_backbonePicker = nullptr;
    BackboneController* m_backbone = nullptr;
    widgets::HyperparameterForm* m_hyperparameters = nullptr;
    widgets::BoundaryPanel* m_boundaryPanel = nullptr;
    BoundaryController* m_boundary = nullptr;
    widgets::SchedulePreview* m_schedule = nullptr;
    widgets::TrainingView* m_trainingView = nullptr;
    widgets::TrainingControls* m_controls = nullptr;  // the training view's, used everywhere
    widgets::RunLog* m_log = nullptr;                 // the training view's
    RecentProjects* m_recent = nullptr;
};

}  // namespace studio::app
