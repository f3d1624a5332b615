#include "app/gui/runs_controller.h"

#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <filesystem>

#include "app/gui/engine_conversions.h"
#include "app/gui/run_catalog.h"
#include "app/gui/run_conversions.h"
#include "app/gui/run_manager.h"
#include "app/gui/training_controller.h"
#include "engine/core/parallel.h"
#include "engine/io/atomic_file.h"
#include "engine/store/runs_csv.h"
#include "engine/train/option_schema.h"
#include "engine/train/search_space.h"
#include "widgets/compare_view.h"
#include "widgets/run_log.h"
#include "widgets/runs_table.h"
#include "widgets/sweep_view.h"

namespace studio::app {

using widgets::RunAction;

namespace {

const char* kExampleSpace = R"({"lr": {"log_uniform": [0.0001, 0.01]}, "batch_size": [32, 64, 128]})";

// "lr=0.0005 epochs=20" → {"lr": 0.0005, "epochs": 20}, checked against the schema.
Result<nlohmann::json> parseChanges(const QString& text) {
    nlohmann::json changes = nlohmann::json::object();
    for (const QString& word : text.split(QRegularExpression("[\\s,;]+"), Qt::SkipEmptyParts)) {
        const int eq = word.indexOf('=');
        if (eq <= 0)
            return Error::invalid(QObject::tr("'%1' is not key=value.").arg(word).toStdString(),
                                  "For example: lr=0.0005 epochs=20");
        const OptionInfo* o = findOption(word.left(eq).toStdString());
        if (!o)
            return Error::invalid(QObject::tr("Unknown option '%1'.").arg(word.left(eq)).toStdString(),
                                  "For example: lr=0.0005");
        auto value = parseOptionText(*o, word.mid(eq + 1).toStdString());
        if (!value) return value.error();
        STUDIO_TRY(checkOption(*o, *value));
        changes[o->key] = *value;
    }
    return changes;
}

}  // namespace

RunsController::RunsController(QWidget* window)
    : QObject(window), m_window(window), m_catalog(new RunCatalog(this)), m_manager(new RunManager(this)) {
    buildRunsTab();
    buildSweepTab();
    connect(m_catalog, &RunCatalog::changed, this, &RunsController::onCatalogChanged);
    connect(m_catalog, &RunCatalog::storeFailed, this, [this](const QString& m) { Q_EMIT logLine(m, true); });
    connect(m_manager, &RunManager::progress, m_catalog, &RunCatalog::refresh);
    connect(m_manager, &RunManager::runEnded, this, [this](qint64, const QString& message, bool ok) {
        Q_EMIT logLine(message, !ok);
        m_catalog->refresh();
    });
    connect(m_manager, &RunManager::sweepEvent, this, [this](const QString& line) { Q_EMIT logLine(line, false); });
    connect(m_manager, &RunManager::sweepEnded, this, [this](qint64, qint64, const QString& message, bool ok) {
        Q_EMIT logLine(message, !ok);
        m_catalog->refresh();
    });
}

void RunsController::attach(TrainingController* training, widgets::RunLog* log) {
    m_training = training;
    connect(this, &RunsController::logLine, log, [log](const QString& text, bool error) {
        log->appendLine(text, error ? widgets::RunLog::Severity::Error : widgets::RunLog::Severity::Info);
    });
    connect(training, &TrainingController::runStarted, m_catalog, &RunCatalog::refresh);
    // While the window's run trains, background runs queued meanwhile share only the cores it leaves.
    connect(training, &TrainingController::runStarted, this, [this] {
        m_manager->setReservedThreads(m_training->lastSetup() ? std::max(1, m_training->lastSetup()->config.threads)
                                                              : 0);
    });
    connect(training, &TrainingController::runEnded, this, [this] { m_manager->setReservedThreads(0); });
    // The record is complete (best model written): show it, and reopen its model next time.
    connect(training, &TrainingController::recordingClosed, this, [this] {
        if (m_training->recordedRunId() && m_training->finished()) remember(m_training->recordedRunId());
        m_catalog->refresh();
    });
}

QVariantMap RunsController::withThreadBudget(QVariantMap settings) const {
    if (settings.value("threads", 0).toInt() == 0) settings["threads"] = m_manager->freeThreads();
    return settings;
}

qint64 RunsController::visibleRun() const {
    return m_training && m_training->isRunning() ? m_training->recordedRunId() : 0;
}

void RunsController::remember(qint64 currentRun) {
    QSettings().setValue("runs/current", currentRun);
}

RunsController::~RunsController() {
    m_manager->stopAll(3000);
}

QString RunsController::storePath() const {
    return m_catalog->storePath();
}

void RunsController::setStorePath(const QString& path) {
    m_catalog->setStorePath(path);
    m_manager->setStorePath(path);
    const QString shown = toQString(redactedStoreLocation(path.toStdString()));
    m_storeLabel->setText(tr("Run store: %1").arg(shown));
    m_storeLabel->setToolTip(shown);
}

void RunsController::askStore() {
    bool ok = false;
    const QString current = toQString(redactedStoreLocation(storePath().toStdString()));
    const QString location =
        QInputDialog::getText(m_window, tr("Open Run Store"),
                              tr("A SQLite file, or a PostgreSQL server that workers on other machines share:\n"
                                 "  /home/me/runs.sqlite\n"
                                 "  postgresql://user@host:5432/database\n"
                                 "The password comes from ~/.pgpass or a service file; the studio never saves it."),
                              QLineEdit::Normal, current, &ok)
            .trimmed();
    if (!ok || location.isEmpty()) return;
    openStore(location);
}

void RunsController::openStore(const QString& location) {
    setStorePath(location);
    // Remembered without a password (a URL typed with one works for this session only).
    const QString remembered = toQString(redactedStoreLocation(location.toStdString()));
    QSettings().setValue("runs/store", remembered);
    if (remembered != location)
        Q_EMIT logLine(tr("The store's password is used for this session only and is not saved: put it in "
                          "~/.pgpass (host:port:database:user:password, mode 0600) for next time."),
                       false);
}

void RunsController::refresh() {
    m_catalog->refresh();
}

bool RunsController::stopAll(int timeoutMs) {
    return m_manager->stopAll(timeoutMs);
}

void RunsController::buildRunsTab() {
    m_runsTab = new QWidget;
    auto* layout = new QVBoxLayout(m_runsTab);
    auto* bar = new QHBoxLayout;
    m_storeLabel = new QLabel;
    m_storeLabel->setTextFormat(Qt::PlainText);
    m_storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(m_storeLabel, 1);
    bar->addWidget(new QLabel(tr("Runs at once:")));
    m_concurrency = new QSpinBox;
    m_concurrency->setRange(1, 16);
    m_concurrency->setToolTip(
        tr("Background runs (resumed, forked) that train at the same time; the cores are "
           "divided among them and the rest wait."));
    connect(m_concurrency, &QSpinBox::valueChanged, this, [this](int n) { m_manager->setConcurrency(n); });
    bar->addWidget(m_concurrency);
    layout->addLayout(bar);

    auto* split = new QSplitter(Qt::Vertical);
    m_table = new widgets::RunsTable;
    m_table->setOptionColumns(optionColumns());
    m_compare = new widgets::CompareView;
    m_compare->setOptionColumns(optionColumns());
    // Until runs are checked, a sentence says how to compare them instead of empty charts.
    m_comparePages = new QStackedWidget;
    auto* hint =
        new QLabel(tr("Tick the Show box of one or more runs to overlay their curves and compare their "
                      "options here (or select runs and choose Compare from the right-click menu)."));
    hint->setWordWrap(true);
    hint->setAlignment(Qt::AlignCenter);
    hint->setEnabled(false);
    m_comparePages->addWidget(hint);
    m_comparePages->addWidget(m_compare);
    split->addWidget(m_table);
    split->addWidget(m_comparePages);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    layout->addWidget(split, 1);

    connect(m_table, &widgets::RunsTable::overlayChanged, this, [this](const QList<qint64>& ids) {
        m_catalog->setCurveRuns(std::vector<std::int64_t>(ids.begin(), ids.end()));
    });
    connect(m_table, &widgets::RunsTable::actionRequested, this, &RunsController::apply);
    connect(m_table, &widgets::RunsTable::forkRequested, this, &RunsController::fork);
    connect(m_table, &widgets::RunsTable::renameRequested, this, [this](qint64 id, const QString& name) {
        const std::string text = name.toStdString();
        m_catalog->modify([id, text](RunStore& s) -> Status {
            auto r = s.run(id);
            if (!r) return r.error();
            r->name = text;
            return s.updateRun(*r);
        });
    });
}

void RunsController::buildSweepTab() {
    m_sweepTab = new QWidget;
    auto* layout = new QVBoxLayout(m_sweepTab);
    auto* bar = new QHBoxLayout;
    auto* start = new QPushButton(tr("New Sweep…"));
    start->setToolTip(tr("Train many runs of the current data, model and settings over a search space."));
    connect(start, &QPushButton::clicked, this, &RunsController::askSweep);
    bar->addWidget(start);
    bar->addStretch(1);
    layout->addLayout(bar);
    m_sweepView = new widgets::SweepView;
    // Its plots need about 630 px of height: on a 700-px screen they scroll instead of making the
    // window taller than the screen.
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_sweepView);
    layout->addWidget(scroll, 1);
    connect(m_sweepView, &widgets::SweepView::stopRequested, m_manager, &RunManager::stopSweep);
    connect(m_sweepView, &widgets::SweepView::promoteRequested, this,
            [this](qint64 id) { apply(RunAction::Promote, {id}); });
    connect(m_sweepView, &widgets::SweepView::runClicked, this, [this](qint64 id) {
        for (qint64 other : m_table->checkedRunIds()) m_table->setChecked(other, false);
        m_table->setChecked(id, true);
    });
}

