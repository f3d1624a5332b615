// Feature maps and filters (engine/infer/layer_activations.h). Oracle: for every layer k, a
// model built from the first k+1 layers of the spec with the same weights, run through
// Model::predictLogits (the model's own forward), gives exactly the activation of layer k; the
// last activation equals snapshotLogits. Filter and template images have the layer's shape and
// hold its weights element for element. Bad inputs are errors.

#include <QtTest>

#include <algorithm>

#include "engine/core/rng.h"
#include "engine/infer/layer_activations.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/nn/model.h"

using namespace studio;

namespace {

Model build(const ModelSpec& spec, std::uint64_t seed) {
    auto m = Model::build(spec);
    if (!m.ok()) qFatal("%s", m.error().what().c_str());
    m->initialize(seed);
    return std::move(*m);
}

ModelSpec preset(const std::string& name, const Shape& input, int classes) {
    auto s = presetSpec(name, input, classes);
    if (!s.ok()) qFatal("%s", s.error().what().c_str());
    return *s;
}

Tensor randomInput(const Shape& sample, std::uint64_t seed) {
    Shape shape{1};
    shape.insert(shape.end(), sample.begin(), sample.end());
    Tensor x(shape);
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 7);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

ModelSnapshot snapshotOf(Model m) {
    ModelSnapshot s{std::move(m), Preprocessing{}, {}, "", nlohmann::json::object(), nlohmann::json::object(), 0};
    return s;
}

// BatchNorm running statistics other than 0/1, so inference mode is really exercised.
void perturbStatistics(Model& m) {
    Rng rng = Rng::forStream(5, RngPurpose::Test, 3);
    for (Param* p : m.params())
        if (!p->trainable)
            for (std::size_t i = 0; i < p->value.size(); ++i)
                p->value[i] = p->name == "running_var" ? 0.5f + rng.uniform() : rng.normal() * 0.3f;
}

// The first `count` layers of `full` with its weights copied in.
Model prefixModel(const Model& full, int count) {
    ModelSpec spec = full.spec();
    spec.classes = 0;  // the prefix does not end in the classes
    spec.layers.clear();
    for (int i = 0; i < count; ++i) {
        LayerSpec l = full.spec().layers[static_cast<std::size_t>(i)];
        l.options = full.spec().resolvedOptions(static_cast<std::size_t>(i));
        spec.layers.push_back(l);
    }
    Model m = build(spec, 1);
    const auto from = full.params();
    auto to = m.params();
    for (std::size_t i = 0; i < to.size(); ++i) to[i]->value = from[i]->value;
    return m;
}

}  // namespace

