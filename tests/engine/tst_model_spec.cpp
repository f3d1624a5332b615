// ModelSpec: presets and their parameter counts, validation messages (every problem, in words),
// the layer registry's option metadata, and JSON round trips.
#include <QtTest>

#include "engine/nn/layer_registry.h"
#include "engine/nn/model.h"
#include "engine/nn/model_spec.h"

using namespace studio;
using nlohmann::json;

namespace {

ModelSpec specOf(const char* text) {
    auto spec = ModelSpec::fromJson(json::parse(text), "test.json");
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    return *spec;
}

QString problems(const SpecReport& r) { return QString::fromStdString(r.problemText()); }

}  // namespace

class ModelSpecTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void presetParams_data();
    void presetParams();
    void presetNeedsImages();
    void problem_data();
    void problem();
    void everyProblemIsReported();
    void buildFailsWithAllProblems();
    void classMismatch();
    void hugeModelIsRefusedBeforeAllocating();
    void registryMetadata();
    void defaultsBuildEveryKind();
    void jsonRoundTrip_data();
    void jsonRoundTrip();
    void layerOptionsRoundTrip();
    void flops();
};

void ModelSpecTest::presetParams_data() {
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("input");
    QTest::addColumn<int>("classes");
    QTest::addColumn<qint64>("params");
    QTest::newRow("lenet mnist") << "lenet" << "1x28x28" << 10 << qint64(61706);
    QTest::newRow("mlp mnist") << "mlp" << "1x28x28" << 10 << qint64(235146);
    // conv 32·9+32, conv 32·288+32, conv 64·288+64, dense 3136·128+128, dense 128·10+10
    QTest::newRow("cnn mnist") << "cnn" << "1x28x28" << 10 << qint64(320 + 9248 + 18496 + 401536 + 1290);
    // conv 320, bn 64, conv 18496, bn 128, dense 401536, bn 256, dense 1290 (running stats not counted)
    QTest::newRow("cnn-bn mnist") << "cnn-bn" << "1x28x28" << 10 << qint64(320 + 64 + 18496 + 128 + 401536 + 256 + 1290);
    // CIFAR: lenet conv1 6·3·25+6, conv2 2416, dense 16·6·6→120 ... on 32×32 pad 2: 32→16→12→6
    QTest::newRow("lenet cifar") << "lenet" << "3x32x32" << 10 << qint64(456 + 2416 + (576 * 120 + 120) + 10164 + 850);
    QTest::newRow("mlp features") << "mlp" << "2" << 3 << qint64(2 * 256 + 256 + 32896 + 128 * 3 + 3);
}

void ModelSpecTest::presetParams() {
    QFETCH(QString, preset);
    QFETCH(QString, input);
    QFETCH(int, classes);
    QFETCH(qint64, params);
    Shape in;
    for (const QString& d : input.split('x')) in.push_back(d.toInt());
    auto spec = presetSpec(preset.toStdString(), in, classes);
    QVERIFY2(spec.ok(), spec.ok() ? "" : spec.error().what().c_str());
    const SpecReport report = analyzeSpec(*spec);
    QVERIFY2(report.ok(), qPrintable(problems(report)));
    QCOMPARE(report.totalParams, params);
    auto model = Model::build(*spec);
    QVERIFY(model.ok());
    QCOMPARE(model->paramCount(), params);
    QCOMPARE(model->outputSize(), classes);
}

void ModelSpecTest::presetNeedsImages() {
    auto spec = presetSpec("cnn", {2}, 3);
    QVERIFY(!spec.ok());
    QVERIFY(QString::fromStdString(spec.error().message()).contains("needs images"));
}

