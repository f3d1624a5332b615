#include "app/gui/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QMenuBar>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QTimer>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "app/gui/architecture_controller.h"
#include "app/gui/dataset_loader.h"
#include "app/gui/dataset_panel.h"
#include "app/gui/deploy_controller.h"
#include "app/gui/engine_conversions.h"
#include "app/gui/evaluation_controller.h"
#include "app/gui/inference_controller.h"
#include "app/gui/onnx_export_controller.h"
#include "app/gui/recent_projects.h"
#include "app/gui/runs_controller.h"
#include "app/gui/studio_theme.h"
#include "app/gui/training_controller.h"
#include "app/gui/training_setup.h"
#include "engine/io/model_file.h"
#include "engine/nn/layer_registry.h"
#include "engine/train/option_schema.h"
#include "widgets/architecture_editor.h"
#include "widgets/deploy_view.h"
#include "widgets/evaluation_view.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/inference_panel.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/schedule_preview.h"
#include "widgets/studio_icons.h"
#include "widgets/training_controls.h"

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

namespace {

QScrollArea* scrolling(QWidget* content) {
    auto* area = new QScrollArea;
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

}  // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Training Studio[*]"));
    setWindowIcon(widgets::studioIcon("start"));
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks);
    m_undo = new QUndoStack(this);
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { setWindowModified(!clean); });
    m_loader = new DatasetLoader(this);
    m_prepare = new QFutureWatcher<Result<StudioRun>>(this);
    m_project = defaultProject();

    m_runs = new RunsController(this);  // before the menus: File ▸ Open Store… is its
    buildCentral();
    buildDocks();
    buildMenus();
    m_training = new TrainingController({m_controls, m_lossChart, m_accuracyChart, m_lrChart, m_log}, this);
    m_architectureController = new ArchitectureController(
        m_architecture, [this] { return currentSpec(); }, this);
    m_inference = new InferenceController(m_inferencePanel, this);
    m_evaluation = new EvaluationController(m_evaluationView, this);
    m_deployView = new widgets::DeployView;
    m_deploy = new DeployController(m_deployView, this);
    m_tabs->addTab(m_deployView, tr("Deploy"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        if (m_tabs->currentWidget() == m_deployView) onModelChanged();
    });
    m_tabs->addTab(m_runs->runsTab(), tr("Runs"));
    m_tabs->addTab(m_runs->sweepTab(), tr("Sweep"));
    connectIntents();
    connectRuns();
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
    restoreSettings();
    m_datasetPanel->setCatalog(listDatasets());
    applyProject(m_project);
}

MainWindow::~MainWindow() {
    m_prepare->waitForFinished();
    m_loader->waitForIdle();
}

