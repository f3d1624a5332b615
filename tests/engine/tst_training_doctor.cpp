// The training doctor: every alert provoked by a synthetic metric stream and by a real short
// run, each raised once with its epoch and step; normal streams and the presets' normal runs
// raise none.

#include <QtTest>

#include <cmath>
#include <memory>

#include "engine/data/synthetic.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "engine/train/trainer.h"
#include "engine/train/training_doctor.h"

using namespace studio;

namespace {

std::shared_ptr<const DatasetBundle> generated(const std::string& name, int samples) {
    auto bundle = generateDataset(name, 7, samples);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::make_shared<const DatasetBundle>(std::move(*bundle));
}

TrainingSetup setupFor(const std::shared_ptr<const DatasetBundle>& data, const ModelSpec& spec, TrainConfig config) {
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    setup.spec = spec;
    setup.config = config;
    return setup;
}

ModelSpec preset(const std::string& name, const Dataset& pool) {
    auto spec = presetSpec(name, pool.sampleShape(), pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    return *spec;
}

ModelSpec specFrom(const nlohmann::json& j, int classes) {
    auto spec = ModelSpec::fromJson(j);
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->classes = classes;
    return *spec;
}

TrainConfig presetConfig(const std::string& name, nlohmann::json extra = nlohmann::json::object()) {
    auto config = trainConfigFromOptions(withPresetOptions(name, extra));
    if (!config) qFatal("%s", config.error().what().c_str());
    config->threads = 2;
    return *config;
}

// Runs to the end (a failed run too) and returns the alerts it raised.
std::vector<TrainingAlert> alertsOf(TrainingSetup setup) {
    std::vector<TrainingAlert> alerts;
    (void)trainToEnd(std::move(setup), [&](const TrainingEvent& e) {
        if (const auto* a = std::get_if<TrainingAlert>(&e)) {
            qInfo("  alert [%s] epoch %d step %lld: %s", a->kind.c_str(), a->epoch, static_cast<long long>(a->step),
                  a->message.c_str());
            alerts.push_back(*a);
        }
    });
    return alerts;
}

std::vector<std::string> kinds(const std::vector<TrainingAlert>& alerts) {
    std::vector<std::string> k;
    for (const auto& a : alerts) k.push_back(a.kind);
    return k;
}

// Synthetic streams -------------------------------------------------------------------------

std::vector<TrainingAlert> feed(TrainingDoctor& doctor, const TrainingEvent& e) {
    return doctor.observe(e);
}

BatchMetrics batch(std::int64_t step, double loss, double lr = 1e-3, int perEpoch = 100) {
    BatchMetrics b;
    b.step = step;
    b.epoch = int((step - 1) / perEpoch) + 1;
    b.batch = int((step - 1) % perEpoch) + 1;
    b.loss = loss;
    b.learningRate = lr;
    return b;
}

// A loss that falls like a healthy run's, with ±10% noise.
double healthyLoss(std::int64_t step) {
    return 0.3 + 2.0 * std::exp(-double(step) / 150.0) * (1.0 + 0.1 * std::sin(double(step) * 1.7));
}

LayerHealth health(int epoch, std::int64_t step, std::vector<double> gradients, std::vector<double> dead) {
    LayerHealth h;
    h.epoch = epoch;
    h.step = step;
    for (std::size_t l = 0; l < gradients.size(); ++l) {
        LayerHealthRow row;
        row.layer = "dense" + std::to_string(l + 1);
        row.gradientNorm = gradients[l];
        row.deadFraction = dead[l];
        h.layers.push_back(row);
    }
    return h;
}

}  // namespace

class TrainingDoctorTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void aHealthyStreamRaisesNothing() {
        TrainingDoctor doctor;
        RunStarted s;
        s.classNames = {"a", "b", "c"};
        s.trainClassCounts = {100, 120, 90};
        QVERIFY(feed(doctor, s).empty());
        for (std::int64_t step = 1; step <= 1000; ++step) {
            QVERIFY(feed(doctor, batch(step, healthyLoss(step))).empty());
            if (step % 50 == 0) QVERIFY(feed(doctor, health(1, step, {0.02, 0.05, 0.1}, {0.1, 0.2, -1})).empty());
            if (step % 100 == 0) {
                EpochMetrics e;
                e.epoch = int(step / 100);
                e.trainLoss = healthyLoss(step);
                e.validationLoss = healthyLoss(step) + 0.05 + 0.01 * std::sin(double(step));  // noisy, flat
                QVERIFY(feed(doctor, e).empty());
            }
        }
    }

