// Pruning (engine/deploy/pruning.h) and the optimizer's masks:
// - magnitude pruning reaches the asked sparsity exactly, globally and per layer, and prunes
//   the smallest weights (checked against a sort of every magnitude in the test);
// - masked entries stay exactly 0.0f through steps of every optimizer kind, and the unmasked
//   entries move exactly as without masks;
// - training with an all-ones mask equals training without masks, bit for bit; a masked
//   fine-tune gives the same weights with 1 and 3 threads, and its pruned weights stay zero;
// - a structured-pruned (rebuilt, smaller) model computes what the masked model computes, with a
//   negative control (another cut) that must differ;
// - a sparsity outside [0, 1) is an error that names the value.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>

#include <oneapi/tbb/global_control.h>

#include "engine/core/rng.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/pruning.h"
#include "engine/io/model_file.h"
#include "engine/optim/optimizer.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

// conv → BN → relu → pool → conv → relu → pool → flatten → dense → BN → relu → dropout → dense
ModelSpec convNet(int classes) {
    auto spec = ModelSpec::fromJson(nlohmann::json::parse(R"({
        "input": [1, 28, 28], "classes": 8, "layers": [
          {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "relu"},
          {"type": "maxpool2d", "size": 2},
          {"type": "conv2d", "filters": 12, "kernel": 3, "padding": 1}, {"type": "relu"},
          {"type": "maxpool2d", "size": 2},
          {"type": "flatten"},
          {"type": "dense", "units": 32}, {"type": "batchnorm"}, {"type": "relu"}, {"type": "dropout", "rate": 0.2},
          {"type": "dense", "units": "classes"}]})"));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->classes = classes;
    return *spec;
}

// Other paths through the network: global average pooling, dense → tanh → dense, a dense layer
// on an image (read flat), and a sigmoid that makes its conv unprunable.
ModelSpec otherNet() {
    auto spec = ModelSpec::fromJson(nlohmann::json::parse(R"({
        "input": [3, 12, 12], "classes": 5, "layers": [
          {"type": "conv2d", "filters": 6, "kernel": 3}, {"type": "sigmoid"},
          {"type": "conv2d", "filters": 10, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "elu"},
          {"type": "avgpool2d", "size": 2},
          {"type": "conv2d", "filters": 9, "kernel": 3, "padding": 1}, {"type": "leakyrelu"},
          {"type": "dense", "units": 14}, {"type": "tanh"},
          {"type": "dense", "units": 11}, {"type": "gelu"},
          {"type": "dense", "units": "classes"}]})"));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    return *spec;
}

// Every parameter random (biases, BN gamma/beta and statistics too), so nothing is zero by luck.
Model randomModel(const ModelSpec& spec, std::uint64_t seed) {
    auto built = Model::build(spec);
    if (!built) qFatal("%s", built.error().what().c_str());
    Model m = std::move(*built);
    Rng rng(seed);
    for (Param* p : m.params()) {
        const bool variance = p->name == "running_var";
        for (std::size_t e = 0; e < p->value.size(); ++e)
            p->value.data()[e] = variance ? rng.uniform(0.5f, 2.0f) : rng.uniform(-0.5f, 0.5f);
    }
    return m;
}

Tensor randomInput(const Model& m, int n, std::uint64_t seed) {
    Shape shape{n};
    shape.insert(shape.end(), m.inputShape().begin(), m.inputShape().end());
    Tensor x(shape);
    Rng rng(seed);
    for (std::size_t e = 0; e < x.size(); ++e) x.data()[e] = rng.uniform(-1.0f, 1.0f);
    return x;
}

std::vector<const Param*> weightsOf(const Model& m) {
    std::vector<const Param*> out;
    for (int i = 0; i < m.layerCount(); ++i)
        if (m.layer(i).kind() == "dense" || m.layer(i).kind() == "conv2d") out.push_back(&m.layer(i).params()[0]);
    return out;
}

