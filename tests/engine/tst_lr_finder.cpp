// Learning-rate range test (engine/train/lr_finder.h): the rate rises exponentially step by step,
// the suggestion lies on the falling slope of a known curve and in a sane range for every preset,
// the model handed in is never changed, and the curve is bit for bit the same on 1, 2 or 3
// threads (a different seed changes it: the negative control).

#include <QtTest>

#include <cmath>
#include <cstring>

#include "engine/data/synthetic.h"
#include "engine/train/lr_finder.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

using namespace studio;

namespace {

std::shared_ptr<const DatasetBundle> shapes() {
    static const auto data = [] {
        auto bundle = generateDataset("shapes", 7, 2400);
        if (!bundle) qFatal("%s", bundle.error().what().c_str());
        return std::make_shared<const DatasetBundle>(std::move(*bundle));
    }();
    return data;
}

// A preset on shapes with the preset's tuned options and `extra` on top, as the CLI builds it.
TrainingSetup presetSetup(const std::string& preset, const nlohmann::json& extra = nlohmann::json::object()) {
    auto options = normalizeOptions(withPresetOptions(preset, extra));
    if (!options) qFatal("%s", options.error().what().c_str());
    auto config = trainConfigFromOptions(*options);
    if (!config) qFatal("%s", config.error().what().c_str());
    const auto data = shapes();
    TrainingSetup setup;
    setup.data = data;
    setup.config = *config;
    setup.split = splitDataset(*data, config->validationFraction, config->testFraction, config->seed);
    auto spec = presetSpec(preset, data->pool.sampleShape(), data->pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    setup.spec = applyModelOptions(*spec, *options);
    return setup;
}

LrFinding find(const TrainingSetup& setup, const LrFinderConfig& config) {
    auto found = findLearningRate(setup, config);
    if (!found) qFatal("%s", found.error().what().c_str());
    return std::move(*found);
}

std::vector<float> flatWeights(const Model& model) {
    std::vector<float> out;
    for (const Param* p : model.params()) out.insert(out.end(), p->value.data(), p->value.data() + p->value.size());
    return out;
}

bool sameBits(const std::vector<LrCurvePoint>& a, const std::vector<LrCurvePoint>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::memcmp(&a[i].loss, &b[i].loss, sizeof(double)) != 0 || a[i].lr != b[i].lr) return false;
    return true;
}

// A made-up smoothed curve (lr ×10^0.1 per point): flat at 2.3, a fall to its minimum 0.3 at
// point 15, a slow rise that stays within a fifth of the fall (≤ 0.7) up to point 24, a blow-up.
std::vector<LrCurvePoint> knownCurve() {
    const std::vector<double> loss{2.3,  2.3,  2.3,  2.3,  2.3,  2.3, 2.3,  2.3, 2.3, 2.3, 1.8, 1.3, 0.8, 0.45, 0.35,
                                   0.3,  0.32, 0.34, 0.36, 0.38, 0.4, 0.42, 0.44, 0.46, 0.48, 1.0, 2.5, 2.5, 2.5, 2.5};
    std::vector<LrCurvePoint> curve;
    for (std::size_t i = 0; i < loss.size(); ++i) curve.push_back({1e-5 * std::pow(10.0, i / 10.0), loss[i], loss[i]});
    return curve;
}

}  // namespace

class LrFinderTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rateRisesExponentially() {
        LrFinderConfig config;
        config.steps = 60;
        config.startLr = 1e-5;
        config.endLr = 1e-1;  // mlp with Adam does not blow up below 0.1 within 60 steps
        const LrFinding f = find(presetSetup("mlp"), config);
        QCOMPARE(int(f.curve.size()), 60);
        QCOMPARE(f.curve.front().lr, 1e-5);
        QVERIFY(std::abs(f.curve.back().lr / 1e-1 - 1.0) < 1e-12);
        const double ratio = f.curve[1].lr / f.curve[0].lr;
        QVERIFY(std::abs(ratio - std::pow(1e4, 1.0 / 59.0)) < 1e-12);
        for (std::size_t i = 1; i < f.curve.size(); ++i)
            QVERIFY2(std::abs(f.curve[i].lr / f.curve[i - 1].lr - ratio) < 1e-9, qPrintable(QString::number(i)));
        for (const auto& p : f.curve) QVERIFY(std::isfinite(p.loss) && std::isfinite(p.smoothed));
        // It trained: somewhere on the way the loss fell well below where it started.
        double lowest = f.curve.front().smoothed;
        for (const auto& p : f.curve) lowest = std::min(lowest, p.smoothed);
        QVERIFY2(lowest < 0.7 * f.curve.front().smoothed, qPrintable(QString::number(lowest)));
    }

    void smoothingIsTheCentredAverage() {
        LrFinderConfig config;
        config.steps = 20;
        config.startLr = 1e-4;
        config.endLr = 1e-2;
        QCOMPARE(config.halfWidth(), 2);
        const LrFinding f = find(presetSetup("mlp"), config);
        const int n = int(f.curve.size());
        QCOMPARE(n, 20);
        for (int i = 0; i < n; ++i) {  // the mean of the (up to) 5 losses around each point
            double sum = 0.0;
            int count = 0;
            for (int j = i - 2; j <= i + 2; ++j)
                if (j >= 0 && j < n) sum += f.curve[std::size_t(j)].loss, ++count;
            QVERIFY(std::abs(f.curve[std::size_t(i)].smoothed - sum / count) < 1e-12);
        }
        config.steps = 400;
        QCOMPARE(config.halfWidth(), 10);
    }

    void suggestionOnAKnownCurve() {
        const auto curve = knownCurve();
        const auto s = suggestLearningRate(curve);
        QVERIFY(s.has_value());
        QCOMPARE(s->rangeLow, 13);   // the first point within 0.3 + 0.4 (a fifth of the 2.0 fall)
        QCOMPARE(s->rangeHigh, 24);  // the last one of the stretch through the minimum
        QCOMPARE(s->index, 17);      // 13 + (24 − 13)/3, rounded
        // Not the minimum (15), nor minimum/10 (point 5, on the flat start where nothing learns).

        // A flat curve has no suggestion, nor has a curve of 4 points.
        std::vector<LrCurvePoint> flat(50, LrCurvePoint{1e-3, 2.3, 2.3});
        for (int i = 0; i < 50; ++i) flat[std::size_t(i)].lr = 1e-6 * std::pow(10.0, i / 10.0);
        QVERIFY(!suggestLearningRate(flat).has_value());
        QVERIFY(!suggestLearningRate(std::vector<LrCurvePoint>(curve.begin(), curve.begin() + 4)).has_value());
        // A curve whose minimum is its last point: the range ends there.
        std::vector<LrCurvePoint> falling(curve.begin(), curve.begin() + 16);
        const auto f = suggestLearningRate(falling);
        QVERIFY(f.has_value());
        QCOMPARE(f->rangeHigh, 15);
        QCOMPARE(f->index, 14);  // 13 + 2/3 rounded
    }

    void suggestionIsSaneOnThePresets_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<QString>("optimizer");
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        // Adam trains these presets at 1e-3..3e-3 (preset_options.cpp); plain SGD wants ~100× more.
        QTest::newRow("mlp adam") << "mlp" << "adam" << 1e-4 << 3e-2;
        QTest::newRow("lenet adam") << "lenet" << "adam" << 1e-4 << 3e-2;
        QTest::newRow("cnn adam") << "cnn" << "adam" << 1e-4 << 3e-2;
        QTest::newRow("cnn-bn adam") << "cnn-bn" << "adam" << 1e-4 << 3e-2;
        QTest::newRow("lenet sgd") << "lenet" << "sgd" << 1e-3 << 3.0;
    }
    void suggestionIsSaneOnThePresets() {
        QFETCH(QString, preset);
        QFETCH(QString, optimizer);
        QFETCH(double, low);
        QFETCH(double, high);
        LrFinderConfig config;
        config.steps = 150;
        const LrFinding f = find(presetSetup(preset.toStdString(), {{"optimizer", optimizer.toStdString()}}), config);
        QVERIFY(f.suggestedLr.has_value());
        qInfo("%s/%s: suggested %.3g in %.3g..%.3g, minimum %.3g, %zu steps%s", qPrintable(preset),
              qPrintable(optimizer), *f.suggestedLr, f.rangeLow, f.rangeHigh, f.minimumLr, f.curve.size(), f.diverged ? " (diverged)" : "");
        QVERIFY2(*f.suggestedLr >= low && *f.suggestedLr <= high, qPrintable(QString::number(*f.suggestedLr)));
        QVERIFY(f.rangeLow <= *f.suggestedLr && *f.suggestedLr <= f.rangeHigh);
        QVERIFY(f.rangeLow <= f.minimumLr && f.minimumLr <= f.rangeHigh);
        QCOMPARE(f.curve[std::size_t(f.suggestedIndex)].lr, *f.suggestedLr);
    }

    void throwawayCopyLeavesTheModelUntouched() {
        TrainingSetup setup = presetSetup("lenet");
        auto model = Model::build(setup.spec);
        QVERIFY(model.ok());
        model->initialize(99);
        const std::vector<float> before = flatWeights(*model);
        setup.initialModel = *model;
        LrFinderConfig config;
        config.steps = 40;
        config.startLr = 1e-4;
        config.endLr = 1e-2;
        const LrFinding f = find(setup, config);
        QCOMPARE(int(f.curve.size()), 40);
        QVERIFY(f.curve.back().smoothed < f.curve.front().smoothed);  // the copy did learn
        QVERIFY(flatWeights(*setup.initialModel) == before);
        // It started from those weights, not from the spec's seed: the first loss differs.
        TrainingSetup fresh = presetSetup("lenet");
        const LrFinding g = find(fresh, config);
        QVERIFY(g.curve.front().loss != f.curve.front().loss);
    }

    void sameCurveOnAnyThreadCount() {
        LrFinderConfig config;
        config.steps = 30;
        config.startLr = 1e-4;
        config.endLr = 1.0;
        TrainingSetup setup = presetSetup("cnn-bn", {{"batch_size", 64}, {"shard_size", 16}});
        std::vector<LrFinding> runs;
        for (int threads : {1, 2, 3}) {
            setup.config.threads = threads;
            runs.push_back(find(setup, config));
        }
        QVERIFY(sameBits(runs[0].curve, runs[1].curve));
        QVERIFY(sameBits(runs[0].curve, runs[2].curve));
        setup.config.seed = 2;  // negative control: the comparison can fail
        setup.config.threads = 2;
        QVERIFY(!sameBits(runs[0].curve, find(setup, config).curve));
    }

    void cancelAndMistakes() {
        LrFinderConfig config;
        config.steps = 100;
        int seen = 0;
        auto stopped = findLearningRate(presetSetup("mlp"), config, [&](int step, int steps, const LrCurvePoint&) {
            seen = step;
            return steps == 100 && step < 5;
        });
        QVERIFY(!stopped.ok());
        QCOMPARE(stopped.error().kind(), Error::Kind::Cancelled);
        QCOMPARE(seen, 5);

        config.endLr = 1e-8;  // below the start
        auto bad = findLearningRate(presetSetup("mlp"), config);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().what().find("end rate") != std::string::npos, bad.error().what().c_str());

        TrainingSetup wrong = presetSetup("mlp");
        auto other = presetSpec("mlp", Shape{2}, 2);
        QVERIFY(other.ok());
        wrong.spec = *other;
        auto mismatch = findLearningRate(wrong, LrFinderConfig{});
        QVERIFY(!mismatch.ok());
        QVERIFY2(mismatch.error().what().find("inputs of") != std::string::npos, mismatch.error().what().c_str());
    }
};

QTEST_GUILESS_MAIN(LrFinderTest)
#include "tst_lr_finder.moc"
