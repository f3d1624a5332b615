#include "app/gui/main_window.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QMessageBox>
#include <QScrollArea>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QTextDocument>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>

#include "app/gui/architecture_controller.h"
#include "app/gui/backbone_controller.h"
#include "app/gui/boundary_controller.h"
#include "app/gui/current_model.h"
#include "app/gui/dataset_loader.h"
#include "app/gui/dataset_panel.h"
#include "app/gui/deploy_controller.h"
#include "app/gui/engine_conversions.h"
#include "app/gui/evaluation_controller.h"
#include "app/gui/feature_map_controller.h"
#include "app/gui/inference_controller.h"
#include "app/gui/lesson_controller.h"
#include "app/gui/presentation_mode.h"
#include "app/gui/quit_confirmation.h"
#include "app/gui/lr_finder_controller.h"
#include "app/gui/recent_projects.h"
#include "app/gui/run_launcher.h"
#include "app/gui/run_manager.h"
#include "app/gui/runs_controller.h"
#include "app/gui/studio_docks.h"
#include "app/gui/studio_menus.h"
#include "app/gui/studio_theme.h"
#include "app/gui/training_controller.h"
#include "app/gui/training_doctor_controller.h"
#include "app/gui/training_setup.h"
#include "engine/infer/trained_dataset.h"
#include "engine/io/model_file.h"
#include "engine/nn/layer_registry.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "widgets/architecture_editor.h"
#include "widgets/backbone_picker.h"
#include "widgets/boundary_panel.h"
#include "widgets/deploy_view.h"
#include "widgets/evaluation_view.h"
#include "widgets/feature_map_view.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/inference_panel.h"
#include "widgets/lesson_panel.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/schedule_preview.h"
#include "widgets/studio_icons.h"
#include "widgets/training_controls.h"
#include "widgets/training_view.h"