void RunsController::onCatalogChanged() {
    const RunCatalogSnapshot& snap = m_catalog->snapshot();
    if (!std::exchange(m_reopened, true))  // the model that was current when the studio closed
        if (const RunRecord* r = m_catalog->run(QSettings().value("runs/current", 0).toLongLong()))
            if (!r->bestModelPath.empty() && std::filesystem::exists(r->bestModelPath))
                Q_EMIT promoteRequested(r->id, toQString(r->bestModelPath), true);
    QList<widgets::RunRow> rows;
    for (const RunRecord& r : snap.runs) rows.append(runRow(r));
    m_table->setRuns(rows);
    QList<widgets::CompareRun> compared;
    for (qint64 id : m_table->checkedRunIds())
        if (const RunRecord* r = m_catalog->run(id)) {
            auto curves = snap.curves.find(id);
            compared.append(compareRun(*r, curves == snap.curves.end() ? std::vector<EpochRecord>{} : curves->second));
        }
    m_compare->setRuns(compared);
    m_comparePages->setCurrentWidget(compared.isEmpty() ? m_comparePages->widget(0) : m_compare);
    showSweep();
}

void RunsController::showSweep() {
    const RunCatalogSnapshot& snap = m_catalog->snapshot();
    if (snap.sweeps.empty()) return m_sweepView->clear();
    const SweepRecord& sweep = snap.sweeps.back();  // the newest
    std::vector<RunRecord> trials;
    for (const RunRecord& r : snap.runs)
        if (r.sweepId == sweep.id) trials.push_back(r);
    SweepViewData d = sweepViewData(sweep, trials, snap.curves);
    // Workers (other processes, other machines) train it: this window cannot stop it, so it
    // says who does instead of offering a Stop that would do nothing.
    const bool byWorkers = std::any_of(trials.begin(), trials.end(), [](const RunRecord& r) { return r.forWorkers; });
    if (byWorkers && (d.summary.status == "running" || d.summary.status == "queued"))
        d.summary.status += tr(" by workers");
    m_sweepView->setSummary(d.summary);
    if (m_shownSweep != sweep.id) {  // new axes clear the brushes: only for another sweep
        m_sweepView->setAxes(d.axes);
        m_sweepView->setScatterDimensions(d.scatterX, d.scatterY);
    }
    m_shownSweep = sweep.id;
    m_sweepView->setLines(d.lines);
    m_sweepView->setScatterPoints(d.points);
    // The running trials' validation curves: their epochs are read with the next refresh.
    std::vector<std::int64_t> curveRuns;
    for (qint64 id : m_table->checkedRunIds()) curveRuns.push_back(id);
    QList<widgets::SweepTrialCurve> running;
    for (const RunRecord& r : trials) {
        curveRuns.push_back(r.id);  // every trial's epochs: the rungs rank by them
        if (r.status != RunStatus::Running && r.status != RunStatus::Paused) continue;  // not queued ones
        widgets::SweepTrialCurve c{r.id, toQString(r.name), QColor(toQString(r.color)), {}};
        if (auto it = snap.curves.find(r.id); it != snap.curves.end())
            for (const EpochRecord& e : it->second)
                if (std::isfinite(e.valAccuracy)) c.valAccuracy.append({double(e.epoch), e.valAccuracy});
        running.append(c);
    }
    m_sweepView->setRunningCurves(running);
    std::sort(curveRuns.begin(), curveRuns.end());
    curveRuns.erase(std::unique(curveRuns.begin(), curveRuns.end()), curveRuns.end());
    m_catalog->setCurveRuns(curveRuns);
}

