// The studio's runs: Start records a run in the store; the Runs tab lists it, overlays checked
// runs and compares them; a sweep started from the window runs to its end and shows in the
// Sweep tab; closing mid-run leaves an interrupted run that a new window resumes; a restarted
// studio shows the old runs.

#include <QApplication>
#include <QComboBox>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "window_fixtures.h"
#include "tests/timing_limits.h"
#include "tests/postgres_fixture.h"

#include "app/gui/engine_conversions.h"
#include "app/gui/main_window.h"
#include "app/gui/run_catalog.h"
#include "app/gui/run_manager.h"
#include "app/gui/runs_controller.h"
#include "app/gui/training_controller.h"
#include "engine/train/option_schema.h"
#include "widgets/compare_view.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/runs_table.h"
#include "widgets/runs_table_model.h"
#include "widgets/sweep_view.h"

using namespace studio;
using namespace studio::app;

namespace {

constexpr int kTimeout = 120000;

// A quick setup on the built-in shapes set: 2 epochs on 1 thread.
void quickSetup(MainWindow& w, int epochs = 2) {
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
    setField(w.hyperparameterForm(), "epochs", epochs);
    setField(w.hyperparameterForm(), "threads", 1);
}

const RunRecord* findRun(RunsController* runs, qint64 id) {
    return runs->catalog()->run(id);
}

}  // namespace