std::int64_t zerosIn(const Tensor& t) {
    return std::count(t.data(), t.data() + t.size(), 0.0f);
}

std::vector<float> allValues(const Model& m) {
    std::vector<float> out;
    for (const Param* p : m.params()) out.insert(out.end(), p->value.data(), p->value.data() + p->value.size());
    return out;
}

double maxAbsDiff(const Tensor& a, const Tensor& b) {
    double d = 0.0;
    for (std::size_t e = 0; e < a.size(); ++e) d = std::max(d, std::fabs(double(a.data()[e]) - double(b.data()[e])));
    return d;
}

TrainingSetup setupFor(const std::shared_ptr<const DatasetBundle>& data, const ModelSpec& spec, int threads) {
    TrainConfig c;
    c.epochs = 2;
    c.batchSize = 64;
    c.shardSize = 16;
    c.threads = threads;
    c.seed = 5;
    c.optimizer.kind = "adamw";
    c.optimizer.weightDecay = 1e-3f;
    c.optimizer.clipNorm = 5.0f;
    c.schedule.baseLr = 2e-3f;
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, c.validationFraction, c.testFraction, c.seed);
    setup.spec = spec;
    setup.config = c;
    return setup;
}

Model trained(TrainingSetup setup) {
    auto outcome = trainToEnd(std::move(setup));
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return outcome->snapshot->model;
}

}  // namespace

class PruningTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        m_parallelism = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, 3);
        auto bundle = generateDataset("shapes", 4, 640);
        QVERIFY(bundle.ok());
        m_data = std::make_shared<const DatasetBundle>(std::move(*bundle));
    }

    void sparsityOutsideRangeIsAnError_data() {
        QTest::addColumn<double>("sparsity");
        QTest::addColumn<QString>("shown");
        QTest::newRow("1") << 1.0 << "1";
        QTest::newRow("1.5") << 1.5 << "1.5";
        QTest::newRow("-0.1") << -0.1 << "-0.1";
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << "nan";
    }
    void sparsityOutsideRangeIsAnError() {
        QFETCH(double, sparsity);
        QFETCH(QString, shown);
        const Model m = randomModel(convNet(8), 1);
        for (const auto scope : {PruningScope::Global, PruningScope::PerLayer}) {
            auto masks = magnitudeMasks(m, sparsity, scope);
            QVERIFY(!masks.ok());
            const QString text = QString::fromStdString(masks.error().what());
            QVERIFY2(text.contains("sparsity of " + shown) && text.contains("[0, 1)"), qPrintable(text));
        }
        QVERIFY(!planStructuredPruning(m, sparsity, FilterNorm::L1).ok());
        QVERIFY(checkSparsity(0.0).ok());
        QVERIFY(checkSparsity(0.999).ok());
    }

    void globalSparsityIsExact_data() {
        QTest::addColumn<double>("sparsity");
        for (double s : {0.0, 0.3, 0.5, 0.8, 0.9}) QTest::newRow(qPrintable(QString::number(s))) << s;
    }
    void globalSparsityIsExact() {
        QFETCH(double, sparsity);
        Model m = randomModel(convNet(8), 2);
        std::vector<float> magnitudes;  // the oracle: every prunable |w|, sorted
        for (const Param* p : weightsOf(m))
            for (std::size_t e = 0; e < p->value.size(); ++e) magnitudes.push_back(std::fabs(p->value.data()[e]));
        std::sort(magnitudes.begin(), magnitudes.end());
        const auto expected = std::llround(sparsity * double(magnitudes.size()));

        const Model before = m;
        auto masks = magnitudeMasks(m, sparsity, PruningScope::Global);
        QVERIFY(masks.ok());
        QCOMPARE(prunedCount(*masks), std::int64_t(expected));
        applyMasks(m, *masks);
        std::int64_t zeros = 0;
        for (const Param* p : weightsOf(m)) zeros += zerosIn(p->value);
        QCOMPARE(zeros, std::int64_t(expected));
        QCOMPARE(overallSparsity(m), double(expected) / double(magnitudes.size()));
        if (expected > 0 && expected < std::int64_t(magnitudes.size())) {
            const float threshold = magnitudes[std::size_t(expected) - 1];  // the largest pruned |w|
            const auto b = before.params();
            const auto a = m.params();
            for (std::size_t p = 0; p < a.size(); ++p)
                for (std::size_t e = 0; e < (*masks)[p].size(); ++e) {
                    const float w = b[p]->value.data()[e];
                    if (a[p]->value.data()[e] == 0.0f)
                        QVERIFY(std::fabs(w) <= threshold);
                    else
                        QVERIFY(std::fabs(w) >= threshold);
                }
        }
        // Biases and BatchNorm are never pruned.
        const auto b = before.params();
        const auto a = m.params();
        for (std::size_t p = 0; p < a.size(); ++p)
            if ((*masks)[p].empty())
                QVERIFY(std::memcmp(a[p]->value.data(), b[p]->value.data(), a[p]->value.size() * sizeof(float)) == 0);
    }

    void perLayerSparsityIsExact() {
        for (double s : {0.25, 0.5, 0.9}) {
            Model m = randomModel(otherNet(), 3);
            auto masks = magnitudeMasks(m, s, PruningScope::PerLayer);
            QVERIFY(masks.ok());
            applyMasks(m, *masks);
            const auto layers = weightSparsity(m);
            QCOMPARE(int(layers.size()), 6);
            for (const LayerSparsity& l : layers) {
                QCOMPARE(l.zeros, std::int64_t(std::llround(s * double(l.weights))));
                // Within the layer every pruned |w| is at most every kept |w|.
                const Model original = randomModel(otherNet(), 3);
                const Tensor& w0 = original.layer(l.layer - 1).params()[0].value;
                const Tensor& w = m.layer(l.layer - 1).params()[0].value;
                float maxPruned = 0.0f, minKept = std::numeric_limits<float>::infinity();
                for (std::size_t e = 0; e < w.size(); ++e) {
                    if (w.data()[e] == 0.0f)
                        maxPruned = std::max(maxPruned, std::fabs(w0.data()[e]));
                    else
                        minKept = std::min(minKept, std::fabs(w0.data()[e]));
                }
                QVERIFY(maxPruned <= minKept);
            }
        }
        // Weights already zero count as pruned first: pruning a pruned model again to the same
        // sparsity changes nothing.
        Model m = randomModel(otherNet(), 4);
        applyMasks(m, *magnitudeMasks(m, 0.6, PruningScope::PerLayer));
        const std::vector<float> once = allValues(m);
        applyMasks(m, *magnitudeMasks(m, 0.6, PruningScope::PerLayer));
        QVERIFY(allValues(m) == once);
        QCOMPARE(prunedCount(zeroMasks(m)), prunedCount(*magnitudeMasks(m, 0.6, PruningScope::PerLayer)));
    }

    void masksSurviveOptimizerSteps_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<float>("decay");
        QTest::addColumn<float>("clip");
        for (const char* kind : {"sgd", "momentum", "nesterov", "adam", "adamw", "rmsprop"}) {
            QTest::newRow(kind) << QString(kind) << 0.01f << 0.0f;
            QTest::newRow(qPrintable(QString(kind) + " clipped")) << QString(kind) << 0.0f << 0.05f;
        }
    }
    void masksSurviveOptimizerSteps() {
        QFETCH(QString, kind);
        QFETCH(float, decay);
        QFETCH(float, clip);
        // 40000 weights: three optimizer chunks, so the chunked path runs in parallel.
        auto makeParams = [] {
            std::vector<Param> ps{{"weight", Tensor({200, 200}), true, true}, {"bias", Tensor({200}), true, false}};
            Rng rng(9);
            for (Param& p : ps)
                for (std::size_t e = 0; e < p.value.size(); ++e) p.value.data()[e] = rng.uniform(-1.0f, 1.0f);
            return ps;
        };
        std::vector<Param> masked = makeParams(), plain = makeParams();
        const Tensor initial = masked[0].value;
        std::vector<Param*> mp{&masked[0], &masked[1]}, pp{&plain[0], &plain[1]};
        std::vector<Tensor> masks{Tensor({200, 200}, 1.0f), Tensor()};
        Rng pick(10);
        for (std::size_t e = 0; e < masks[0].size(); ++e) masks[0].data()[e] = pick.uniform() < 0.7f ? 0.0f : 1.0f;

        OptimizerConfig c;
        c.kind = kind.toStdString();
        c.weightDecay = decay;
        c.clipNorm = clip;
        auto a = Optimizer::create(c);
        auto b = Optimizer::create(c);
        QVERIFY(a.ok() && b.ok());
        QVERIFY((*a)->setMasks(masks, mp).ok());
        for (std::size_t e = 0; e < masks[0].size(); ++e)
            if (masks[0].data()[e] == 0.0f) QCOMPARE(masked[0].value.data()[e], 0.0f);  // zeroed at once

        for (int step = 0; step < 12; ++step) {
            Rng g(100 + std::uint64_t(step));
            std::vector<Tensor> ga{Tensor({200, 200}), Tensor({200})};
            for (Tensor& t : ga)
                for (std::size_t e = 0; e < t.size(); ++e) t.data()[e] = g.uniform(-2.0f, 2.0f);
            std::vector<Tensor> gb = ga;
            (*a)->step(mp, ga, 0.01f);
            (*b)->step(pp, gb, 0.01f);
        }
        std::int64_t moved = 0;
        for (std::size_t e = 0; e < masks[0].size(); ++e) {
            const float w = masked[0].value.data()[e];
            if (masks[0].data()[e] == 0.0f) {
                std::uint32_t bits;
                std::memcpy(&bits, &w, sizeof bits);
                QCOMPARE(bits, 0u);  // +0.0f exactly, not -0.0f or a tiny value
            } else {
                moved += w != initial.data()[e] ? 1 : 0;
                // Element-wise updates: without clipping a kept entry moves exactly as unmasked.
                if (clip == 0.0f) QCOMPARE(w, plain[0].value.data()[e]);
            }
        }
        if (clip == 0.0f)
            QVERIFY(std::memcmp(masked[1].value.data(), plain[1].value.data(), 200 * sizeof(float)) == 0);
        QVERIFY(moved > 10000);  // the kept entries did train

        // Masks that do not fit are refused.
        std::vector<Tensor> wrong{Tensor({3}, 1.0f), Tensor()};
        QVERIFY(!(*a)->setMasks(wrong, mp).ok());
        QVERIFY(!(*a)->setMasks({Tensor({200, 200}, 1.0f)}, mp).ok());
    }

    void allOnesMaskTrainsLikeNoMask() {
        const ModelSpec spec = convNet(m_data->pool.classCount());
        TrainingSetup plain = setupFor(m_data, spec, 2);
        TrainingSetup ones = setupFor(m_data, spec, 2);
        const Model model = [&] {
            auto b = Model::build(spec);
            return std::move(*b);
        }();
        for (const Param* p : model.params()) ones.masks.push_back(p->trainable ? Tensor(p->value.shape(), 1.0f) : Tensor());
        const std::string a = weightsSha256(trained(plain));
        const std::string b = weightsSha256(trained(ones));
        QCOMPARE(b, a);
        // Negative control: a mask that prunes something changes the weights.
        TrainingSetup some = setupFor(m_data, spec, 2);
        some.masks = ones.masks;
        some.masks[0].data()[0] = 0.0f;
        QVERIFY(weightsSha256(trained(some)) != a);
    }

    void maskedFineTuneIsReproducibleAndKeepsZeros() {
        const ModelSpec spec = convNet(m_data->pool.classCount());
        const Model base = trained(setupFor(m_data, spec, 2));
        Model pruned = base;
        auto masks = magnitudeMasks(pruned, 0.7, PruningScope::Global);
        QVERIFY(masks.ok());
        applyMasks(pruned, *masks);
        const double sparsity = overallSparsity(pruned);
        QVERIFY(std::fabs(sparsity - 0.7) < 1e-4);

        std::vector<std::string> shas;
        for (int threads : {1, 3}) {
            TrainingSetup s = setupFor(m_data, spec, threads);
            s.initialModel = pruned;
            s.masks = zeroMasks(pruned);  // as a pruned file is fine-tuned: its zeros are the masks
            const Model tuned = trained(std::move(s));
            const auto before = pruned.params();
            const auto after = tuned.params();
            bool changed = false;
            for (std::size_t p = 0; p < after.size(); ++p)
                for (std::size_t e = 0; e < after[p]->value.size(); ++e) {
                    if (!(*masks)[p].empty() && (*masks)[p].data()[e] == 0.0f)
                        QCOMPARE(after[p]->value.data()[e], 0.0f);
                    changed |= after[p]->value.data()[e] != before[p]->value.data()[e];
                }
            QVERIFY(changed);
            QCOMPARE(overallSparsity(tuned), sparsity);
            shas.push_back(weightsSha256(tuned));
        }
        QCOMPARE(shas[1], shas[0]);
    }

    void structuredPlanRemovesLowestNormFilters() {
        const Model m = randomModel(convNet(8), 6);
        for (const auto norm : {FilterNorm::L1, FilterNorm::L2}) {
            auto plan = planStructuredPruning(m, 0.5, norm);
            QVERIFY(plan.ok());
            // conv 8 → 4, conv 12 → 6, dense 32 → 16; the class layer is kept whole.
            QCOMPARE(plan->keep[0].size(), std::size_t(4));
            QCOMPARE(plan->keep[4].size(), std::size_t(6));
            QCOMPARE(plan->keep[8].size(), std::size_t(16));
            QVERIFY(plan->keep[12].empty());
            QCOMPARE(plan->removed(), 4 + 6 + 16);
            for (int layer : {0, 4, 8}) {
                const Tensor& w = m.layer(layer).params()[0].value;
                const std::size_t per = w.size() / std::size_t(w.dim(0));
                std::vector<double> norms;
                for (int f = 0; f < w.dim(0); ++f) {
                    double s = 0.0;
                    for (std::size_t e = 0; e < per; ++e) {
                        const double v = w.data()[std::size_t(f) * per + e];
                        s += norm == FilterNorm::L1 ? std::fabs(v) : v * v;
                    }
                    norms.push_back(s);
                }
                const auto& kept = plan->keep[std::size_t(layer)];
                double minKept = 1e30, maxRemoved = 0.0;
                for (int f = 0; f < w.dim(0); ++f) {
                    if (std::find(kept.begin(), kept.end(), f) != kept.end())
                        minKept = std::min(minKept, norms[std::size_t(f)]);
                    else
                        maxRemoved = std::max(maxRemoved, norms[std::size_t(f)]);
                }
                QVERIFY(maxRemoved <= minKept);
            }
        }
        const Model other = randomModel(otherNet(), 7);
        QVERIFY(!channelsPrunable(other, 0));   // feeds a sigmoid: sigmoid(0) = 0.5 is no removal
        QVERIFY(channelsPrunable(other, 2));    // → BN → ELU → avgpool → conv
        QVERIFY(channelsPrunable(other, 6));    // → LeakyReLU → dense read flat
        QVERIFY(channelsPrunable(other, 10));   // → GELU → the class layer
        QVERIFY(!channelsPrunable(other, 12));  // the classes
    }

    void structuredModelEqualsMaskedModel_data() {
        QTest::addColumn<int>("net");
        QTest::addColumn<double>("fraction");
        QTest::newRow("conv net 50%") << 0 << 0.5;
        QTest::newRow("conv net 75%") << 0 << 0.75;
        QTest::newRow("other net 50%") << 1 << 0.5;
        QTest::newRow("other net 30%") << 1 << 0.3;
    }
    void structuredModelEqualsMaskedModel() {
        QFETCH(int, net);
        QFETCH(double, fraction);
        const Model m = randomModel(net == 0 ? convNet(8) : otherNet(), 8);
        auto plan = planStructuredPruning(m, fraction, FilterNorm::L1);
        QVERIFY(plan.ok());
        QVERIFY(plan->removed() > 0);
        Model masked = m;
        applyMasks(masked, structuredMasks(m, *plan));
        const Model rebuilt = rebuildPruned(m, *plan);
        QVERIFY(rebuilt.paramCount() < m.paramCount());
        QCOMPARE(rebuilt.outputSize(), m.outputSize());
        for (int i = 0; i < m.layerCount(); ++i)
            if (!plan->keep[std::size_t(i)].empty())
                QCOMPARE(std::size_t(rebuilt.layer(i).params()[0].value.dim(0)), plan->keep[std::size_t(i)].size());

        const Tensor x = randomInput(m, 16, 9);
        Tensor full, a, b;
        m.predictLogits(x, full);
        masked.predictLogits(x, a);
        rebuilt.predictLogits(x, b);
        double scale = 0.0;
        for (std::size_t e = 0; e < a.size(); ++e) scale = std::max(scale, double(std::fabs(a.data()[e])));
        const double diff = maxAbsDiff(a, b);
        qInfo("max |masked − rebuilt| = %.3g (logits up to %.3g)", diff, scale);
        QVERIFY2(diff <= 1e-5 * std::max(1.0, scale), qPrintable(QString::number(diff)));
        QVERIFY(maxAbsDiff(full, a) > 1e-3);  // pruning did change the model

        // Negative control: another cut (each layer keeps one removed channel instead of its
        // first kept one) computes something else.
        StructuredPlan other = *plan;
        for (auto& keep : other.keep) {
            if (keep.empty()) continue;
            int removed = 0;
            while (std::find(keep.begin(), keep.end(), removed) != keep.end()) ++removed;
            keep.front() = removed;
            std::sort(keep.begin(), keep.end());
        }
        Tensor c;
        rebuildPruned(m, other).predictLogits(x, c);
        QVERIFY(maxAbsDiff(a, c) > 1e-3);
    }

    void structuredPruningOfATrainedModel() {
        // Trained weights with BN statistics of real data; masked training keeps the cut filters
        // at zero, and the rebuilt model then still equals the masked one.
        const ModelSpec spec = convNet(m_data->pool.classCount());
        const Model base = trained(setupFor(m_data, spec, 2));
        auto plan = planStructuredPruning(base, 0.5, FilterNorm::L1);
        QVERIFY(plan.ok());
        TrainingSetup s = setupFor(m_data, spec, 2);
        s.config.epochs = 1;
        s.initialModel = base;
        s.masks = structuredMasks(base, *plan);
        const Model tuned = trained(std::move(s));
        const Model rebuilt = rebuildPruned(tuned, *plan);
        const Tensor x = randomInput(base, 8, 10);
        Tensor a, b;
        tuned.predictLogits(x, a);
        rebuilt.predictLogits(x, b);
        double scale = 0.0;
        for (std::size_t e = 0; e < a.size(); ++e) scale = std::max(scale, double(std::fabs(a.data()[e])));
        QVERIFY2(maxAbsDiff(a, b) <= 1e-5 * std::max(1.0, scale), qPrintable(QString::number(maxAbsDiff(a, b))));
    }

private:
    std::unique_ptr<tbb::global_control> m_parallelism;
    std::shared_ptr<const DatasetBundle> m_data;
};

QTEST_APPLESS_MAIN(PruningTest)
#include "tst_pruning.moc"