void RunsController::apply(RunAction action, const QList<qint64>& ids) {
    switch (action) {
        case RunAction::Stop:
        case RunAction::Pause:
            for (qint64 id : ids) {
                const bool own = id == visibleRun();
                if (action == RunAction::Stop)
                    own ? m_training->stop() : m_manager->stop(id);
                else
                    own ? m_training->pause() : m_manager->pause(id);
            }
            break;
        case RunAction::Resume:
            for (qint64 id : ids) {
                if (id == visibleRun())
                    m_training->resume();
                else if (m_manager->manages(id))
                    m_manager->resumePaused(id);
                else
                    m_manager->resume(id);
            }
            break;
        case RunAction::TrainMore:
            for (qint64 id : ids) trainMore(id);
            break;
        case RunAction::Fork:
            if (!ids.isEmpty())
                if (const RunRecord* r = m_catalog->run(ids.front())) fork(r->id, r->epochsDone);
            break;
        case RunAction::Rename:
            if (!ids.isEmpty()) {
                const RunRecord* r = m_catalog->run(ids.front());
                bool ok = false;
                const QString name = QInputDialog::getText(m_window, tr("Rename Run"), tr("Name:"), QLineEdit::Normal,
                                                           r ? toQString(r->name) : QString(), &ok);
                if (ok && !name.trimmed().isEmpty()) Q_EMIT m_table->renameRequested(ids.front(), name.trimmed());
            }
            break;
        case RunAction::Delete: {
            const std::vector<std::int64_t> doomed(ids.begin(), ids.end());
            m_catalog->modify(
                [doomed](RunStore& s) -> Status {
                    for (std::int64_t id : doomed) {
                        STUDIO_TRY(s.deleteRun(id));
                        std::error_code ec;
                        std::filesystem::remove_all(s.runFolder(id), ec);
                    }
                    return Status::success();
                },
                [this, n = ids.size()](Status s) {
                    Q_EMIT logLine(s ? tr("Deleted %n run(s) and their files", nullptr, int(n)) : errorText(s.error()),
                                   !s);
                });
            break;
        }
        case RunAction::Compare:
            for (qint64 other : m_table->checkedRunIds()) m_table->setChecked(other, false);
            for (qint64 id : ids) m_table->setChecked(id, true);
            break;
        case RunAction::ExportCsv: {
            const QString path =
                QFileDialog::getSaveFileName(m_window, tr("Export Runs as CSV"), "runs.csv", tr("CSV files (*.csv)"));
            if (path.isEmpty()) break;
            m_catalog->modify(
                [target = path.toStdString()](RunStore& s) -> Status {
                    auto runs = s.runs();
                    if (!runs) return runs.error();
                    const std::string csv = runsCsv(*runs);
                    return writeFileAtomically(target, std::vector<std::uint8_t>(csv.begin(), csv.end()),
                                               "the runs table");
                },
                [this, path](Status s) {
                    Q_EMIT logLine(s ? tr("Exported the runs to %1").arg(path) : errorText(s.error()), !s);
                });
            break;
        }
        case RunAction::Promote:
            if (!ids.isEmpty()) {
                const RunRecord* r = m_catalog->run(ids.front());
                if (!r || r->bestModelPath.empty())
                    Q_EMIT logLine(
                        tr("Run %1 has no saved model yet: it is written when the run ends.").arg(ids.front()), true);
                else {
                    // A run trained on another machine: its model comes from the store (worker thread).
                    const std::int64_t id = r->id;
                    const std::string recorded = r->bestModelPath;
                    auto local = std::make_shared<std::string>();
                    m_catalog->modify(
                        [id, recorded, local](RunStore& s) -> Status {
                            auto path = s.localFile(id, recorded);
                            if (!path) return path.error();
                            *local = *path;
                            return Status::success();
                        },
                        [this, id, local](Status s) {
                            if (!s) return Q_EMIT logLine(errorText(s.error()), true);
                            remember(id);
                            Q_EMIT promoteRequested(id, toQString(*local), false);
                        });
                }
            }
            break;
    }
}