namespace studio::app {

using widgets::RunLog;

/// One undoable edit: the whole project before and after (projects are small values).
class ProjectEdit : public QUndoCommand {
public:
    ProjectEdit(MainWindow* window, Project before, Project after, const QString& text)
        : QUndoCommand(text), m_window(window), m_before(std::move(before)), m_after(std::move(after)) {}
    void redo() override { m_window->applyProject(m_after); }
    void undo() override { m_window->applyProject(m_before); }

private:
    MainWindow* m_window;
    Project m_before, m_after;
};


MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Training Studio[*]"));
    setWindowIcon(widgets::studioIcon("start"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_undo = new QUndoStack(this);
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { setWindowModified(!clean); });
    m_loader = new DatasetLoader(this);
    m_project = defaultProject();

    m_runs = new RunsController(this);  // before the menus: File ▸ Open Store… is its
    buildCentral();
    buildDocks();
    m_training = new TrainingController({m_controls, lossChart(), accuracyChart(), learningRateChart(), m_log}, this);
    m_model = new CurrentModel(m_training, this);
    new TrainingDoctorController(m_training, m_trainingView, this);  // layer health and alerts
    m_launcher = new RunLauncher(m_training, m_runs, m_log, this);
    m_menus = new StudioMenus(this);
    m_lessons = new LessonController(m_lessonPanel, m_training, this);
    auto* presentation = new PresentationMode(this);
    connect(m_menus, &StudioMenus::presentationToggled, presentation, &PresentationMode::setEnabled);
    connect(m_tabs, &QTabWidget::currentChanged, presentation, &PresentationMode::refresh);
    m_recent = new RecentProjects(m_menus->recentMenu(), this);
    m_architectureController = new ArchitectureController(
        m_architecture, [this] { return currentSpec(); }, this);
    auto* lrFinder = new LrFinderController(this, [this] {  // Training ▸ Find learning rate…
        return LrFinderController::Inputs{m_bundle, m_bundle ? std::optional(currentSpec()) : std::nullopt,
                                          m_project.settings};
    }, this);
    connect(lrFinder, &LrFinderController::learningRateChosen, this,
            [this](double lr) { setSettingEdited("lr", lr, tr("Apply suggested learning rate")); });
    lrFinder->addActions(m_menus->trainingMenu(), m_hyperparameters);
    m_inference = new InferenceController(m_inferencePanel, this);
    m_evaluation = new EvaluationController(m_evaluationView, this);
    m_deployView = new widgets::DeployView;
    m_deploy = new DeployController(m_deployView, this);
    m_tabs->addTab(m_deployView, tr("Deploy"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_deployView) onModelChanged();
    });
    auto* featureMapView = new widgets::FeatureMapView;  // the chosen image through every layer
    m_tabs->addTab(featureMapView, tr("Feature maps"));
    auto* featureMaps = new FeatureMapController(featureMapView, this);
    connect(this, &MainWindow::currentModelChanged, featureMaps, [this, featureMaps](SnapshotPtr model) {
        featureMaps->setModel(model, model && model == m_training->snapshot() && m_training->isRunning());
    });
    connect(m_inferencePanel, &widgets::InferencePanel::filesDropped, featureMaps, &FeatureMapController::showFirstFile);
    connect(m_datasetPanel, &DatasetPanel::sampleActivated, featureMaps,
            [this, featureMaps](int index) { featureMaps->showSample(m_bundle, index); });
    // Until one is chosen the tab shows the data's first image, not an empty page.
    connect(this, &MainWindow::datasetChanged, featureMaps, [this, featureMaps] {
        if (!featureMaps->hasImage() && m_bundle && m_bundle->pool.storage() == Dataset::Storage::Pixels8 &&
            m_bundle->pool.size() > 0)
            featureMaps->showSample(m_bundle, 0);
    });
    m_boundaryPanel = new widgets::BoundaryPanel;  // 2-D data: the decision boundary, live
    m_boundary = new BoundaryController(m_boundaryPanel, m_training, this);
    m_tabs->insertTab(m_tabs->indexOf(m_trainingView) + 1, m_boundaryPanel, tr("Boundary"));
    m_tabs->addTab(m_runs->runsTab(), tr("Runs"));
    m_tabs->addTab(m_runs->sweepTab(), tr("Sweep"));
    connectIntents();
    connectRuns();
    statusBar()->showMessage(tr("Ready"));
    // 1280×800, or the screen when it is smaller (a 1024×768 laptop; a saved geometry wins).
    const QSize room = screen() ? screen()->availableGeometry().size() : QSize(1280, 800);
    resize(std::min(1280, room.width()), std::min(800, room.height()));
    restoreSettings();
    m_datasetPanel->setCatalog(listDatasets());
    applyProject(m_project);
}

MainWindow::~MainWindow() {
    m_loader->waitForIdle();
}

widgets::TrainingControls* MainWindow::trainingControls() const {
    return m_trainingView->controls();
}
widgets::LiveChart* MainWindow::lossChart() const {
    return m_trainingView->lossChart();
}
widgets::LiveChart* MainWindow::accuracyChart() const {
    return m_trainingView->accuracyChart();
}
widgets::LiveChart* MainWindow::learningRateChart() const {
    return m_trainingView->learningRateChart();
}
widgets::RunLog* MainWindow::runLog() const {
    return m_trainingView->log();
}

void MainWindow::buildCentral() {
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);

    m_trainingView = new widgets::TrainingView;
    m_controls = m_trainingView->controls();
    m_log = m_trainingView->log();
    m_tabs->addTab(m_trainingView, tr("Training"));
    m_inferencePanel = new widgets::InferencePanel;
    m_tabs->addTab(m_inferencePanel, tr("Try it"));
    m_evaluationView = new widgets::EvaluationView;
    m_tabs->addTab(m_evaluationView, tr("Evaluation"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_evaluation && m_tabs->currentWidget() == m_evaluationView) onModelChanged();
    });
    setCentralWidget(m_tabs);
}

void MainWindow::buildDocks() {
    const StudioDocks docks = buildStudioDocks(this);
    m_datasetPanel = docks.datasetPanel;
    m_backbonePicker = docks.backbonePicker;
    m_architecture = docks.architecture;
    m_hyperparameters = docks.hyperparameters;
    m_schedule = docks.schedule;
    m_lessonPanel = docks.lessonPanel;
    m_lessonDock = docks.lesson;
    m_backbone = new BackboneController(m_backbonePicker, this);
    // Docks take their width once the window has its own (a saved state overrides this): 440 px,
    // less on a small screen, where the window's eight tabs need about 600 px beside it (at
    // 1024×700 a 440-px dock left them scroll arrows and "Sweep" cut off).
    QTimer::singleShot(0, this, [this, data = docks.data] {
        if (!m_stateRestored) resizeDocks({data}, {std::clamp(width() - 640, 380, 440)}, Qt::Horizontal);
    });
}

