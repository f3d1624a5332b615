// The Training tab's layer health and doctor, end to end offscreen: real runs feed the small
// multiples and the ridge plot through TrainingController, an overfitting run shades the loss
// chart from the epoch it began and lists the alert, a stalled run puts a marker on the loss
// chart, and clicking an alert zooms the loss chart to it or shows the layer it names.
// Screenshots go to $STUDIO_SCREENSHOT_DIR when set.

#include <QtTest>

#include <QDir>
#include <QListWidget>
#include <QTabWidget>
#include <QTemporaryDir>

#include "app/gui/training_controller.h"
#include "app/gui/training_doctor_controller.h"
#include "engine/data/synthetic.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "widgets/layer_health_view.h"
#include "widgets/live_chart.h"
#include "widgets/training_alert_list.h"
#include "widgets/training_view.h"

using namespace studio;
using namespace studio::app;

namespace {

std::shared_ptr<const DatasetBundle> generated(const std::string& name, int samples) {
    auto bundle = generateDataset(name, 7, samples);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::make_shared<const DatasetBundle>(std::move(*bundle));
}

TrainingSetup setupFor(const std::shared_ptr<const DatasetBundle>& data, const nlohmann::json& options) {
    auto config = trainConfigFromOptions(withPresetOptions("mlp", options));
    if (!config) qFatal("%s", config.error().what().c_str());
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config->validationFraction, config->testFraction, config->seed);
    auto spec = presetSpec("mlp", data->pool.sampleShape(), data->pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    setup.spec = *spec;
    setup.config = *config;
    return setup;
}

struct Tab {
    widgets::TrainingView view;
    TrainingController training{TrainingViews{view.controls(), view.lossChart(), view.accuracyChart(),
                                              view.learningRateChart(), view.log()}};
    TrainingDoctorController doctor{&training, &view};

    void runToEnd(TrainingSetup setup) {
        QVERIFY(training.start(std::move(setup), "doctor test").ok());
        QTRY_VERIFY_WITH_TIMEOUT(!training.isRunning(), 120000);
        training.drainEvents();
    }
    QTabWidget* chartTabs() { return view.findChild<QTabWidget*>("chartTabs"); }
    QTabWidget* logTabs() { return view.findChild<QTabWidget*>("logTabs"); }
};

void screenshot(QWidget& w, const QString& name) {
    QTemporaryDir temp;
    const QString dir = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR", temp.path());
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(w.grab().toImage().save(dir + "/" + name + ".png"));
}

}  // namespace

class TrainingDoctorViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void layerHealthFillsDuringARun() {
        Tab tab;
        tab.view.resize(1100, 700);
        tab.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab.view));
        tab.runToEnd(setupFor(generated("circles", 1000), {{"epochs", 6}, {"health_every", 4}}));
        QVERIFY(tab.training.finished().has_value());
        widgets::LayerHealthView* health = tab.view.layerHealth();
        QCOMPARE(health->grid()->layers(), (QStringList{"dense1", "dense2", "dense3"}));
        // 800 training samples / 64 = 13 steps an epoch: every 4th step and each epoch's last.
        const int perEpoch = tab.training.stepsPerEpoch();
        QCOMPARE(perEpoch, 13);
        int expected = 0;
        for (int s = 1; s <= 6 * perEpoch; ++s) expected += (s % 4 == 0 || s % perEpoch == 0) ? 1 : 0;
        QCOMPARE(health->grid()->sampleCount(), expected);
        QCOMPARE(health->ridge()->ridgeCount(), 6);  // one histogram per epoch
        QCOMPARE(tab.view.alerts()->count(), 0);     // a normal run: no alarm
        QCOMPARE(tab.logTabs()->tabText(1), QString("Doctor"));
        tab.view.showLayerHealth();
        QCoreApplication::processEvents();
        screenshot(tab.view, "training-layer-health");
    }

    void overfittingIsListedAndShaded() {
        Tab tab;
        tab.view.resize(1100, 700);
        tab.view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab.view));
        // 320 training images and a 235 k-parameter net at a constant rate (as tst_training_doctor).
        tab.runToEnd(setupFor(generated("shapes", 400), {{"epochs", 30}, {"lr", 3e-3}, {"schedule", "constant"}}));
        widgets::TrainingAlertList* alerts = tab.view.alerts();
        QCOMPARE(alerts->count(), 1);
        const widgets::TrainingAlertEntry a = alerts->alerts().front();
        QCOMPARE(a.kind, QString("overfitting"));
        QVERIFY(a.message.startsWith(QString("Overfitting began at epoch %1").arg(a.epoch)));
        QCOMPARE(a.x, a.epoch - 1.0);
        // Shaded from the best epoch's end to the run's last epoch.
        widgets::LiveChart* loss = tab.view.lossChart();
        QCOMPARE(loss->shadedRegion(), (QList<double>{a.epoch - 1.0, 30.0}));
        QCOMPARE(tab.logTabs()->currentWidget(), alerts);  // the first alert brings the list up
        QCOMPARE(tab.logTabs()->tabText(1), QString("Doctor (1)"));
        // Clicking it shows the curves zoomed from an epoch before it to the region's end.
        tab.view.showLayerHealth();
        alerts->activate(0);
        QCOMPARE(tab.chartTabs()->currentIndex(), 0);
        QVERIFY(loss->isZoomed());
        QCOMPARE(loss->xRange().min, a.x - 1.0);
        QCOMPARE(loss->xRange().max, 30.0);
        QCoreApplication::processEvents();
        screenshot(tab.view, "training-doctor-overfitting");

        // A new run clears the list, the region and the layer health.
        tab.runToEnd(setupFor(generated("gauss", 1000), {{"epochs", 2}}));
        QCOMPARE(alerts->count(), 0);
        QVERIFY(loss->shadedRegion().isEmpty());
    }

    void aStallIsMarkedOnTheLossChart() {
        Tab tab;
        tab.runToEnd(setupFor(generated("spirals", 1500), {{"epochs", 8}, {"lr", 1e-7}, {"schedule", "constant"}}));
        QCOMPARE(tab.view.alerts()->count(), 1);
        const widgets::TrainingAlertEntry a = tab.view.alerts()->alerts().front();
        QCOMPARE(a.kind, QString("stalled"));
        QCOMPARE(a.x, double(a.step) / tab.training.stepsPerEpoch());
        QVERIFY(tab.view.lossChart()->markerPositions().contains(a.x));
        tab.view.alerts()->activate(0);
        QCOMPARE(tab.view.lossChart()->xRange().min, a.x - 0.5);
        QCOMPARE(tab.view.lossChart()->xRange().max, a.x + 0.5);
    }

    void aLayerAlertShowsItsLayer() {
        Tab tab;
        TrainingSetup setup = setupFor(generated("spirals", 600), {{"epochs", 3}, {"health_every", 5}});
        auto model = Model::build(setup.spec);
        QVERIFY(model.ok());
        model->initialize(setup.config.seed);
        Param* bias = model->params()[3];  // dense2's biases: its ReLUs never fire
        for (std::size_t i = 0; i < bias->value.size(); ++i) bias->value[i] = -50.0f;
        setup.initialModel = std::move(*model);
        tab.runToEnd(std::move(setup));
        QCOMPARE(tab.view.alerts()->count(), 1);
        QCOMPARE(tab.view.alerts()->alerts().front().layer, QString("dense2"));
        tab.view.alerts()->activate(0);
        QCOMPARE(tab.chartTabs()->currentWidget(), tab.view.layerHealth());
        QCOMPARE(tab.view.layerHealth()->ridgeLayer(), 1);
    }
};

QTEST_MAIN(TrainingDoctorViewTest)
#include "tst_training_doctor_view.moc"