class RunsWindowTest : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_runs_window");
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void theFormTheCliAndTheSchemaAgree() {
        // The settings form is generated from the schema: the same keys, defaults and ranges.
        QList<widgets::FieldSpec> fields = trainingFields() + dataFields();
        for (const OptionInfo& o : optionSchema()) {
            auto field = std::find_if(fields.begin(), fields.end(),
                                      [&](const widgets::FieldSpec& f) { return f.key.toStdString() == o.key; });
            QVERIFY2(field != fields.end(), o.key.c_str());
            if (!o.fallback.is_null()) QCOMPARE(toJson(field->defaultValue), o.fallback);
            if (o.isNumeric()) {
                QCOMPARE(field->min, o.min);
                QCOMPARE(field->max, std::min(o.max, 2147483647.0));
            }
        }
        // The CLI's flags and defaults come from the same table: `train --help` states each.
        QProcess cli;
        cli.start(qEnvironmentVariable("STUDIO_CLI"), {"train", "--help"});
        QVERIFY(cli.waitForFinished(10000));
        const QString help = QString::fromUtf8(cli.readAllStandardOutput()).simplified();  // wrapped lines joined
        for (const OptionInfo& o : optionSchema()) {
            const QString flag = QString::fromStdString(o.flag());
            QVERIFY2(help.contains(flag + " "), qPrintable(flag));
            if (o.fallback.is_number_integer())
                QVERIFY2(help.contains(QString("(default %1").arg(o.fallback.get<long long>())), qPrintable(flag));
        }
        // And a project's settings become the same config as the CLI's defaults.
        QCOMPARE(trainConfigFrom(defaultSettings())->toJson(),
                 trainConfigFromOptions(nlohmann::json::object())->toJson());
    }

    void startRecordsARunAndTheTableShowsIt() {
        MainWindow w;
        w.show();
        quickSetup(w);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->isRunning(), 20000);
        const qint64 id = w.trainingController()->recordedRunId();
        QVERIFY(id > 0);
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTimeout);
        RunsController* runs = w.runsController();
        QTRY_VERIFY_WITH_TIMEOUT(findRun(runs, id) && findRun(runs, id)->status == RunStatus::Finished &&
                                     !findRun(runs, id)->bestModelPath.empty(),
                                 10000);
        const RunRecord* r = findRun(runs, id);
        QCOMPARE(r->epochsDone, 2);
        QCOMPARE(r->options["epochs"].get<int>(), 2);
        QCOMPARE(r->dataset["source"].get<std::string>(), std::string("shapes"));
        // The run's recorded validation accuracy is the one the window showed.
        QCOMPARE(r->bestValAccuracy, w.trainingController()->finished()->validationAccuracy);
        QTRY_VERIFY(runs->runsTable()->runsModel()->rowCount() >= 1);
    }

    void editingTheLearningRateMidRunIsRecorded() {
        MainWindow w;
        w.show();
        quickSetup(w, 3);
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.runLog()->plainText().contains("epoch 1/3"), kTimeout);
        const qint64 id = w.trainingController()->recordedRunId();
        setField(w.hyperparameterForm(), "lr", 0.002);  // the run is still training
        QTRY_VERIFY_WITH_TIMEOUT(w.runLog()->plainText().contains("Changed Learning rate = 0.002"), 10000);
        QCOMPARE(w.lossChart()->markerPositions().size(), 1);  // marked where it took effect
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTimeout);
        auto store = openRunStore(w.runsController()->storePath().toStdString());
        QVERIFY(store.ok());
        QTRY_VERIFY_WITH_TIMEOUT((*store)->edits(id)->size() == 1, 10000);
        const OptionEdit edit = (*store)->edits(id)->front();
        QCOMPARE(edit.key, std::string("lr"));
        QCOMPARE(edit.value.get<double>(), 0.002);
        QVERIFY(edit.step > 0);
    }

    void overlayAndCompareShowTheDifference() {
        MainWindow w;
        w.show();
        quickSetup(w);
        setField(w.hyperparameterForm(), "lr", 0.005);  // the previous run has the preset's rate
        w.startTraining();
        QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->finished().has_value(), kTimeout);
        RunsController* runs = w.runsController();
        QTRY_VERIFY_WITH_TIMEOUT(runs->catalog()->snapshot().runs.size() >= 2, 10000);
        const auto& all = runs->catalog()->snapshot().runs;
        const qint64 a = all[all.size() - 2].id, b = all.back().id;
        runs->apply(widgets::RunAction::Compare, {a, b});
        QCOMPARE(runs->runsTable()->checkedRunIds().size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(runs->compareView()->table()->columnCount() >= 2, true, 10000);
        const int lrRow = runs->compareView()->optionRow("lr");
        QVERIFY(lrRow >= 0);
        QVERIFY(runs->compareView()->isRowDifferent(lrRow));
        QVERIFY(!runs->compareView()->isRowDifferent(runs->compareView()->optionRow("batch_size")));
        // Both runs' curves are overlaid: train dashed, validation solid.
        QTRY_VERIFY_WITH_TIMEOUT(runs->compareView()->lossChart()->pointCount(
                                     widgets::CompareView::seriesId(a, "valLoss")) == findRun(runs, a)->epochsDone,
                                 10000);
        QVERIFY(runs->compareView()->lossChart()->isSeriesDashed(widgets::CompareView::seriesId(b, "trainLoss")));
        QVERIFY(!runs->compareView()->lossChart()->isSeriesDashed(widgets::CompareView::seriesId(b, "valLoss")));
    }

    void sweepFromTheWindowRunsToItsEnd() {
        MainWindow w;
        w.show();
        quickSetup(w, 1);
        RunsController* runs = w.runsController();
        QSignalSpy ended(runs->manager(), &RunManager::sweepEnded);
        runs->startSweep(R"({"lr": [0.001, 0.004]})", "grid", 0, 1, 1, 3, 2);
        QVERIFY(ended.wait(kTimeout));
        QVERIFY2(ended.front().at(3).toBool(), qPrintable(ended.front().at(2).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!runs->sweepView()->isEmptyStateShown() &&
                                     runs->sweepView()->summaryText().startsWith("2 of 2 trials done"),
                                 10000);
        const qint64 sweepId = ended.front().at(0).toLongLong();
        int trials = 0;
        for (const auto& r : runs->catalog()->snapshot().runs)
            if (r.sweepId == sweepId) {
                ++trials;
                QCOMPARE(r.status, RunStatus::Finished);
            }
        QCOMPARE(trials, 2);
    }

    void aSweepRunByWorkersShowsLive() {
        // A PostgreSQL store whose sweep workers (other processes, as on other machines) train:
        // the studio opens it and follows the trials live, with the host of each.
        REQUIRE_POSTGRES();
        const QString url = freshPostgresUrl();
        QProcess enqueue;
        enqueue.start(qEnvironmentVariable("STUDIO_CLI"),
                      {"sweep", "--store", url, "--dataset", "shapes", "--model", "lenet", "--samples", "3000",
                       "--epochs", "4", "--strategy", "grid", "--enqueue-only", "--space", R"({"lr": [0.001, 0.003, 0.01]})"});
        QVERIFY(enqueue.waitForFinished(60000));
        QCOMPARE(enqueue.exitCode(), 0);

        MainWindow w;
        w.show();
        RunsController* runs = w.runsController();
        runs->openStore(url);
        QVERIFY(!QSettings().value("runs/store").toString().contains("studio-test"));  // no password saved
        QTRY_COMPARE_WITH_TIMEOUT(runs->runsTable()->runsModel()->rowCount(), 3, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(!runs->sweepView()->isEmptyStateShown(), 20000);
        QVERIFY2(runs->sweepView()->summaryText().startsWith("0 of 3 trials done"),
                 qPrintable(runs->sweepView()->summaryText()));
        // The workers run it, not this window: no Stop button that would do nothing.
        QPushButton* stop = nullptr;
        for (QPushButton* b : runs->sweepView()->findChildren<QPushButton*>())
            if (b->text() == "Stop sweep") stop = b;
        QVERIFY(stop && !stop->isEnabled());

        QObject owner;
        std::vector<QProcess*> workers;
        for (int i = 0; i < 2; ++i) {
            workers.push_back(new QProcess(&owner));
            workers.back()->start(qEnvironmentVariable("STUDIO_CLI"), {"worker", "--store", url, "--threads", "1"});
        }
        // Live: a trial shows as running, on this machine, while the workers train.
        widgets::RunsTableModel* model = runs->runsTable()->runsModel();
        const int hostColumn = model->column(widgets::RunsTableModel::HostColumn);
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int row = 0; row < model->rowCount(); ++row)
                    if (model->data(model->index(row, widgets::RunsTableModel::StatusColumn)).toString() == "running")
                        return model->data(model->index(row, hostColumn)).toString() ==
                               QString::fromStdString(hostName());
                return false;
            }(),
            kTimeout);
        for (QProcess* p : workers) QVERIFY(p->waitForFinished(kTimeout));
        QTRY_VERIFY_WITH_TIMEOUT(runs->sweepView()->summaryText().startsWith("3 of 3 trials done"), 20000);
        for (int row = 0; row < model->rowCount(); ++row)
            QVERIFY(model->data(model->index(row, widgets::RunsTableModel::StatusColumn)).toString().startsWith("finished"));
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void guiStaysResponsiveWhileFourRunsTrain() {
        MainWindow w;
        w.show();
        quickSetup(w, 2);
        RunsController* runs = w.runsController();
        QSignalSpy ended(runs->manager(), &RunManager::sweepEnded);
        runs->startSweep(R"({"lr": [0.001, 0.0015, 0.002, 0.003]})", "grid", 0, 2, 1, 3, 4);
        // A 10 ms timer on the GUI thread: the longest gap between its ticks is the longest stall.
        QElapsedTimer clock;
        clock.start();
        qint64 last = 0, worst = 0, ticks = 0;
        QTimer timer;
        timer.setInterval(10);
        connect(&timer, &QTimer::timeout, [&] {
            const qint64 now = clock.elapsed();
            if (ticks++ > 0) worst = std::max(worst, now - last);
            last = now;
        });
        timer.start();
        QVERIFY(ended.wait(kTimeout));
        timer.stop();
        qInfo("longest GUI stall while 4 runs trained: %lld ms over %lld ticks", worst, ticks);
        QVERIFY2(worst <= timeLimitMs(50), qPrintable(QString::number(worst)));
        QVERIFY(ended.front().at(3).toBool());
    }

    void closingMidRunLeavesAResumableRun() {
        qint64 id = 0;
        {
            MainWindow w;
            w.show();
            quickSetup(w, 3);
            w.startTraining();
            QTRY_VERIFY_WITH_TIMEOUT(w.runLog()->plainText().contains("epoch 1/3"), kTimeout);
            id = w.trainingController()->recordedRunId();
            QElapsedTimer t;
            t.start();
            answerNextQuestionWithDefault();  // "Quit while training?": Stop and Quit keeps the run
            QVERIFY(w.close());
            QVERIFY2(t.elapsed() < timeLimitMs(2000), qPrintable(QString::number(t.elapsed())));
        }
        // A new window (the studio restarted) shows it interrupted, and resumes it to the end.
        MainWindow again;
        again.show();
        RunsController* runs = again.runsController();
        QTRY_VERIFY_WITH_TIMEOUT(findRun(runs, id) != nullptr, 10000);
        QCOMPARE(findRun(runs, id)->status, RunStatus::Interrupted);
        QVERIFY(findRun(runs, id)->epochsDone >= 1);
        runs->apply(widgets::RunAction::Resume, {id});
        QTRY_VERIFY_WITH_TIMEOUT(findRun(runs, id) && findRun(runs, id)->status == RunStatus::Finished, kTimeout);
        QCOMPARE(findRun(runs, id)->epochsDone, 3);
        // Every run of this test file is still listed by the restarted studio.
        QVERIFY(runs->catalog()->snapshot().runs.size() >= 5);
    }
};

QTEST_MAIN(RunsWindowTest)
#include "tst_runs_window.moc"