void ModelSpecTest::problem_data() {
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("expected");
    QTest::newRow("kernel too large") << R"({"input": [1, 10, 10], "classes": 2, "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 2, "stride": 2}, {"type": "relu"},
        {"type": "conv2d", "filters": 4, "kernel": 7}, {"type": "flatten"}, {"type": "dense", "units": "classes"}]})"
        << "layer 3 conv2d: kernel 7 is larger than its 5×5 input (add padding or use a smaller kernel)";
    QTest::newRow("kernel too large even padded") << R"({"input": [1, 4, 6], "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 9, "padding": 2}]})"
        << "layer 1 conv2d: kernel 9 is larger than its 4×6 input padded to 8×10 (add padding or use a smaller kernel)";
    QTest::newRow("conv after flatten") << R"({"input": [1, 8, 8], "layers": [
        {"type": "flatten"}, {"type": "dense", "units": 120}, {"type": "conv2d", "filters": 4}]})"
        << "layer 3 conv2d: needs an image input (C×H×W) but gets 120 features; put it before flatten/dense";
    QTest::newRow("pool on features") << R"({"input": [30], "layers": [{"type": "maxpool2d"}]})"
        << "layer 1 maxpool2d: needs an image input (C×H×W) but gets 30 features; put it before flatten/dense";
    QTest::newRow("global pool on features") << R"({"input": [30], "layers": [{"type": "globalavgpool"}]})"
        << "layer 1 globalavgpool: needs an image input (C×H×W) but gets 30 features; put it before flatten/dense";
    QTest::newRow("pool window too large") << R"({"input": [3, 2, 2], "layers": [{"type": "avgpool2d", "size": 3}]})"
        << "layer 1 avgpool2d: window 3 is larger than its 2×2 input (use a smaller size or pool less often)";
    QTest::newRow("unknown option") << R"({"input": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 4, "kernal": 3}]})"
        << "layer 1 conv2d: unknown option 'kernal'";
    QTest::newRow("missing filters") << R"({"input": [1, 8, 8], "layers": [{"type": "conv2d", "kernel": 3}]})"
        << "layer 1 conv2d: 'filters' is required";
    QTest::newRow("option out of range") << R"({"input": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 0}]})"
        << "layer 1 conv2d: 'filters' is 0 but must be between 1 and 4096";
    QTest::newRow("padding not below kernel") << R"({"input": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 2, "kernel": 3, "padding": 3}]})"
        << "layer 1 conv2d: padding 3 must be smaller than kernel 3 (use padding 1 to keep the size)";
    QTest::newRow("bad init") << R"({"input": [1, 8, 8], "layers": [{"type": "conv2d", "filters": 2, "init": "zeros"}]})"
        << "layer 1 conv2d: 'init' is \"zeros\" but must be one of he, glorot";
    QTest::newRow("dropout rate 1") << R"({"input": [5], "layers": [{"type": "dropout", "rate": 1}]})"
        << "layer 1 dropout: 'rate' is 1 but must be below 1 (a rate of 1 would drop everything)";
    QTest::newRow("batchnorm momentum") << R"({"input": [5], "layers": [{"type": "batchnorm", "momentum": 2}]})"
        << "layer 1 batchnorm: 'momentum' is 2 but must be between 0.0 and 1.0";
    QTest::newRow("batchnorm on 2-D") << R"({"input": [4, 5], "layers": [{"type": "batchnorm"}]})"
        << "layer 1 batchnorm: needs features (F) or an image (C×H×W) but gets a 4×5 input";
    QTest::newRow("several problems in one layer") << R"({"input": [1, 8, 8], "layers": [{"type": "maxpool2d", "size": 0, "colour": 1}]})"
        << "layer 1 maxpool2d: 'size' is 0 but must be between 1 and 64; unknown option 'colour'";
    QTest::newRow("unknown type") << R"({"input": [1, 8, 8], "layers": [{"type": "flatten"}, {"type": "convolution"}]})"
        << "layer 2 convolution: unknown layer type 'convolution' (known: dense, conv2d, maxpool2d, avgpool2d, "
           "globalavgpool, batchnorm, dropout, flatten, relu, leakyrelu, elu, gelu, tanh, sigmoid)";
}

void ModelSpecTest::problem() {
    QFETCH(QString, spec);
    QFETCH(QString, expected);
    const SpecReport report = analyzeSpec(specOf(spec.toUtf8().constData()));
    QCOMPARE(problems(report), expected);
}

