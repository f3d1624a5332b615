#pragma once
// MainWindow: the studio. Docks on the left for the data, the model and the training settings;
// in the centre the training controls, live charts and run log (and the inference and
// evaluation tabs). It owns the Project (what the user set up) and turns every widget intent
// into an undoable edit of it; the controllers do the engine work off the GUI thread.

#include <QFutureWatcher>
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

class QAction;
class QLabel;
class QMenu;
class QTabWidget;
class QUndoStack;

namespace studio::widgets {
class ArchitectureEditor;
class DeployView;
class EvaluationView;
class InferencePanel;
class HyperparameterForm;
class LiveChart;
class RunLog;
class SchedulePreview;
class TrainingControls;
}  // namespace studio::widgets

namespace studio::app {

class ArchitectureController;
class DatasetLoader;
class DatasetPanel;
class DeployController;
class EvaluationController;
class InferenceController;
class RecentProjects;
class RunsController;
class TrainingController;

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
    Status loadModel(const QString& path);
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
    widgets::HyperparameterForm* hyperparameterForm() const { return m_hyperparameters; }
    widgets::SchedulePreview* schedulePreview() const { return m_schedule; }
    widgets::TrainingControls* trainingControls() const { return m_controls; }
    widgets::LiveChart* lossChart() const { return m_lossChart; }
    widgets::LiveChart* accuracyChart() const { return m_accuracyChart; }
    widgets::LiveChart* learningRateChart() const { return m_lrChart; }
    widgets::RunLog* runLog() const { return m_log; }
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

Q_SIGNALS:
    /// The dataset in use changed (loaded, or failed: null).
    void datasetChanged();
    /// The current model changed (new epoch, end of a run, a model file loaded).
    void currentModelChanged(studio::SnapshotPtr model);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    friend class ProjectEdit;
    void buildCentral();
    void buildDocks();
    void buildMenus();
    void connectIntents();
    void connectRuns();
    /// Shows `project` everywhere; reloads the dataset when its source changed.
    void applyProject(const Project& project);
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
    void showError(const QString& text);
    void showInfo(const QString& text);
    void restoreSettings();
    void saveSettings();

    Project m_project;
    QString m_projectPath;
    QUndoStack* m_undo = nullptr;
    std::shared_ptr<const DatasetBundle> m_bundle;
    QString m_bundleSource;   // the project.dataset the bundle was loaded for
    Project m_bundleProject;  // the project the bundle was loaded with (data source settings)
    SnapshotPtr m_loadedModel;
    QString m_startBlocked;
    bool m_startWhenLoaded = false;
    QString m_datasetError;  // the load error the controls show, cleared by the next load that works
    bool m_stateRestored = false;
    bool m_preferLoaded = false;  // a model file was loaded after the last run started
    bool m_fineTuning = false;    // the setup being prepared is a fine-tuning run

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
    QFutureWatcher<Result<StudioRun>>* m_prepare = nullptr;

    QTabWidget* m_tabs = nullptr;
    DatasetPanel* m_datasetPanel = nullptr;
    widgets::ArchitectureEditor* m_architecture = nullptr;
    widgets::HyperparameterForm* m_hyperparameters = nullptr;
    widgets::SchedulePreview* m_schedule = nullptr;
    widgets::TrainingControls* m_controls = nullptr;
    widgets::LiveChart* m_lossChart = nullptr;
    widgets::LiveChart* m_accuracyChart = nullptr;
    widgets::LiveChart* m_lrChart = nullptr;
    widgets::RunLog* m_log = nullptr;
    QLabel* m_result = nullptr;
    RecentProjects* m_recent = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_darkAction = nullptr;
};

}  // namespace studio::app