    void divergingStream() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        std::vector<TrainingAlert> all;
        for (std::int64_t step = 1; step <= 400; ++step) {
            const double loss = step < 200 ? healthyLoss(step) : healthyLoss(200) * std::exp(double(step - 200) / 20);
            for (auto& a : feed(doctor, batch(step, loss))) all.push_back(a);
        }
        QCOMPARE(kinds(all), std::vector<std::string>{"diverging"});
        QVERIFY(all[0].step > 200 && all[0].step < 240);
        QVERIFY(all[0].message.find("diverging") != std::string::npos);
        QVERIFY(all[0].suggestion.find("Lower the learning rate") != std::string::npos);
    }

    void aNumericalFailureIsDivergence() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        feed(doctor, batch(1, 2.3, 0.5));
        const auto alerts = feed(doctor, Failed{Error::numerical("The loss became NaN at epoch 1, step 2.")});
        QCOMPARE(kinds(alerts), std::vector<std::string>{"diverging"});
        QCOMPARE(alerts[0].step, std::int64_t(1));
        QVERIFY(feed(doctor, Failed{Error::invalid("Not numerical.")}).empty());
    }

    void stalledStream() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        std::vector<TrainingAlert> all;
        for (std::int64_t step = 1; step <= 300; ++step)
            for (auto& a : feed(doctor, batch(step, 2.3 + 0.05 * std::sin(double(step)), 1e-7))) all.push_back(a);
        QCOMPARE(kinds(all), std::vector<std::string>{"stalled"});
        QVERIFY(all[0].step >= 101 && all[0].step < 150);  // 100 steps behind it; the noise may delay it
        QVERIFY(all[0].message.find("has not moved in 100 steps") != std::string::npos);
        QVERIFY(all[0].suggestion.find("Raise the learning rate") != std::string::npos);

        // A warm-up's flat start is not a stall: the rate is rising.
        TrainingDoctor warm;
        feed(warm, RunStarted{});
        for (std::int64_t step = 1; step <= 300; ++step)
            QVERIFY(feed(warm, batch(step, 2.3, 1e-3 * double(step) / 300)).empty());
    }

    void overfittingStream() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        const std::vector<double> train = {1.0, 0.7, 0.5, 0.4, 0.3, 0.25, 0.2};
        const std::vector<double> val = {1.0, 0.8, 0.6, 0.62, 0.67, 0.70, 0.8};
        std::vector<TrainingAlert> all;
        for (std::size_t i = 0; i < train.size(); ++i) {
            EpochMetrics e;
            e.epoch = int(i) + 1;
            e.trainLoss = train[i];
            e.validationLoss = val[i];
            for (auto& a : feed(doctor, e)) all.push_back(a);
            if (i == 4) QVERIFY(all.empty());  // 0.67 < 0.6 × 1.1: not yet clearly worse
        }
        QCOMPARE(kinds(all), std::vector<std::string>{"overfitting"});
        QCOMPARE(all[0].epoch, 4);  // validation was lowest at epoch 3
        QVERIFY(all[0].message.find("Overfitting began at epoch 4") != std::string::npos);

        // Validation rising while training rises too is not overfitting (the run got worse).
        TrainingDoctor other;
        feed(other, RunStarted{});
        for (int i = 0; i < 6; ++i) {
            EpochMetrics e;
            e.epoch = i + 1;
            e.trainLoss = i < 2 ? 1.0 - 0.2 * i : 0.6 + 0.3 * i;
            e.validationLoss = i < 2 ? 1.0 - 0.2 * i : 0.6 + 0.3 * i;
            QVERIFY(feed(other, e).empty());
        }
    }

    void deadUnitsStream() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        std::vector<TrainingAlert> all;
        for (int k = 1; k <= 6; ++k) {
            const double dead2 = k == 2 ? 0.3 : 0.8;  // a dip resets the count
            for (auto& a : feed(doctor, health(1, 50 * k, {0.1, 0.1, 0.1}, {0.1, dead2, -1}))) all.push_back(a);
        }
        QCOMPARE(kinds(all), std::vector<std::string>{"dead_units"});
        QCOMPARE(all[0].layer, std::string("dense2"));
        QCOMPARE(all[0].step, std::int64_t(250));  // samples 3, 4, 5 in a row
        QVERIFY(all[0].message.find("Layer dense2 is 80% dead") != std::string::npos);

        // Layers above a dead one starve: only the lowest is named, and no vanishing gradients.
        TrainingDoctor cascade;
        feed(cascade, RunStarted{});
        std::vector<TrainingAlert> named;
        for (int k = 1; k <= 4; ++k)
            for (auto& a : feed(cascade, health(1, 50 * k, {1e-9, 1e-9, 0.3}, {0.9, 1.0, -1}))) named.push_back(a);
        QCOMPARE(kinds(named), std::vector<std::string>{"dead_units"});
        QCOMPARE(named[0].layer, std::string("dense1"));
        // 70% (a ReLU behind non-negative inputs starts about half dead) is not yet an alarm.
        TrainingDoctor some;
        feed(some, RunStarted{});
        for (int k = 1; k <= 5; ++k) QVERIFY(feed(some, health(1, 50 * k, {0.1, 0.1}, {0.7, -1})).empty());
    }

    void vanishingStream() {
        TrainingDoctor doctor;
        feed(doctor, RunStarted{});
        std::vector<TrainingAlert> all;
        for (int k = 1; k <= 4; ++k)
            for (auto& a : feed(doctor, health(1, 50 * k, {1e-9, 3e-8, 0.01, 0.2}, {-1, -1, -1, -1}))) all.push_back(a);
        QCOMPARE(kinds(all), std::vector<std::string>{"vanishing_gradients"});
        QCOMPARE(all[0].layer, std::string("dense3"));
        QVERIFY(all[0].message.find("Gradients vanish below layer 3") != std::string::npos);
        // Small gradients high up only (layer 1 fine) are not "below layer k".
        TrainingDoctor other;
        feed(other, RunStarted{});
        for (int k = 1; k <= 4; ++k) QVERIFY(feed(other, health(1, 50 * k, {0.1, 1e-9, 0.2}, {-1, -1, -1})).empty());
    }

    void imbalanceStream() {
        TrainingDoctor doctor;
        RunStarted s;
        s.classNames = {"cat", "dog", "bird"};
        s.trainClassCounts = {2000, 100, 900};
        const auto alerts = feed(doctor, s);
        QCOMPARE(kinds(alerts), std::vector<std::string>{"imbalance"});
        QVERIFY(alerts[0].message.find("Classes are imbalanced 20:1") != std::string::npos);
        QVERIFY(alerts[0].message.find("'dog'") != std::string::npos);
        s.trainClassCounts = {1000, 101, 900};  // 9.9:1
        TrainingDoctor fine;
        QVERIFY(feed(fine, s).empty());
    }

    // Real runs -------------------------------------------------------------------------------

    void aTooHighRateDivergesInARealRun() {
        auto data = generated("spirals", 600);
        TrainConfig c = presetConfig("mlp", {{"optimizer", "sgd"}, {"lr", 5.0}, {"epochs", 5}});
        const auto alerts = alertsOf(setupFor(data, preset("mlp", data->pool), c));
        QCOMPARE(kinds(alerts), std::vector<std::string>{"diverging"});
    }

    void aTinyRateStallsInARealRun() {
        auto data = generated("spirals", 1500);
        TrainConfig c = presetConfig("mlp", {{"lr", 1e-7}, {"epochs", 8}, {"schedule", "constant"}});
        const auto alerts = alertsOf(setupFor(data, preset("mlp", data->pool), c));
        QCOMPARE(kinds(alerts), std::vector<std::string>{"stalled"});
    }

    void aDeadLayerInARealRun() {
        // dense1's biases start at −50: its ReLUs never fire, get no gradient and stay dead.
        auto data = generated("spirals", 600);
        TrainConfig c = presetConfig("mlp", {{"epochs", 3}, {"health_every", 5}});
        TrainingSetup setup = setupFor(data, preset("mlp", data->pool), c);
        auto model = Model::build(setup.spec);
        QVERIFY(model.ok());
        model->initialize(c.seed);
        Param* bias = model->params()[1];
        for (std::size_t i = 0; i < bias->value.size(); ++i) bias->value[i] = -50.0f;
        setup.initialModel = std::move(*model);
        const auto alerts = alertsOf(std::move(setup));
        QCOMPARE(kinds(alerts), std::vector<std::string>{"dead_units"});  // not dense2 above it, nor vanishing
        QCOMPARE(alerts[0].layer, std::string("dense1"));
        QVERIFY(alerts[0].message.find("100% dead") != std::string::npos);
    }

    void vanishingGradientsInARealRun() {
        // Eight sigmoid layers: each passes back at most a quarter of its gradient.
        auto data = generated("spirals", 600);
        nlohmann::json layers = nlohmann::json::array();
        for (int i = 0; i < 8; ++i) {
            layers.push_back({{"type", "dense"}, {"units", 32}});
            layers.push_back({{"type", "sigmoid"}});
        }
        layers.push_back({{"type", "dense"}, {"units", "classes"}});
        const ModelSpec spec = specFrom({{"input", {2}}, {"classes", 3}, {"layers", layers}}, data->pool.classCount());
        TrainConfig c = presetConfig("mlp", {{"epochs", 4}, {"health_every", 5}, {"optimizer", "sgd"}, {"lr", 0.1}});
        const auto alerts = alertsOf(setupFor(data, spec, c));
        QVERIFY(!alerts.empty());
        QCOMPARE(alerts[0].kind, std::string("vanishing_gradients"));
    }

    void imbalancedClassesInARealRun() {
        auto full = generated("gauss", 2000);
        std::vector<int> keep;
        std::vector<int> taken(static_cast<std::size_t>(full->pool.classCount()), 0);
        for (int i = 0; i < full->pool.size(); ++i) {
            const int label = full->pool.label(i);
            const int limit = label == 0 ? 400 : 20;
            if (taken[static_cast<std::size_t>(label)]++ < limit) keep.push_back(i);
        }
        auto data = std::make_shared<DatasetBundle>();
        data->pool = full->pool.subset(keep);
        TrainConfig c = presetConfig("mlp", {{"epochs", 2}});
        const auto alerts = alertsOf(setupFor(data, preset("mlp", data->pool), c));
        QCOMPARE(kinds(alerts), std::vector<std::string>{"imbalance"});
        QVERIFY(alerts[0].message.find("Classes are imbalanced 20:1") != std::string::npos);
        QCOMPARE(alerts[0].step, std::int64_t(0));
    }

    void overfittingInARealRun() {
        // 320 training images and a 235 k-parameter net at a constant rate: it memorizes them.
        auto data = generated("shapes", 400);
        TrainConfig c = presetConfig("mlp", {{"epochs", 30}, {"lr", 3e-3}, {"schedule", "constant"}});
        const auto alerts = alertsOf(setupFor(data, preset("mlp", data->pool), c));
        QCOMPARE(kinds(alerts), std::vector<std::string>{"overfitting"});
        QVERIFY(alerts[0].epoch >= 3 && alerts[0].epoch <= 15);
    }

    void tinyValidationWobblesAreNotOverfitting() {
        // gauss is learnt in a few epochs; its validation loss then wobbles 0.015 → 0.018 (+20%).
        auto data = generated("gauss", 1000);
        TrainConfig c = presetConfig("mlp", {{"epochs", 5}});
        QVERIFY(alertsOf(setupFor(data, preset("mlp", data->pool), c)).empty());
    }

    void presetsRaiseNoAlarmsOnTheirUsualData_data() {
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("dataset");
        QTest::addColumn<int>("samples");
        QTest::addColumn<int>("epochs");  // 0: the preset's
        QTest::newRow("mlp/shapes") << "mlp" << "shapes" << 3000 << 5;
        QTest::newRow("lenet/shapes") << "lenet" << "shapes" << 4000 << 0;
        QTest::newRow("cnn/shapes") << "cnn" << "shapes" << 2000 << 2;
        QTest::newRow("cnn-bn/shapes") << "cnn-bn" << "shapes" << 2000 << 3;
        for (const char* set : {"spirals", "circles", "xor", "gauss"})
            QTest::newRow(qPrintable(QString("mlp/%1").arg(set))) << "mlp" << set << 0 << 0;
    }
    void presetsRaiseNoAlarmsOnTheirUsualData() {
        QFETCH(QString, model);
        QFETCH(QString, dataset);
        QFETCH(int, samples);
        QFETCH(int, epochs);
        auto data = generated(dataset.toStdString(), samples);
        nlohmann::json extra = {{"health_every", 10}};
        if (epochs > 0) extra["epochs"] = epochs;
        TrainConfig c = presetConfig(model.toStdString(), extra);
        int healthSamples = 0;
        std::vector<TrainingAlert> alerts;
        auto outcome = trainToEnd(setupFor(data, preset(model.toStdString(), data->pool), c), [&](const TrainingEvent& e) {
            if (const auto* a = std::get_if<TrainingAlert>(&e)) alerts.push_back(*a);
            if (const auto* h = std::get_if<LayerHealth>(&e)) {
                ++healthSamples;
                if (qEnvironmentVariableIsSet("STUDIO_DOCTOR_TRACE")) {
                    QString line = QString("step %1:").arg(h->step);
                    for (const auto& r : h->layers)
                        line += QString(" %1 dead %2 grad %3 upd %4 |").arg(QString::fromStdString(r.layer)).arg(r.deadFraction, 0, 'f', 2).arg(r.gradientNorm, 0, 'g', 2).arg(r.updateRatio, 0, 'g', 2);
                    qInfo("%s", qPrintable(line));
                }
            }
        });
        QVERIFY(outcome.ok());
        for (const auto& a : alerts) qWarning("false alarm: [%s] %s", a.kind.c_str(), a.message.c_str());
        QVERIFY(alerts.empty());
        QVERIFY(healthSamples >= c.epochs);  // the doctor did see layer health
    }
};

QTEST_GUILESS_MAIN(TrainingDoctorTest)
#include "tst_training_doctor.moc"