void ModelSpecTest::everyProblemIsReported() {
    // Three broken layers, and the shape inference carries on past each one.
    const SpecReport report = analyzeSpec(specOf(R"({"input": [1, 6, 6], "classes": 3, "layers": [
        {"type": "conv2d", "kernel": 3},
        {"type": "maxpool2d", "size": 9},
        {"type": "conv2d", "filters": 2, "kernel": 3},
        {"type": "flatten"},
        {"type": "dense", "units": "classes", "activation": "relu"}]})"));
    QCOMPARE(report.problems.size(), std::size_t(3));
    QCOMPARE(report.problems[0], std::string("layer 1 conv2d: 'filters' is required"));
    QCOMPARE(report.problems[1], std::string("layer 2 maxpool2d: window 9 is larger than its 6×6 input (use a smaller size or pool less often)"));
    QCOMPARE(report.problems[2], std::string("layer 5 dense: unknown option 'activation'"));
    QCOMPARE(report.layers.size(), std::size_t(5));
    QCOMPARE(report.layers[2].output, (Shape{2, 4, 4}));   // layer 3 still inferred
}

void ModelSpecTest::buildFailsWithAllProblems() {
    auto model = Model::build(specOf(R"({"input": [30], "layers": [{"type": "conv2d", "filters": 2}, {"type": "maxpool2d"}]})"));
    QVERIFY(!model.ok());
    const QString text = QString::fromStdString(model.error().message());
    QVERIFY(text.contains("layer 1 conv2d: needs an image input"));
    QVERIFY(text.contains("layer 2 maxpool2d: needs an image input"));
}

void ModelSpecTest::classMismatch() {
    const SpecReport report = analyzeSpec(specOf(R"({"input": [1, 4, 4], "classes": 10, "layers": [
        {"type": "flatten"}, {"type": "dense", "units": 5}]})"));
    QCOMPARE(problems(report), QString("the last layer gives 5 outputs but the dataset has 10 classes; end with a "
                                       "dense layer of \"units\": \"classes\""));
    QVERIFY(analyzeSpec(specOf(R"({"input": [1, 4, 4], "classes": 10, "layers": [
        {"type": "globalavgpool"}, {"type": "dense", "units": "classes"}]})")).ok());
}

void ModelSpecTest::hugeModelIsRefusedBeforeAllocating() {
    // 40 dense layers of 8192×8192 (67 M weights each, 2.7 G in all): refused once the running
    // count passes the cap, so at most one layer beyond it is ever allocated.
    std::string layers;
    for (int i = 0; i < 40; ++i) layers += std::string(i ? ", " : "") + R"({"type": "dense", "units": 8192})";
    const std::string text = "{\"input\": [8192], \"layers\": [" + layers + "]}";
    const SpecReport report = analyzeSpec(specOf(text.c_str()));
    QVERIFY(!report.ok());
    QVERIFY2(problems(report).contains("million parameters, too many to train on a CPU"), qPrintable(problems(report)));
    QVERIFY(report.totalParams < 300'000'000);
    QVERIFY(!Model::build(specOf(text.c_str())).ok());
}

void ModelSpecTest::registryMetadata() {
    for (const char* kind : {"conv2d", "maxpool2d", "avgpool2d", "globalavgpool", "batchnorm", "dropout", "dense",
                             "flatten", "relu"}) {
        const LayerKindInfo* info = findLayerKind(kind);
        QVERIFY2(info, kind);
        QVERIFY(!info->label.empty());
        QVERIFY2(info->help.size() > 20 && info->help.back() == '.', kind);
        for (const auto& o : info->options) {
            QVERIFY2(o.help.size() > 15 && o.help.back() == '.', qPrintable(QString("%1.%2").arg(kind, o.key.c_str())));
            if (o.type == LayerOptionInfo::Type::Choice) QVERIFY(!o.choices.empty());
        }
    }
    const LayerKindInfo* conv = findLayerKind("conv2d");
    QStringList keys;
    for (const auto& o : conv->options) keys << QString::fromStdString(o.key);
    QCOMPARE(keys, (QStringList{"filters", "kernel", "stride", "padding", "bias", "init"}));
    QVERIFY(conv->options[0].fallback.is_null());   // required
    QCOMPARE(conv->options[1].fallback, json(3));
}