void MainWindow::connectIntents() {
    connect(m_datasetPanel, &DatasetPanel::datasetRequested, this, &MainWindow::requestDataset);
    connect(m_datasetPanel, &DatasetPanel::settingEdited, this,
            [this](const QString& key, const QVariant&, const QVariant& value) {
                setSettingEdited(key, value, tr("Change %1").arg(m_datasetPanel->form()->label(key)));
            });
    connect(m_hyperparameters, &widgets::HyperparameterForm::valueEdited, this,
            [this](const QString& key, const QVariant&, const QVariant& value) {
                if (key == QLatin1String("dropout")) {
                    m_architectureController->edit(
                        [&](ModelSpec& spec) {
                            for (auto& layer : spec.layers)
                                if (layer.type == "dropout") layer.options["rate"] = value.toDouble();
                        },
                        tr("Change dropout rate"));
                    return;
                }
                setSettingEdited(key, value, tr("Change %1").arg(m_hyperparameters->label(key)));
            });
    connect(m_loader, &DatasetLoader::loaded, this, &MainWindow::onDatasetLoaded);
    connect(m_loader, &DatasetLoader::failed, this, &MainWindow::onDatasetFailed);

    connect(m_architectureController, &ArchitectureController::presetRequested, this, &MainWindow::setPreset);
    connect(m_architectureController, &ArchitectureController::specEdited, this,
            [this](const ModelSpec& spec, const QString& description) {
                Project next = m_project;
                next.preset.clear();
                next.spec = spec.toJson();
                editProject(next, description);
            });
    connect(m_architectureController, &ArchitectureController::error, this, &MainWindow::showError);
    connect(m_backbonePicker, &widgets::BackbonePicker::fileChosen, this, &MainWindow::setBackboneFile);
    connect(m_backbone, &BackboneController::edited, this, &MainWindow::setBackboneEdited);
    connect(m_backbone, &BackboneController::error, this, &MainWindow::showError);
    connect(m_backbone, &BackboneController::resolved, this, [this] {
        refreshArchitecture();
        refreshStartState();
    });
    connect(m_architectureController, &ArchitectureController::info, this, &MainWindow::showInfo);

    using widgets::TrainingControls;
    connect(m_controls, &TrainingControls::startRequested, this, &MainWindow::startTraining);
    connect(m_controls, &TrainingControls::pauseRequested, m_training, &TrainingController::pause);
    connect(m_controls, &TrainingControls::resumeRequested, m_training, &TrainingController::resume);
    connect(m_controls, &TrainingControls::stopRequested, m_training, &TrainingController::stop);
    connect(m_training, &TrainingController::stateChanged, this, &MainWindow::refreshStartState);
    connect(m_training, &TrainingController::runEnded, this, &MainWindow::onRunEnded);
    connect(m_training, &TrainingController::runStarted, m_trainingView, &widgets::TrainingView::clearResult);
    connect(m_model, &CurrentModel::changed, this, &MainWindow::currentModelChanged);
    connect(m_model, &CurrentModel::error, this, &MainWindow::showError);
    connect(m_model, &CurrentModel::info, this, &MainWindow::showInfo);
    connect(m_recent, &RecentProjects::openRequested, this, [this](const QString& path) { (void)openProject(path); });
    connect(m_menus, &StudioMenus::darkThemeToggled, this, &MainWindow::applyTheme);
    connect(this, &MainWindow::currentModelChanged, this, &MainWindow::onModelChanged);
    connect(this, &MainWindow::datasetChanged, this, &MainWindow::onModelChanged);
    connect(this, &MainWindow::datasetChanged, m_boundary, [this] { m_boundary->setDataset(m_bundle); });
    connect(this, &MainWindow::currentModelChanged, m_boundary, &BoundaryController::setModel);
    connect(m_boundaryPanel, &widgets::BoundaryPanel::dataSettingEdited, this, [this](const QString& key, const QVariant& v) {
        setSettingEdited(key, v, tr("Change %1").arg(m_datasetPanel->form()->label(key)));
    });
    connect(m_inference, &InferenceController::loadModelRequested, this, &MainWindow::askLoadModel);
    connect(m_inference, &InferenceController::correctionRequested, this, &MainWindow::correctAndRetrain);
    connect(m_launcher, &RunLauncher::failed, this, [this](const QString& message) {
        m_controls->setState(widgets::TrainingControls::State::Idle);
        showError(message);
    });
    connect(m_launcher, &RunLauncher::dataReplaced, this, [this](std::shared_ptr<const DatasetBundle> data) {
        m_bundle = std::move(data);
        m_datasetPanel->setBundle(m_bundle);
    });
    connect(m_launcher, &RunLauncher::preparingEnded, this, &MainWindow::refreshStartState);
    connect(m_lessons, &LessonController::lessonChanged, this, [this](bool present) {
        m_lessonDock->setVisible(present);
        if (present) m_lessonDock->raise();
    });
    connect(m_lessons, &LessonController::setUpRequested, this, [this](const LessonStep& step, const QString& text) {
        Project next = m_project;
        if (!step.dataset.isEmpty()) next.dataset = step.dataset;
        if (!step.preset.isEmpty()) {
            next.preset = step.preset;
            next.settings = withRecommendedSettings(next.settings, step.preset, next.dataset);
        }
        for (auto it = step.settings.begin(); it != step.settings.end(); ++it)
            if (next.settings.contains(it.key())) next.settings[it.key()] = it.value();
        editProject(next, text);
    });
}