class TestLayerActivations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void equalsTheModelsOwnForwardAtEveryLayer_data() {
        QTest::addColumn<QString>("presetName");
        QTest::addColumn<int>("channels");
        QTest::newRow("lenet gray") << "lenet" << 1;
        QTest::newRow("cnn-bn gray") << "cnn-bn" << 1;
        QTest::newRow("cnn rgb") << "cnn" << 3;
        QTest::newRow("mlp") << "mlp" << 1;
    }
    void equalsTheModelsOwnForwardAtEveryLayer() {
        QFETCH(QString, presetName);
        QFETCH(int, channels);
        const Shape input{channels, 28, 28};
        ModelSnapshot snapshot = snapshotOf(build(preset(presetName.toStdString(), input, 10), 42));
        perturbStatistics(snapshot.model);
        snapshot.preprocessing.inputShape = input;
        const Tensor x = randomInput(input, 9);

        auto acts = snapshotActivations(snapshot, x);
        QVERIFY2(acts.ok(), acts.ok() ? "" : acts.error().what().c_str());
        QCOMPARE(static_cast<int>(acts->size()), snapshot.model.layerCount());
        int convs = 0;
        for (int k = 0; k < snapshot.model.layerCount(); ++k) {
            const LayerActivation& a = (*acts)[static_cast<std::size_t>(k)];
            QCOMPARE(a.layer, k);
            QCOMPARE(a.kind, snapshot.model.layer(k).kind());
            QCOMPARE(a.shape, snapshot.model.layer(k).outputShape());
            Tensor oracle;
            prefixModel(snapshot.model, k + 1).predictLogits(x, oracle);
            QCOMPARE(a.values.size(), oracle.size());
            float lo = oracle[0], hi = oracle[0];
            for (std::size_t i = 0; i < oracle.size(); ++i) {
                if (a.values[i] != oracle[i])
                    QFAIL(qPrintable(QString("layer %1 (%2) value %3: %4 != %5").arg(k).arg(QString::fromStdString(a.kind))
                                         .arg(i).arg(a.values[i]).arg(oracle[i])));
                lo = std::min(lo, oracle[i]);
                hi = std::max(hi, oracle[i]);
            }
            QCOMPARE(a.minValue, lo);
            QCOMPARE(a.maxValue, hi);
            if (a.kind == "conv2d") {
                ++convs;
                QCOMPARE(static_cast<int>(a.shape.size()), 3);
                QVERIFY(hi > lo);  // a real map, not a constant
            }
        }
        QCOMPARE(convs > 0, presetName != "mlp");
        Tensor logits;
        snapshotLogits(snapshot, x, logits);
        QCOMPARE(acts->back().values.size(), logits.size());
        for (std::size_t i = 0; i < logits.size(); ++i) QCOMPARE(acts->back().values[i], logits[i]);
    }

    void firstConvFiltersHaveTheLayersShape() {
        const Shape input{3, 32, 32};
        Model m = build(preset("cnn", input, 10), 3);
        auto filters = firstConvFilters(m);
        QVERIFY(filters.has_value());
        const Layer& conv = m.layer(filters->layer);
        QCOMPARE(conv.kind(), std::string("conv2d"));
        for (int i = 0; i < filters->layer; ++i) QVERIFY(m.layer(i).kind() != "conv2d");
        const Tensor& w = conv.params()[0].value;
        QCOMPARE(static_cast<int>(filters->images.size()), w.dim(0));
        for (int f = 0; f < w.dim(0); ++f) {
            const WeightImage& img = filters->images[static_cast<std::size_t>(f)];
            QCOMPARE(img.channels, 3);
            QCOMPARE(img.height, w.dim(2));
            QCOMPARE(img.width, w.dim(3));
            QCOMPARE(img.values.size(), static_cast<std::size_t>(3 * w.dim(2) * w.dim(3)));
            for (int c = 0; c < 3; ++c)
                for (int y = 0; y < img.height; ++y)
                    for (int xx = 0; xx < img.width; ++xx) {
                        const std::size_t flat = ((static_cast<std::size_t>(f) * 3 + c) * w.dim(2) + y) * w.dim(3) + xx;
                        QCOMPARE(img.values[(static_cast<std::size_t>(c) * img.height + y) * img.width + xx], w[flat]);
                    }
            QCOMPARE(img.minValue, *std::min_element(img.values.begin(), img.values.end()));
            QCOMPARE(img.maxValue, *std::max_element(img.values.begin(), img.values.end()));
        }
        // A conv net's first dense layer reads feature maps, not pixels: no templates.
        QVERIFY(!firstDenseTemplates(m).has_value());
    }

    void denseTemplatesHaveTheInputsShape() {
        const Shape input{1, 28, 28};
        Model m = build(preset("mlp", input, 10), 4);
        QVERIFY(!firstConvFilters(m).has_value());
        auto templates = firstDenseTemplates(m);
        QVERIFY(templates.has_value());
        const Tensor& w = m.layer(templates->layer).params()[0].value;  // (256, 784)
        QCOMPARE(static_cast<int>(templates->images.size()), w.dim(0));
        const WeightImage& last = templates->images.back();
        QCOMPARE(last.channels, 1);
        QCOMPARE(last.height, 28);
        QCOMPARE(last.width, 28);
        for (int i = 0; i < 784; ++i)
            QCOMPARE(last.values[static_cast<std::size_t>(i)], w[static_cast<std::size_t>(w.dim(0) - 1) * 784 + i]);

        // Feature vectors are not images: no templates.
        Model vectors = build(preset("mlp", Shape{2}, 3), 4);
        QVERIFY(!firstDenseTemplates(vectors).has_value());
    }

    void wrongInputIsAnError() {
        const Shape input{1, 28, 28};
        ModelSnapshot snapshot = snapshotOf(build(preset("lenet", input, 10), 1));
        snapshot.preprocessing.inputShape = input;
        auto acts = snapshotActivations(snapshot, randomInput(Shape{1, 14, 14}, 1));
        QVERIFY(!acts.ok());
        QVERIFY(acts.error().what().find("1×28×28") != std::string::npos);
        Tensor two({2, 1, 28, 28});
        QVERIFY(!snapshotActivations(snapshot, two).ok());
    }
};

QTEST_APPLESS_MAIN(TestLayerActivations)
#include "tst_layer_activations.moc"