void MainWindow::buildCentral() {
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);

    auto* training = new QWidget;
    auto* layout = new QVBoxLayout(training);
    m_controls = new widgets::TrainingControls(training);
    layout->addWidget(m_controls);
    m_result = new QLabel(training);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setObjectName("resultLabel");
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setWordWrap(true);
    QFont bold = m_result->font();
    bold.setBold(true);
    m_result->setFont(bold);
    layout->addWidget(m_result);

    auto* charts = new QWidget;
    charts->setObjectName("charts");
    auto* grid = new QGridLayout(charts);
    grid->setContentsMargins(0, 0, 0, 0);
    m_lossChart = new widgets::LiveChart(charts);
    m_lossChart->setTitle(tr("Loss"));
    m_lossChart->setXAxisTitle(tr("Epoch"));
    m_lossChart->setAxisGroupTitle({}, tr("Cross-entropy"));
    m_lossChart->addSeries("batch", tr("Batch"), QColor(100, 149, 237));
    m_lossChart->setSmoothing("batch", 0.9);
    m_lossChart->addSeries("train", tr("Train (epoch)"), QColor(31, 84, 180));
    m_lossChart->addSeries("val", tr("Validation"), QColor(230, 115, 0));
    m_accuracyChart = new widgets::LiveChart(charts);
    m_accuracyChart->setTitle(tr("Accuracy"));
    m_accuracyChart->setXAxisTitle(tr("Epoch"));
    m_accuracyChart->setAxisGroupTitle({}, tr("Correct"));  // short: the chart is small at 1024×700
    m_accuracyChart->setAxisGroupBounds({}, 0.0, 1.0);
    m_accuracyChart->addSeries("batch", tr("Batch"), QColor(100, 149, 237));
    m_accuracyChart->setSmoothing("batch", 0.9);
    m_accuracyChart->addSeries("train", tr("Train (epoch)"), QColor(31, 84, 180));
    m_accuracyChart->addSeries("val", tr("Validation"), QColor(230, 115, 0));
    m_lrChart = new widgets::LiveChart(charts);
    m_lrChart->setTitle(tr("Learning rate"));
    m_lrChart->setXAxisTitle(tr("Epoch"));
    m_lrChart->setAxisGroupTitle({}, tr("Rate"));
    m_lrChart->addSeries("lr", tr("Learning rate"), QColor(46, 139, 87));
    grid->addWidget(m_lossChart, 0, 0, 2, 1);
    grid->addWidget(m_accuracyChart, 0, 1);
    grid->addWidget(m_lrChart, 1, 1);
    // Equal columns: at 1024×700 a 3:2 split elided the small charts' legends ("Train …").
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    m_log = new widgets::RunLog;
    auto* split = new QSplitter(Qt::Vertical, training);
    split->addWidget(charts);
    split->addWidget(m_log);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({520, 130});
    layout->addWidget(split, 1);
    m_tabs->addTab(training, tr("Training"));
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
    m_datasetPanel = new DatasetPanel;
    auto* data = new QDockWidget(tr("Data"), this);
    data->setObjectName("dataDock");
    data->setWidget(scrolling(m_datasetPanel));

    m_architecture = new widgets::ArchitectureEditor;
    auto* model = new QDockWidget(tr("Model"), this);
    model->setObjectName("modelDock");
    model->setWidget(m_architecture);

    auto* settings = new QWidget;
    auto* settingsLayout = new QVBoxLayout(settings);
    m_hyperparameters = new widgets::HyperparameterForm(settings);
    m_hyperparameters->setFields(trainingFields());
    m_schedule = new widgets::SchedulePreview(settings);
    m_schedule->setMinimumHeight(170);
    settingsLayout->addWidget(m_schedule);
    settingsLayout->addWidget(m_hyperparameters, 1);
    auto* training = new QDockWidget(tr("Training settings"), this);
    training->setObjectName("trainingDock");
    training->setWidget(scrolling(settings));

    for (QDockWidget* dock : {data, model, training}) {
        dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
        dock->setMinimumWidth(420);
        addDockWidget(Qt::LeftDockWidgetArea, dock);
    }
    tabifyDockWidget(data, model);
    tabifyDockWidget(model, training);
    data->raise();
    setTabPosition(Qt::LeftDockWidgetArea, QTabWidget::North);
    // Docks take their width once the window has its own (a saved state overrides this).
    QTimer::singleShot(0, this, [this, data] {
        if (!m_stateRestored) resizeDocks({data}, {440}, Qt::Horizontal);
    });
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(widgets::studioIcon("open"), tr("&Open Project…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a project"), {}, tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)openProject(path);
    });
    m_recent = new RecentProjects(file->addMenu(tr("Open &Recent")), this);
    connect(m_recent, &RecentProjects::openRequested, this, [this](const QString& path) { (void)openProject(path); });
    file->addAction(widgets::studioIcon("save"), tr("&Save Project"), QKeySequence::Save, this, [this] {
        QString path = m_projectPath;
        if (path.isEmpty())
            path = QFileDialog::getSaveFileName(this, tr("Save the project"), "project.json", tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)saveProject(path);
    });
    file->addAction(tr("Save Project &As…"), QKeySequence::SaveAs, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save the project"), "project.json", tr("Projects (*.json)"));
        if (!path.isEmpty()) (void)saveProject(path);
    });
    file->addSeparator();
    file->addAction(tr("&Load Model…"), QKeySequence(Qt::CTRL | Qt::Key_L), this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a trained model"), {}, tr("Models (*.tsmodel)"));
        if (!path.isEmpty()) (void)loadModel(path);
    });
    file->addAction(tr("Save &Model…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M), this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Save the trained model"), "model.tsmodel", tr("Models (*.tsmodel)"));
        if (!path.isEmpty()) saveModel(path);
    });
    auto* onnxExport = new OnnxExportController(this);   // File ▸ Export ▸ ONNX…: export + parity check
    file->addMenu(tr("E&xport"))->addAction(tr("&ONNX…"), this, [this, onnxExport] {
        const SnapshotPtr model = currentModel();
        std::shared_ptr<const DatasetBundle> data = m_bundle;
        if (model && model == m_training->snapshot() && m_training->lastSetup()) data = m_training->lastSetup()->data;
        onnxExport->askAndExport(model, data);
    });
    file->addAction(tr("Open S&tore…"), m_runs, &RunsController::askStore);
    file->addAction(tr("&Export Charts as PNG…"), this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export the charts"), "charts.png", tr("PNG images (*.png)"));
        if (path.isEmpty()) return;
        if (auto s = exportPng(findChild<QWidget*>("charts"), path); !s) return showError(errorText(s.error()));
        showInfo(tr("Exported the charts to %1").arg(path));
    });
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* undo = m_undo->createUndoAction(this, tr("&Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = m_undo->createRedoAction(this, tr("&Redo"));
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    QMenu* train = menuBar()->addMenu(tr("&Training"));
    m_startAction = train->addAction(widgets::studioIcon("start"), tr("&Start"), this, &MainWindow::startTraining);
    m_startAction->setShortcuts({QKeySequence(Qt::Key_F5), QKeySequence(Qt::CTRL | Qt::Key_Return)});
    m_pauseAction = train->addAction(widgets::studioIcon("pause"), tr("&Pause / Resume"), this, [this] {
        if (m_training->isPaused())
            m_training->resume();
        else
            m_training->pause();
    });
    m_pauseAction->setShortcut(QKeySequence(Qt::Key_F6));
    m_stopAction = train->addAction(widgets::studioIcon("stop"), tr("S&top"), this, [this] { m_training->stop(); });
    m_stopAction->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F5));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
    view->addSeparator();
    m_darkAction = view->addAction(tr("&Dark Theme"), this, [this](bool dark) { applyTheme(dark); });
    m_darkAction->setCheckable(true);
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
    connect(m_architectureController, &ArchitectureController::info, this, &MainWindow::showInfo);

    using widgets::TrainingControls;
    connect(m_controls, &TrainingControls::startRequested, this, &MainWindow::startTraining);
    connect(m_controls, &TrainingControls::pauseRequested, m_training, &TrainingController::pause);
    connect(m_controls, &TrainingControls::resumeRequested, m_training, &TrainingController::resume);
    connect(m_controls, &TrainingControls::stopRequested, m_training, &TrainingController::stop);
    connect(m_training, &TrainingController::stateChanged, this, &MainWindow::refreshStartState);
    connect(m_training, &TrainingController::runEnded, this, &MainWindow::onRunEnded);
    connect(m_training, &TrainingController::snapshotPublished, this,
            [this](SnapshotPtr s) { Q_EMIT currentModelChanged(std::move(s)); });
    connect(m_training, &TrainingController::runStarted, this, [this] { m_preferLoaded = false; });
    connect(this, &MainWindow::currentModelChanged, this, &MainWindow::onModelChanged);
    connect(this, &MainWindow::datasetChanged, this, &MainWindow::onModelChanged);
    connect(m_inference, &InferenceController::loadModelRequested, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Load a trained model"), {}, tr("Models (*.tsmodel)"));
        if (!path.isEmpty()) (void)loadModel(path);
    });
    connect(m_inference, &InferenceController::correctionRequested, this, &MainWindow::correctAndRetrain);
    connect(m_prepare, &QFutureWatcher<Result<StudioRun>>::finished, this, [this] {
        Result<StudioRun> prepared = m_prepare->result();
        const bool fineTuning = std::exchange(m_fineTuning, false);
        if (!prepared) {
            m_controls->setState(widgets::TrainingControls::State::Idle);
            showError(tr("Could not start: %1").arg(errorText(prepared.error())));
            refreshStartState();
            return;
        }
        TrainingSetup* setup = &prepared->setup;
        if (fineTuning) {  // the data now holds the corrected image: show it and keep it
            m_bundle = setup->data;
            m_datasetPanel->setBundle(m_bundle);
            const int added = m_bundle->pool.size() - 1;
            const int label = m_bundle->pool.label(added);
            m_log->appendLine(tr("Added the image to class “%1” (now %2 samples)")
                                  .arg(toQString(m_bundle->pool.classNames()[std::size_t(label)]))
                                  .arg(m_bundle->pool.classCounts()[std::size_t(label)]));
        }
        const ModelSpec& spec = setup->spec;
        const QString description =
            tr("%1%2 on %3: %4 epochs, %5, learning rate %6")
                .arg(fineTuning ? tr("Fine-tuning ") : QString(),
                     spec.name.empty() ? tr("custom model") : toQString(spec.name), toQString(setup->data->pool.name()))
                .arg(setup->config.epochs)
                .arg(toQString(setup->config.optimizer.kind))
                .arg(double(setup->config.schedule.baseLr), 0, 'g', 3);
        m_result->clear();
        if (!m_training->start(std::move(*setup), description, prepared->recorder)) refreshStartState();
        m_runs->refresh();
    });
}