// ---- the project -------------------------------------------------------------------------

void MainWindow::editProject(const Project& next, const QString& description) {
    if (next == m_project) return;
    m_undo->push(new ProjectEdit(this, m_project, next, description));
}

void MainWindow::applyProject(const Project& project) {
    m_project = project;
    m_lessons->setLesson(project.lesson);
    m_datasetPanel->setSettings(project.settings);
    m_hyperparameters->setValues(project.settings);
    if (m_boundary) m_boundary->showDataSettings(project.dataset, project.settings);
    const bool reload = !m_bundle || m_bundleSource != project.dataset || !m_bundleProject.sameDataSource(project);
    if (reload)
        reloadDataset();
    else
        m_datasetPanel->showChoice(project.dataset);
    refreshArchitecture();
    refreshSchedule();
    refreshStartState();
}

void MainWindow::setSettingEdited(const QString& key, const QVariant& value, const QString& description) {
    Project next = m_project;
    next.settings[key] = value;
    editProject(next, description);
    // A live-editable option (learning rate, …) also changes the run that trains now, from its next step.
    const OptionInfo* option = findOption(toStdString(key));
    if (option && option->liveEditable && m_training->isRunning())
        if (auto s = m_training->setLiveOption(option->key, optionsFrom({{key, value}})[option->key]); !s)
            showError(errorText(s.error()));
}

void MainWindow::connectRuns() {
    m_runs->attach(m_training, m_log);
    m_runs->setStorePath(QSettings().value("runs/store", toQString(defaultStorePath())).toString());
    m_runs->setSweepBase([this] {
        return SweepBase{m_project.dataset, m_project.preset.isEmpty() ? QStringLiteral("custom") : m_project.preset,
                         m_bundle ? std::optional<ModelSpec>(currentSpec()) : std::nullopt, m_project.settings};
    });
    connect(m_runs, &RunsController::promoteRequested, this, [this](qint64 id, const QString& path, bool reopened) {
        if (reopened && currentModel()) return;  // the studio reopened, but a model is already here
        if (!(reopened ? loadModel(path) : openModelFile(path))) return;  // the error is shown
        showInfo(tr("Run %1's best model is the current model (Try it, Evaluation, Save)").arg(id));
    });
}