void RunsController::trainMore(qint64 id) {
    const RunRecord* r = m_catalog->run(id);
    if (!r) return;
    bool ok = false;
    const int epochs =
        QInputDialog::getInt(m_window, tr("Train More"), tr("Train run %1 to how many epochs in all?").arg(id),
                             r->epochsDone + 5, r->epochsDone + 1, 100000, 1, &ok);
    if (ok) m_manager->resume(id, epochs);
}

void RunsController::fork(qint64 id, int epoch) {
    const RunRecord* r = m_catalog->run(id);
    if (!r) return;
    bool ok = false;
    const double lr = r->options.value("lr", 0.001);
    const QString text = QInputDialog::getText(
        m_window, tr("Fork Run %1 from Epoch %2").arg(id).arg(epoch),
        tr("Options to change (key=value, e.g. lr, epochs, schedule, dropout, weight_decay, aug_shift):"),
        QLineEdit::Normal, QString("lr=%1 epochs=%2").arg(lr / 2).arg(std::max(r->epochsPlanned, epoch + 1)), &ok);
    if (!ok) return;
    auto changes = parseChanges(text);
    if (!changes) return Q_EMIT logLine(errorText(changes.error()), true);
    m_manager->fork(id, epoch, *changes);
    Q_EMIT logLine(tr("Forking run %1 after epoch %2 with %3").arg(id).arg(epoch).arg(text), false);
}