void ModelSpecTest::defaultsBuildEveryKind() {
    // Every option's documented default is accepted, for every kind, on an image and (where it
    // makes sense) on a feature vector.
    for (const auto& info : layerKinds()) {
        json options = json::object();
        for (const auto& o : info.options)
            options[o.key] = o.fallback.is_null() ? json(4) : o.fallback;
        auto onImage = createLayer(info.kind, options, {3, 8, 8});
        QVERIFY2(onImage.ok(), qPrintable(QString::fromStdString(info.kind + ": " + (onImage.ok() ? "" : onImage.error().message()))));
        // Options echo back what the spec would need to rebuild the layer.
        auto again = createLayer(info.kind, (*onImage)->options(), {3, 8, 8});
        QVERIFY(again.ok());
        QCOMPARE((*again)->outputShape(), (*onImage)->outputShape());
        QCOMPARE((*again)->paramCount(), (*onImage)->paramCount());
    }
}

void ModelSpecTest::jsonRoundTrip_data() {
    QTest::addColumn<QString>("preset");
    for (const auto& name : presetNames()) QTest::newRow(name.c_str()) << QString::fromStdString(name);
}

void ModelSpecTest::jsonRoundTrip() {
    QFETCH(QString, preset);
    auto spec = presetSpec(preset.toStdString(), {1, 28, 28}, 10);
    QVERIFY(spec.ok());
    const json j = spec->toJson();
    auto back = ModelSpec::fromJson(json::parse(j.dump()), "round trip");
    QVERIFY(back.ok());
    QCOMPARE(back->toJson(), j);
    QCOMPARE(back->name, spec->name);
    QCOMPARE(back->input, spec->input);
    QCOMPARE(back->classes, 10);
    QCOMPARE(back->layers.size(), spec->layers.size());
    QCOMPARE(analyzeSpec(*back).totalParams, analyzeSpec(*spec).totalParams);
}

void ModelSpecTest::layerOptionsRoundTrip() {
    // A built model's layers describe themselves: kind() + options() rebuild an identical spec.
    auto spec = specOf(R"({"input": [3, 12, 10], "classes": 4, "layers": [
        {"type": "conv2d", "filters": 5, "kernel": 5, "stride": 2, "padding": 2, "bias": false, "init": "glorot"},
        {"type": "batchnorm", "momentum": 0.2, "epsilon": 0.001}, {"type": "leakyrelu", "alpha": 0.2},
        {"type": "maxpool2d", "size": 3, "stride": 1}, {"type": "avgpool2d"}, {"type": "dropout", "rate": 0.25},
        {"type": "globalavgpool"}, {"type": "dense", "units": "classes"}]})");
    auto model = Model::build(spec);
    QVERIFY2(model.ok(), model.ok() ? "" : model.error().what().c_str());
    ModelSpec rebuilt;
    rebuilt.input = spec.input;
    rebuilt.classes = spec.classes;
    for (int i = 0; i < model->layerCount(); ++i)
        rebuilt.layers.push_back({model->layer(i).kind(), model->layer(i).options()});
    const SpecReport a = analyzeSpec(spec), b = analyzeSpec(rebuilt);
    QVERIFY(b.ok());
    QCOMPARE(b.totalParams, a.totalParams);
    for (std::size_t i = 0; i < a.layers.size(); ++i) QCOMPARE(b.layers[i].output, a.layers[i].output);
    QCOMPARE(a.layers[0].output, (Shape{5, 6, 5}));
    QCOMPARE(a.layers[3].output, (Shape{5, 4, 3}));
    QCOMPARE(a.layers[4].output, (Shape{5, 2, 1}));
}

void ModelSpecTest::flops() {
    auto spec = presetSpec("cnn", {1, 28, 28}, 10);
    const SpecReport r = analyzeSpec(*spec);
    QCOMPARE(r.layers[0].flops, std::int64_t(2) * 32 * 9 * 784);
    QCOMPARE(r.layers[2].flops, std::int64_t(2) * 32 * 288 * 784);
    QCOMPARE(r.layers[5].flops, std::int64_t(2) * 64 * 288 * 196);
    QCOMPARE(r.layers[9].flops, std::int64_t(2) * 3136 * 128);
}

QTEST_APPLESS_MAIN(ModelSpecTest)
#include "tst_model_spec.moc"