// ---- the project -------------------------------------------------------------------------

void MainWindow::editProject(const Project& next, const QString& description) {
    if (next == m_project) return;
    m_undo->push(new ProjectEdit(this, m_project, next, description));
}

void MainWindow::applyProject(const Project& project) {
    m_project = project;
    m_datasetPanel->setSettings(project.settings);
    m_hyperparameters->setValues(project.settings);
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
        if (auto s = loadModel(path); !s) return showError(errorText(s.error()));
        showInfo(tr("Run %1's best model is the current model (Try it, Evaluation, Save)").arg(id));
    });
}

void MainWindow::setPreset(const QString& preset) {
    Project next = m_project;
    next.preset = preset;
    next.settings = withPresetSettings(next.settings, preset);  // its tuned epochs, rate, schedule
    if (m_bundle) {
        auto spec = presetSpec(toStdString(preset), m_bundle->pool.sampleShape(), m_bundle->pool.classCount());
        if (!spec) return showError(errorText(spec.error()));
        next.spec = spec->toJson();
    }
    editProject(next, tr("Use the %1 preset and its tuned training options").arg(preset));
}

ModelSpec MainWindow::currentSpec() const {
    const Shape input = m_bundle ? m_bundle->pool.sampleShape() : Shape{};
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
    else if (m_prepare->isRunning())
        reason = tr("Preparing the split…");
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
    m_startAction->setEnabled(reason.isEmpty() && !running);
    m_pauseAction->setEnabled(running);
    m_stopAction->setEnabled(running);
}