void MainWindow::setPreset(const QString& preset) {
    Project next = m_project;
    next.preset = preset;
    next.settings = withRecommendedSettings(next.settings, preset, next.dataset);  // its tuned epochs, rate, schedule
    if (m_bundle) {
        auto spec = presetSpec(toStdString(preset), modelInput(), m_bundle->pool.classCount());
        if (!spec) return showError(errorText(spec.error()));
        next.spec = spec->toJson();
    }
    editProject(next, tr("Use the %1 preset and its tuned training options").arg(preset));
}

void MainWindow::setBackboneFile(const QString& path) {
    ProjectBackbone next;
    next.path = path;
    if (path == m_project.backbone.path) return;
    if (path.isEmpty()) return setBackboneEdited(next, tr("Train from scratch (no pretrained network)"));
    if (m_project.backbone.isSet()) {  // another network: keep its normalization, choose its layer anew
        next.mean = m_project.backbone.mean;
        next.stddev = m_project.backbone.stddev;
    }
    Project edited = m_project;
    edited.backbone = next;
    // The head learns from feature vectors: a convolutional preset cannot be a head, the mlp can.
    if (!m_project.preset.isEmpty() && m_project.preset != QLatin1String("mlp")) {
        edited.preset = QStringLiteral("mlp");
        edited.settings = withRecommendedSettings(edited.settings, edited.preset, edited.dataset);
    }
    editProject(edited, tr("Start from the pretrained network %1").arg(QFileInfo(path).fileName()));
}

void MainWindow::setBackboneEdited(const ProjectBackbone& backbone, const QString& description) {
    Project next = m_project;
    next.backbone = backbone;
    editProject(next, description);
}

Shape MainWindow::modelInput() const {
    // Behind a pretrained network the layers are the head: they take its features.
    if (m_project.backbone.isSet()) return m_backbone->featureSize() ? Shape{*m_backbone->featureSize()} : Shape{};
    return m_bundle ? m_bundle->pool.sampleShape() : Shape{};
}

ModelSpec MainWindow::currentSpec() const {
    const Shape input = modelInput();
    const int classes = m_bundle ? m_bundle->pool.classCount() : 0;
    if (!m_project.preset.isEmpty() && m_bundle) {
        if (auto spec = presetSpec(toStdString(m_project.preset), input, classes)) return *spec;
    }
    ModelSpec spec;
    if (m_project.spec.is_object()) {
        if (auto parsed = ModelSpec::fromJson(m_project.spec, "project")) spec = *parsed;
    }
    if (m_bundle) {
        spec.input = input;
        spec.classes = classes;
    }
    return spec;
}

void MainWindow::refreshArchitecture() {
    m_backbone->show(m_project.backbone, m_bundle);  // reads the file again only when it or the data changed
    const ModelSpec spec = currentSpec();
    m_architectureController->show(spec, m_bundle != nullptr);
    double dropout = -1.0;
    for (const auto& layer : spec.layers)
        if (layer.type == "dropout" && dropout < 0) dropout = layer.options.value("rate", 0.5);
    m_hyperparameters->setFieldEnabled("dropout", dropout >= 0);
    if (dropout >= 0) m_hyperparameters->setValues({{"dropout", dropout}});
}

void MainWindow::refreshSchedule() {
    auto config = trainConfigFrom(m_project.settings);
    if (!config) return;
    const int steps = m_bundle ? estimatedStepsPerEpoch(*m_bundle, m_project.settings) : 100;
    m_schedule->setLogarithmic(config->schedule.kind == "exponential");
    m_schedule->setSchedule(schedulePoints(*config, steps));
    const QMap<QString, bool> applies = fieldsThatApply(*config);
    for (auto it = applies.begin(); it != applies.end(); ++it)
        if (m_hyperparameters->editor(it.key())) m_hyperparameters->setFieldEnabled(it.key(), it.value());
}

void MainWindow::refreshStartState() {
    QString reason;
    if (m_loader->isLoading())
        reason = tr("Loading the dataset…");
    else if (!m_bundle)
        reason = tr("Choose a dataset that loads first (Data panel).");
    else if (m_launcher->isPreparing())
        reason = tr("Preparing the split…");
    else if (const QString backbone = m_backbone->blockingReason(); !backbone.isEmpty())
        reason = backbone;
    else {
        const SpecReport report = analyzeSpec(currentSpec());
        if (!report.ok())
            reason = tr("The model is invalid: %1").arg(toQString(report.problems.front()));
        else if (auto config = trainConfigFrom(m_project.settings); !config)
            reason = errorText(config.error());
    }
    m_startBlocked = reason;
    const bool running = m_training->isRunning();
    m_controls->setStartEnabled(reason.isEmpty(), reason);
    m_menus->setTrainingState(reason.isEmpty(), running);
}

