// ONNX export (engine/deploy/onnx_export.h) and its parity check (onnx_parity.h): every preset,
// trained a little on `shapes` so BatchNorm's running statistics are not trivial, exported,
// accepted by ONNX's checker and run by OpenCV DNN with the same probabilities as the engine;
// every layer kind and a 3-channel normalization on random weights; BatchNorm folded away
// where a Conv/Dense precedes it; the metadata present; negative controls: a model changed after
// its export fails parity, corrupt and truncated files are refused with a message naming them.

#include <QElapsedTimer>
#include <QtTest>

#include <algorithm>
#include <map>
#include <memory>

#include "engine/core/rng.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_parity.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

std::shared_ptr<const DatasetBundle> shapesData() {
    static std::shared_ptr<const DatasetBundle> data = [] {
        auto d = generateDataset("shapes", 3, 1600);
        if (!d) qFatal("%s", d.error().what().c_str());
        return std::make_shared<const DatasetBundle>(std::move(*d));
    }();
    return data;
}

// A preset trained for one short epoch: weights and BatchNorm statistics away from their init.
SnapshotPtr trainedPreset(const std::string& preset) {
    static std::map<std::string, SnapshotPtr> trained;
    if (auto it = trained.find(preset); it != trained.end()) return it->second;
    auto data = shapesData();
    auto spec = presetSpec(preset, data->pool.sampleShape(), data->pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    TrainingSetup setup;
    setup.data = data;
    setup.config.epochs = 1;
    setup.config.batchSize = 64;
    setup.config.seed = 11;
    setup.config.schedule.baseLr = 3e-3f;
    setup.split = splitDataset(*data, setup.config.validationFraction, setup.config.testFraction, setup.config.seed);
    setup.spec = *spec;
    auto outcome = trainToEnd(setup);
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return trained[preset] = outcome->snapshot;
}

std::vector<std::uint8_t> exported(const ModelSnapshot& s) {
    auto bytes = exportOnnx(s);
    if (!bytes) qFatal("%s", bytes.error().what().c_str());
    return std::move(*bytes);
}

int count(const std::vector<std::string>& ops, const std::string& op) {
    return static_cast<int>(std::count(ops.begin(), ops.end(), op));
}

}  // namespace

class TestOnnxExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void presetParity_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("batchNorms");
        QTest::newRow("mlp") << "mlp" << 0;
        QTest::newRow("lenet") << "lenet" << 0;
        QTest::newRow("cnn") << "cnn" << 0;
        QTest::newRow("cnn-bn") << "cnn-bn" << 3;
    }
    void presetParity() {
        QFETCH(QString, preset);
        QFETCH(int, batchNorms);
        const SnapshotPtr s = trainedPreset(preset.toStdString());
        if (batchNorms > 0) {
            // The statistics moved away from (0, 1): folding them is really tested.
            const auto params = s->model.params();
            bool moved = false;
            for (const Param* p : params)
                if (p->name == "running_mean")
                    for (std::size_t i = 0; i < p->value.size(); ++i) moved |= std::abs(p->value[i]) > 1e-3f;
            QVERIFY(moved);
        }
        QElapsedTimer timer;
        timer.start();
        const auto bytes = exported(*s);
        QVERIFY(checkOnnxBytes(bytes, "export.onnx").ok());
        auto images = parityImages(*shapesData(), *s);
        QVERIFY2(images.ok(), images.ok() ? "" : images.error().what().c_str());
        QCOMPARE(images->where, std::string("test split"));
        auto r = checkOnnxParity(*s, bytes, *images->data, images->indices, "export.onnx");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().what().c_str());
        qInfo("%s: %zu bytes, export + parity %lld ms; %s", qPrintable(preset), bytes.size(),
              static_cast<long long>(timer.elapsed()), r->verdict.c_str());
        QVERIFY2(r->passed, r->verdict.c_str());
        QCOMPARE(r->images, static_cast<int>(images->indices.size()));
        QVERIFY(r->images >= 100);
        QCOMPARE(r->opset, 13);
        QVERIFY(r->maxAbsDiff <= 1e-4);
        QVERIFY(r->top1Agreement >= 0.99);

        auto summary = readOnnxSummary(bytes, "export.onnx");
        QVERIFY(summary.ok());
        // BatchNorm folded into the Conv/Dense before it; Dropout gone; Dense as Gemm; Softmax last.
        QCOMPARE(count(summary->opTypes, "BatchNormalization"), 0);
        QCOMPARE(count(summary->opTypes, "Dropout"), 0);
        QCOMPARE(count(summary->opTypes, "Clip"), 0);
        QVERIFY(count(summary->opTypes, "Gemm") >= 1);
        QCOMPARE(summary->opTypes.back(), std::string("Softmax"));
        QCOMPARE(summary->opTypes.front(), std::string("Sub"));   // normalization first
    }

    void metadataPresent() {
        const SnapshotPtr s = trainedPreset("mlp");
        const auto bytes = exported(*s);
        auto summary = readOnnxSummary(bytes, "m.onnx");
        QVERIFY(summary.ok());
        const auto& m = summary->metadata;
        const auto names = nlohmann::json::parse(m.at("class_names"));
        QCOMPARE(names.get<std::vector<std::string>>(), s->classNames);
        QCOMPARE(m.at("input_size"), std::string("28x28"));
        QCOMPARE(m.at("channels"), std::string("1"));
        QCOMPARE(m.at("resize_mode"), s->preprocessing.resize);
        const auto summaryJson = nlohmann::json::parse(m.at("training_summary"));
        QCOMPARE(summaryJson.at("epochs").get<int>(), s->epoch);
        QVERIFY(summaryJson.at("train_config").contains("batchSize"));
        QCOMPARE(m.at("dataset"), s->datasetName);
        // The same snapshot exports the same bytes.
        QVERIFY(exported(*s) == bytes);
    }

    // Every layer kind on a 3-channel input with its own per-channel normalization, random
    // weights and random BatchNorm statistics; one BatchNorm after an activation cannot fold.
    void everyLayerKind() {
        auto spec = ModelSpec::fromJson(nlohmann::json::parse(R"({"input": [3, 12, 12], "classes": 4, "layers": [
            {"type": "batchnorm"},
            {"type": "conv2d", "filters": 6, "kernel": 3, "padding": 1, "stride": 1}, {"type": "dropout", "rate": 0.5},
            {"type": "batchnorm"}, {"type": "gelu"}, {"type": "avgpool2d", "size": 2},
            {"type": "conv2d", "filters": 5, "kernel": 3, "stride": 2, "bias": false}, {"type": "leakyrelu", "alpha": 0.1},
            {"type": "batchnorm"}, {"type": "maxpool2d", "size": 2, "stride": 1}, {"type": "elu"},
            {"type": "globalavgpool"}, {"type": "dense", "units": 7}, {"type": "tanh"},
            {"type": "dense", "units": 9, "bias": false}, {"type": "batchnorm"}, {"type": "sigmoid"},
            {"type": "dense", "units": "classes"}]})"));
        QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().what().c_str());
        auto model = Model::build(*spec);
        QVERIFY2(model.ok(), model.ok() ? "" : model.error().what().c_str());
        model->initialize(5);
        Rng rng = Rng::forStream(5, RngPurpose::Test, 99);
        for (Param* p : model->params()) {
            if (p->name == "running_var")
                for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] = 0.5f + rng.uniform();
            else if (p->name != "weight")
                for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] = rng.uniform() - 0.5f;
        }
        Dataset data = Dataset::images("random", 3, 12, 12, {"a", "b", "c", "d"});
        std::vector<std::uint8_t> px(3 * 12 * 12);
        for (int i = 0; i < 300; ++i) {
            for (auto& v : px) v = static_cast<std::uint8_t>(rng.uniform() * 255.0f);
            data.addImage(px.data(), i % 4);
        }
        ModelSnapshot s = *trainedPreset("mlp");
        s.model = std::move(*model);
        s.preprocessing = Preprocessing::identity({3, 12, 12}, true);
        s.classNames = {"a", "b", "c", "d"};
        s.preprocessing.mean = {0.2f, 0.5f, 0.7f};
        s.preprocessing.stddev = {0.3f, 0.1f, 0.25f};
        const auto bytes = exported(s);
        std::vector<int> all(300);
        for (int i = 0; i < 300; ++i) all[static_cast<std::size_t>(i)] = i;
        auto r = checkOnnxParity(s, bytes, data, all, "kinds.onnx");
        QVERIFY2(r.ok(), r.ok() ? "" : r.error().what().c_str());
        qInfo("every layer kind: %s", r->verdict.c_str());
        QVERIFY2(r->passed, r->verdict.c_str());
        auto summary = readOnnxSummary(bytes, "kinds.onnx");
        QVERIFY(summary.ok());
        // The first (no layer before it) and the one after leakyrelu stay nodes; the ones after
        // a conv (past a dropout) and after a dense fold into them.
        QCOMPARE(count(summary->opTypes, "BatchNormalization"), 2);
        QCOMPARE(count(summary->opTypes, "Conv"), 2);
        QCOMPARE(count(summary->opTypes, "Gemm"), 3);
        QCOMPARE(count(summary->opTypes, "GlobalAveragePool"), 1);
        QCOMPARE(count(summary->opTypes, "Tanh"), 2);   // the layer and GELU's
    }

    // Negative control: the parity check sees a model that no longer matches its export.
    void changedModelFailsParity() {
        const SnapshotPtr s = trainedPreset("lenet");
        const auto bytes = exported(*s);
        ModelSnapshot changed = *s;
        auto params = changed.model.params();
        Tensor& lastBias = params.back()->value;
        lastBias[0] += 0.5f;
        auto images = parityImages(*shapesData(), changed);
        QVERIFY(images.ok());
        auto r = checkOnnxParity(changed, bytes, *images->data, images->indices, "stale.onnx");
        QVERIFY(r.ok());
        QVERIFY(!r->passed);
        QVERIFY(r->maxAbsDiff > 1e-3);
        QVERIFY(r->verdict.find("FAILED") != std::string::npos);
    }

    void corruptFilesAreRefused_data() {
        QTest::addColumn<int>("mode");
        QTest::newRow("truncated") << 0;
        QTest::newRow("flipped bytes") << 1;
        QTest::newRow("empty") << 2;
        QTest::newRow("not onnx") << 3;
    }
    void corruptFilesAreRefused() {
        QFETCH(int, mode);
        static const SnapshotPtr s = trainedPreset("mlp");
        auto bytes = exported(*s);
        if (mode == 0) bytes.resize(bytes.size() / 2);
        if (mode == 1)
            for (std::size_t i = 0; i < 64; ++i) bytes[bytes.size() / 3 + i] ^= 0x5a;
        if (mode == 2) bytes.clear();
        if (mode == 3) bytes.assign({'T', 'S', 'M', 'O', 'D', 'E', 'L', 0, 1, 0, 0, 0});
        auto images = parityImages(*shapesData(), *s);
        QVERIFY(images.ok());
        auto r = checkOnnxParity(*s, bytes, *images->data, images->indices, "broken.onnx");
        if (r.ok()) {
            // A flip inside the float weights parses and loads: then the figures must say so.
            QCOMPARE(mode, 1);
            QVERIFY(!r->passed);
        } else {
            QVERIFY2(r.error().what().find("broken.onnx") != std::string::npos, r.error().what().c_str());
            QVERIFY(!r.error().hint().empty());
        }
    }

    void wrongDataIsRefused() {
        const SnapshotPtr s = trainedPreset("mlp");
        const auto bytes = exported(*s);
        Dataset other = Dataset::images("tiny", 3, 8, 8, {"x", "y"});
        std::vector<std::uint8_t> px(3 * 8 * 8, 7);
        other.addImage(px.data(), 0);
        auto r = checkOnnxParity(*s, bytes, other, {0}, "m.onnx");
        QVERIFY(!r.ok());
        QVERIFY(r.error().what().find("tiny") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnx_export.moc"