void MainWindow::requestDataset(const QString& nameOrPath) {
    if (nameOrPath == m_project.dataset && m_bundle) return;
    Project next = m_project;
    next.dataset = nameOrPath;
    editProject(next,
                tr("Use dataset %1")
                    .arg(QFileInfo(nameOrPath).fileName().isEmpty() ? nameOrPath : QFileInfo(nameOrPath).fileName()));
}

void MainWindow::reloadDataset() {
    DatasetOptions options;
    const QVariantMap& s = m_project.settings;
    options.seed = static_cast<std::uint64_t>(s.value("seed", 1).toLongLong());
    options.samples = s.value("samples", 0).toInt();
    if (QFileInfo(m_project.dataset).isDir()) {
        options.imageSize = s.value("image_size", 32).toInt();
        const QString channels = s.value("channels", "auto").toString();
        options.channels = channels == QLatin1String("gray") ? 1 : channels == QLatin1String("colour") ? 3 : 0;
    }
    options.threads = s.value("threads", 0).toInt();
    m_datasetPanel->showLoading(m_project.dataset);
    m_loader->load(m_project.dataset, options);
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
    // An earlier failure is no longer true; other errors (a failed run) stay until replaced.
    if (!m_datasetError.isEmpty() && m_controls->statusIsError() && m_controls->statusText() == m_datasetError)
        m_controls->setStatus({});
    m_datasetError.clear();
    for (const SkippedFile& f : m_bundle->skipped)
        m_log->appendLine(tr("Skipped %1: %2").arg(toQString(f.path), toQString(f.reason)), RunLog::Severity::Warning);
    showInfo(tr("Loaded %1").arg(toQString(m_bundle->description)));
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
    if (m_training->isRunning() || m_prepare->isRunning()) return;
    refreshStartState();
    if (!m_startBlocked.isEmpty()) {
        m_controls->setStatus(m_startBlocked, true);
        m_log->appendLine(tr("Cannot start: %1").arg(m_startBlocked), RunLog::Severity::Error);
        return;
    }
    m_controls->setStatus(tr("Preparing the split and normalization…"));
    m_prepare->setFuture(QtConcurrent::run(
        prepareRecordedRun, m_runs->storePath().toStdString(), m_bundle, m_project.dataset.toStdString(), currentSpec(),
        m_project.preset.isEmpty() ? std::string("custom") : m_project.preset.toStdString(),
        m_runs->withThreadBudget(m_project.settings)));
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
        m_result->setText(text);
    }
    refreshStartState();
}

QString MainWindow::resultText() const {
    return m_result->text();
}