void MainWindow::requestDataset(const QString& nameOrPath) {
    if (nameOrPath == m_project.dataset && m_bundle) return;
    Project next = m_project;
    next.dataset = nameOrPath;
    if (!datasetTrainingOptions(toStdString(nameOrPath)).empty() ||
        !datasetTrainingOptions(toStdString(m_project.dataset)).empty())
        next.settings = withRecommendedSettings(next.settings, next.preset, nameOrPath);  // a teaching set's epochs
    editProject(next,
                tr("Use dataset %1")
                    .arg(QFileInfo(nameOrPath).fileName().isEmpty() ? nameOrPath : QFileInfo(nameOrPath).fileName()));
}

void MainWindow::reloadDataset() {
    m_datasetPanel->showLoading(m_project.dataset);
    m_loader->load(m_project.dataset, datasetOptionsFromOptions(optionsFrom(m_project.settings)));
}

bool MainWindow::isDatasetLoading() const {
    return m_loader->isLoading();
}

void MainWindow::onDatasetLoaded(const QString& nameOrPath, std::shared_ptr<const DatasetBundle> bundle) {
    if (nameOrPath != m_project.dataset) return;
    m_bundle = std::move(bundle);
    m_bundleSource = nameOrPath;
    m_bundleProject = m_project;
    m_datasetPanel->setBundle(m_bundle);
    // An earlier failure is no longer true; other errors (a failed run) stay until replaced. The
    // log keeps the failure, so it says the load that followed worked.
    const QString loaded = tr("Loaded %1").arg(toQString(m_bundle->description));
    if (!m_datasetError.isEmpty()) {
        if (m_controls->statusIsError() && m_controls->statusText() == m_datasetError) m_controls->setStatus({});
        m_log->appendLine(loaded);
    }
    m_datasetError.clear();
    for (const SkippedFile& f : m_bundle->skipped)
        m_log->appendLine(tr("Skipped %1: %2").arg(toQString(f.path), toQString(f.reason)), RunLog::Severity::Warning);
    showInfo(loaded);
    refreshArchitecture();
    refreshSchedule();
    refreshStartState();
    Q_EMIT datasetChanged();
    if (m_startWhenLoaded) {
        m_startWhenLoaded = false;
        startTraining();
    }
}

void MainWindow::onDatasetFailed(const QString& nameOrPath, const QString& message) {
    if (nameOrPath != m_project.dataset) return;
    m_bundle.reset();
    m_bundleSource.clear();
    m_datasetPanel->setBundle(nullptr);
    m_datasetPanel->showError(message);
    m_datasetError = tr("Could not load the dataset: %1").arg(message);
    showError(m_datasetError);
    m_startWhenLoaded = false;
    refreshArchitecture();
    refreshStartState();
    Q_EMIT datasetChanged();
}

// ---- training ----------------------------------------------------------------------------

void MainWindow::startTraining() {
    m_hyperparameters->commitPendingEdit();
    m_datasetPanel->form()->commitPendingEdit();
    if (m_training->isRunning() || m_launcher->isPreparing()) return;
    refreshStartState();
    if (!m_startBlocked.isEmpty()) {
        m_controls->setStatus(m_startBlocked, true);
        m_log->appendLine(tr("Cannot start: %1").arg(m_startBlocked), RunLog::Severity::Error);
        return;
    }
    m_controls->setStatus(tr("Preparing the split and normalization…"));
    std::optional<BackboneChoice> backbone;
    if (m_project.backbone.isSet())
        backbone = m_backbone->runChoice(m_project.settings.value("resize", "stretch").toString());
    m_launcher->startRun(m_bundle, m_project.dataset, currentSpec(),
                         m_project.preset.isEmpty() ? QStringLiteral("custom") : m_project.preset, m_project.settings,
                         std::move(backbone));
    refreshStartState();
}