void RunsController::askSweep() {
    QDialog dialog(m_window);
    dialog.setWindowTitle(tr("New Sweep"));
    auto* form = new QFormLayout(&dialog);
    auto* space = new QPlainTextEdit(kExampleSpace);
    space->setToolTip(
        tr("Options to vary: lists of values, or {\"uniform\"|\"log_uniform\"|\"int_uniform\": [low, "
           "high]}; \"model\": [presets]."));
    auto* strategy = new QComboBox;
    strategy->addItems({"random", "grid", "asha"});
    auto* trials = new QSpinBox;
    trials->setRange(1, 1000);
    trials->setValue(9);
    const SweepBase base = m_sweepBase ? m_sweepBase() : SweepBase{};
    auto* epochs = new QSpinBox;
    epochs->setRange(1, 100000);
    epochs->setValue(base.settings.value("epochs", 10).toInt());
    auto* minEpochs = new QSpinBox;
    minEpochs->setRange(1, 100000);
    minEpochs->setValue(1);
    auto* eta = new QSpinBox;
    eta->setRange(2, 10);
    eta->setValue(3);
    auto* concurrency = new QSpinBox;
    concurrency->setRange(1, 64);
    concurrency->setValue(std::max(1, ThreadPool::hardwareThreads()));
    form->addRow(tr("Search space (JSON):"), space);
    form->addRow(tr("Strategy:"), strategy);
    form->addRow(tr("Trials:"), trials);
    form->addRow(tr("Epochs per trial:"), epochs);
    form->addRow(tr("First rung (asha):"), minEpochs);
    form->addRow(tr("Keep 1 in (asha η):"), eta);
    form->addRow(tr("Runs at once:"), concurrency);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted) return;
    startSweep(space->toPlainText(), strategy->currentText(), trials->value(), epochs->value(), minEpochs->value(),
               eta->value(), concurrency->value());
}

void RunsController::startSweep(const QString& spaceJson, const QString& strategy, int trials, int epochs,
                                int minEpochs, int eta, int concurrency) {
    auto space = SearchSpace::fromText(spaceJson.toStdString());
    if (!space) return Q_EMIT logLine(tr("Sweep: %1").arg(errorText(space.error())), true);
    const SweepBase base = m_sweepBase ? m_sweepBase() : SweepBase{};
    SweepRequest request;
    request.dataset = base.dataset.toStdString();
    request.model = base.modelLabel.toStdString();
    request.spec = base.spec;
    request.baseOptions = optionsFrom(base.settings);
    request.baseOptions.erase("threads");
    request.space = space->toJson();
    request.strategy = strategy.toStdString();
    request.trials = strategy == QLatin1String("grid") ? 0 : trials;
    request.epochs = epochs;
    request.minEpochs = minEpochs;
    request.eta = eta;
    request.concurrency = concurrency;
    request.seed = request.baseOptions.value("seed", 1ull);
    m_manager->startSweep(std::move(request));
    Q_EMIT logLine(tr("Started a %1 sweep over %2").arg(strategy, spaceJson.simplified()), false);
}

}  // namespace studio::app