SnapshotPtr MainWindow::currentModel() const {
    if (m_preferLoaded && m_loadedModel) return m_loadedModel;
    if (SnapshotPtr s = m_training->snapshot()) return s;
    return m_loadedModel;
}

void MainWindow::onModelChanged() {
    const SnapshotPtr model = currentModel();
    m_inference->setModel(model, model && model == m_training->snapshot() && m_training->isRunning());
    // A model from the run is scored on the run's data; a loaded one on the data shown.
    std::shared_ptr<const DatasetBundle> data = m_bundle;
    if (model && model == m_training->snapshot() && m_training->lastSetup()) data = m_training->lastSetup()->data;
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
    if (m_training->isRunning() || m_prepare->isRunning())
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
    m_fineTuning = true;
    m_controls->setStatus(tr("Preparing the fine-tuning…"));
    // Copying the dataset with the new sample (tens of MB for Fashion-MNIST) happens off the GUI thread.
    m_prepare->setFuture(QtConcurrent::run(
        [bundle = m_bundle, model, settings, correction = std::move(*correction)]() mutable -> Result<StudioRun> {
            auto setup = prepareFineTuning(bundle, model, settings, std::move(correction));
            if (!setup) return setup.error();
            return StudioRun{std::move(*setup), nullptr};
        }));
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
    m_projectPath = path;
    applyProject(*project);
    m_recent->add(path);
    setWindowTitle(tr("%1[*] — Training Studio").arg(QFileInfo(path).fileName()));
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
    auto snapshot = loadModelFile(toStdString(path));
    if (!snapshot) {
        showError(errorText(snapshot.error()));
        return snapshot.error();
    }
    m_loadedModel = std::make_shared<const ModelSnapshot>(std::move(*snapshot));
    m_preferLoaded = true;
    showInfo(tr("Loaded the model %1 (%2 classes, trained %3 epochs on %4)")
                 .arg(path)
                 .arg(m_loadedModel->classNames.size())
                 .arg(m_loadedModel->epoch)
                 .arg(toQString(m_loadedModel->datasetName)));
    Q_EMIT currentModelChanged(currentModel());
    return {};
}

void MainWindow::saveModel(const QString& path) {
    SnapshotPtr current = currentModel();
    if (!current) return showError(tr("There is no model to save yet: train one or load a model file first."));
    // Like the CLI, remember how the dataset was made so `evaluate` rebuilds the same test split.
    auto model = std::make_shared<ModelSnapshot>(*current);
    if (!model->metrics.contains("dataset_options") && current == m_training->snapshot()) {
        const QVariantMap& s = m_project.settings;
        model->metrics["dataset_options"] = {
            {"name", toStdString(m_bundleSource)},
            {"samples", s.value("samples", 0).toInt()},
            {"imageSize", QFileInfo(m_bundleSource).isDir() ? s.value("image_size", 32).toInt() : 0},
            {"seed", s.value("seed", 1).toLongLong()}};
    }
    auto* watcher = new QFutureWatcher<Status>(this);
    connect(watcher, &QFutureWatcher<Status>::finished, this, [this, watcher, path] {
        const Status s = watcher->result();
        watcher->deleteLater();
        if (!s)
            showError(errorText(s.error()));
        else
            showInfo(tr("Saved the model to %1").arg(path));
    });
    watcher->setFuture(QtConcurrent::run([model, path] { return saveModelFile(toStdString(path), *model); }));
}

void MainWindow::applyStartup(const StartupOptions& options) {
    m_inference->setCameraSource(options.camera);
    if (!options.project.isEmpty() && !openProject(options.project)) return;
    Project next = m_project;
    if (!options.dataset.isEmpty()) next.dataset = options.dataset;
    if (!options.model.isEmpty()) {
        const bool preset =
            presetNames().end() != std::find(presetNames().begin(), presetNames().end(), toStdString(options.model));
        if (preset) {
            next.preset = options.model;
            next.settings = withPresetSettings(next.settings, options.model);  // as the CLI trains it
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
    m_darkAction->setChecked(dark);
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

void MainWindow::closeEvent(QCloseEvent* event) {
    // Runs that still train are kept as interrupted, each with its last epoch's checkpoint.
    if (m_training->isRunning() && !m_training->stopAndWait(1500))
        m_log->appendLine(tr("The training did not stop in time; closing anyway."), RunLog::Severity::Warning);
    m_runs->stopAll(1500);
    saveSettings();
    event->accept();
}

}  // namespace studio::app