void MainWindow::onRunEnded(bool completed) {
    onModelChanged();  // the run's model is no longer "training"
    const auto& f = m_training->finished();
    if (completed && f) {
        QString text = tr("Best epoch %1 of %2 · validation accuracy %3")
                           .arg(f->bestEpoch)
                           .arg(f->epochs)
                           .arg(percentText(f->validationAccuracy));
        if (f->testSize > 0)
            text += tr(" · test accuracy %1 (%2 samples)").arg(percentText(f->testAccuracy)).arg(f->testSize);
        m_trainingView->setResult(text);
    }
    refreshStartState();
}

QString MainWindow::resultText() const {
    return m_trainingView->result();
}

SnapshotPtr MainWindow::currentModel() const {
    return m_model->model();
}

void MainWindow::onModelChanged() {
    const SnapshotPtr model = currentModel();
    m_inference->setModel(model, model && model == m_training->snapshot() && m_training->isRunning());
    // A model from the run is scored on the run's data; a loaded one on the data shown.
    const std::shared_ptr<const DatasetBundle> data = m_model->dataFor(model, m_bundle);
    // Variants are measured while the Deploy tab is open and no run competes for the cores.
    if (!m_training->isRunning() && m_tabs->currentWidget() == m_deployView) m_deploy->setModel(model, data);
    // Scoring a large test set takes a core from training: during a run, only while the
    // Evaluation tab is open (it catches up when opened); always at the end.
    if (m_training->isRunning() && m_tabs->currentWidget() != m_evaluationView) return;
    m_evaluation->evaluate(model, data);
}

void MainWindow::correctAndRetrain(const DecodedImage& image, const QString& path, int classIndex) {
    const SnapshotPtr model = currentModel();
    if (!model) return showError(tr("There is no model to fine-tune: train one or load a model file first."));
    if (m_training->isRunning() || m_launcher->isPreparing())
        return showError(
            tr("A training is running: stop it or wait for it to end, then correct the prediction again."));
    auto correction = makeCorrection(m_bundle, *model, image, path, classIndex, m_project.dataset,
                                     m_project.settings.value("resize", "stretch").toString());
    if (!correction) return showError(errorText(correction.error()));
    if (!correction->source.empty())
        m_log->appendLine(tr("Copied %1 into class folder %2")
                              .arg(QFileInfo(path).fileName(), QFileInfo(toQString(correction->source)).path()));

    QVariantMap settings = m_project.settings;
    settings["epochs"] = settings.value("fine_tune_epochs", 2);
    settings["warmup_epochs"] = 0;
    m_controls->setStatus(tr("Preparing the fine-tuning…"));
    m_launcher->startFineTuning(m_bundle, model, settings, std::move(*correction));
    m_inference->showCorrectionUnderWay();
    refreshStartState();
}

// ---- files -------------------------------------------------------------------------------

Status MainWindow::openProject(const QString& path) {
    auto project = Project::load(path);
    if (!project) {
        showError(errorText(project.error()));
        return project.error();
    }
    m_undo->clear();
    // A built-in lesson opens like a project; saving it asks where (the lesson is read-only).
    const bool builtIn = path.startsWith(QLatin1String(":/"));
    m_projectPath = builtIn ? QString() : path;
    applyProject(*project);
    if (!builtIn) m_recent->add(path);
    setWindowTitle(tr("%1[*] — Training Studio").arg(QFileInfo(path).completeBaseName()));
    showInfo(tr("Opened project %1").arg(path));
    return {};
}

Status MainWindow::saveProject(const QString& path) {
    Project toSave = m_project;
    toSave.spec = currentSpec().toJson();
    if (auto s = toSave.save(path); !s) {
        showError(errorText(s.error()));
        return s;
    }
    m_projectPath = path;
    m_undo->setClean();
    m_recent->add(path);
    setWindowTitle(tr("%1[*] — Training Studio").arg(QFileInfo(path).fileName()));
    showInfo(tr("Saved the project to %1").arg(path));
    return {};
}

Status MainWindow::loadModel(const QString& path) {
    return m_model->load(path);
}

void MainWindow::askLoadModel() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a trained model"), {}, tr("Models (*.tsmodel)"));
    if (!path.isEmpty()) (void)openModelFile(path);
}

Status MainWindow::openModelFile(const QString& path) {
    Status s = loadModel(path);  // the status bar, the run controls and the log say it too
    if (s) return s;
    // The user is looking at the Try it tab or a file dialog, not at the status bar: say it there.
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Could not load the model"),
                                tr("Could not load the model file “%1”.").arg(QFileInfo(path).fileName()),
                                QMessageBox::Ok, this);
    box->setTextFormat(Qt::PlainText);  // a file name is never markup
    // The details: the whole path, what is wrong, the fix; escaped, and wrapped to the box's width.
    box->setInformativeText(Qt::convertFromPlainText(errorText(s.error()), Qt::WhiteSpaceNormal));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
    return s;
}

void MainWindow::saveModel(const QString& path) {
    // Like the CLI, remember how the dataset was made so `evaluate` rebuilds the same test split.
    m_model->save(path, datasetOptionsRecord(toStdString(m_bundleSource),
                                             datasetOptionsFromOptions(optionsFrom(m_project.settings))));
}

void MainWindow::applyStartup(const StartupOptions& options) {
    m_inference->setCameraSource(options.camera);
    if (!options.project.isEmpty() && !openProject(options.project)) return;
    Project next = m_project;
    if (!options.dataset.isEmpty()) next.dataset = options.dataset;
    if (!options.model.isEmpty()) {
        const std::vector<std::string> presets = presetNames();  // one vector: its own begin and end
        const bool preset = std::find(presets.begin(), presets.end(), toStdString(options.model)) != presets.end();
        if (preset) {
            next.preset = options.model;
            next.settings = withRecommendedSettings(next.settings, options.model, next.dataset);  // as the CLI trains it
        } else {
            auto spec = ModelSpec::fromFile(toStdString(options.model));
            if (!spec) return showError(errorText(spec.error()));
            next.preset.clear();
            next.spec = spec->toJson();
        }
    }
    if (options.epochs) next.settings["epochs"] = *options.epochs;  // over the preset's
    if (next != m_project) {
        applyProject(next);
        m_undo->clear();
    }
    if (options.start) {
        if (m_bundle && !m_loader->isLoading())
            startTraining();
        else
            m_startWhenLoaded = true;
    }
}

// ---- messages, settings ------------------------------------------------------------------

void MainWindow::showError(const QString& text) {
    m_controls->setStatus(text, true);
    m_log->appendLine(text, RunLog::Severity::Error);
    statusBar()->showMessage(text, 10000);
}

void MainWindow::showInfo(const QString& text) {
    statusBar()->showMessage(text, 8000);
}

void MainWindow::applyTheme(bool dark) {
    applyStudioPalette(dark);
    m_menus->setDarkChecked(dark);
    QSettings().setValue("darkTheme", dark);
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (settings.contains("window/geometry")) restoreGeometry(settings.value("window/geometry").toByteArray());
    if (settings.contains("window/state")) m_stateRestored = restoreState(settings.value("window/state").toByteArray());
    if (settings.value("darkTheme", false).toBool()) applyTheme(true);
}

void MainWindow::saveSettings() {
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("lastProject", m_projectPath);
}

TrainingAtClose MainWindow::trainingAtClose() const {
    TrainingAtClose t;
    t.windowRun = m_training->isRunning();
    if (t.windowRun) {
        t.windowRunId = m_training->recordedRunId();
        t.epochsKept = int(m_training->epochs().size());
        t.epochsPlanned = m_training->lastSetup() ? m_training->lastSetup()->config.epochs : 0;
    }
    t.backgroundRuns = m_runs->manager()->runningCount();
    t.unsavedModel = !t.windowRun && m_model->onlyInMemory();
    return t;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!QuitConfirmation::confirm(this, [this] { return trainingAtClose(); })) {
        event->ignore();
        return;
    }
    // Runs that still train are kept as interrupted, each with its last epoch's checkpoint.
    if (m_training->isRunning() && !m_training->stopAndWait(1500))
        m_log->appendLine(tr("The training did not stop in time; closing anyway."), RunLog::Severity::Warning);
    m_runs->stopAll(1500);
    saveSettings();
    event->accept();
}

}  // namespace studio::app
