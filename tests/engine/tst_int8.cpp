// INT8 post-training quantization: the integer kernels against naive loops, the quantization
// error bounds, BatchNorm folding, the quantized layers against float arithmetic on the same
// grid, a trained lenet's INT8 predictions against its float ones, the v2 model file (round
// trip, size, v1 files still loading, hostile int8 tables) and the empty-calibration error.
#include <QtTest>

#include <cmath>
#include <cstring>
#include <random>

#include "engine/core/int8_gemm.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_parity.h"
#include "engine/deploy/qdq_export.h"
#include "engine/deploy/quantize.h"
#include "engine/deploy/quantized_model.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "engine/train/trainer.h"

using namespace studio;
using nlohmann::json;

namespace {

std::vector<Int8Kernel> availableKernels() {
    std::vector<Int8Kernel> out;
    for (Int8Kernel k : {Int8Kernel::Portable, Int8Kernel::Avx2, Int8Kernel::Avx512Vnni})
        if (int8KernelAvailable(k)) out.push_back(k);
    return out;
}

ModelSpec specFrom(const char* text, const Shape& input, int classes) {
    auto spec = ModelSpec::fromJson(json::parse(text));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->input = input;
    spec->classes = classes;
    return *spec;
}

// A dataset of random images (the calibration data for the untrained models).
Dataset randomImages(const Shape& shape, int n, std::uint64_t seed) {
    Dataset d = Dataset::images("random", shape[0], shape[1], shape[2], {"a", "b"});
    std::mt19937 rng(static_cast<std::uint32_t>(seed));
    std::vector<std::uint8_t> px(shapeSize(shape));
    for (int i = 0; i < n; ++i) {
        for (auto& p : px) p = static_cast<std::uint8_t>(rng() % 256);
        d.addImage(px.data(), i % 2);
    }
    return d;
}

std::vector<int> firstIndices(int n) {
    std::vector<int> v(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) v[static_cast<std::size_t>(i)] = i;
    return v;
}

struct TrainedLenet {
    std::shared_ptr<const DatasetBundle> data;
    DataSplit split;
    ModelSnapshot snapshot;
};

// lenet on 2400 generated shapes, 3 epochs: a real trained model in a few seconds.
const TrainedLenet& trainedLenet() {
    static const TrainedLenet t = [] {
        auto bundle = generateDataset("shapes", 3, 2400);
        if (!bundle) qFatal("%s", bundle.error().what().c_str());
        auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));
        TrainConfig c;
        c.epochs = 3;
        c.seed = 3;
        c.threads = 0;
        TrainingSetup setup;
        setup.data = data;
        setup.split = splitDataset(*data, c.validationFraction, c.testFraction, c.seed);
        auto spec = presetSpec("lenet", data->pool.sampleShape(), data->pool.classCount());
        if (!spec) qFatal("%s", spec.error().what().c_str());
        setup.spec = *spec;
        setup.config = c;
        auto outcome = trainToEnd(setup);
        if (!outcome) qFatal("%s", outcome.error().what().c_str());
        return TrainedLenet{data, setup.split, *outcome->snapshot};
    }();
    return t;
}

Tensor prepared(const ModelSnapshot& s, const Dataset& data, const std::vector<int>& indices) {
    Shape shape = s.model.inputShape();
    shape.insert(shape.begin(), static_cast<int>(indices.size()));
    Tensor x(shape);
    for (std::size_t i = 0; i < indices.size(); ++i) {
        data.sampleAsFloat(indices[i], x.sample(static_cast<int>(i)));
        s.preprocessing.normalize(x.sample(static_cast<int>(i)));
    }
    return x;
}

int argmax(const float* p, int n) { return static_cast<int>(std::max_element(p, p + n) - p); }

struct FileParts {
    std::uint32_t version;
    json header;
    std::vector<std::uint8_t> payload;
};

FileParts splitFile(const std::vector<std::uint8_t>& b) {
    auto u32 = [&](std::size_t at) {
        return std::uint32_t(b[at]) | std::uint32_t(b[at + 1]) << 8 | std::uint32_t(b[at + 2]) << 16 |
               std::uint32_t(b[at + 3]) << 24;
    };
    const std::uint32_t h = u32(12);
    FileParts p{u32(8), json::parse(b.begin() + 16, b.begin() + 16 + h), {}};
    p.payload.assign(b.begin() + 16 + h, b.end() - 4);
    return p;
}

std::vector<std::uint8_t> joinFile(const FileParts& p) { return frameModelFile(p.version, p.header.dump(), p.payload); }

}  // namespace

class Int8Test : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void kernels_data();
    void kernels();
    void weightQuantizationErrorBound();
    void batchNormFolds();
    void quantizedLayersMatchFloatOnTheGrid();
    void resultsDoNotDependOnKernelOrBatch();
    void trainedLenetAgreesWithFloat();
    void modelFileRoundTripV2();
    void formatOneFilesStillLoad();
    void hostileInt8FilesAreRefused();
    void emptyCalibrationIsRefused();
    void qdqExportIsChecked();
};

void Int8Test::kernels_data() {
    QTest::addColumn<int>("m");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("extreme");  // every product at ±255·127: where vpmaddubsw saturates
    QTest::newRow("1x1x1") << 1 << 1 << 1 << false;
    QTest::newRow("odd 7x13x29") << 7 << 13 << 29 << false;
    QTest::newRow("tiles 6x32x288") << 6 << 32 << 288 << false;
    QTest::newRow("tails 13x33x31") << 13 << 33 << 31 << false;
    QTest::newRow("dense 5x10x3136") << 5 << 10 << 3136 << false;
    QTest::newRow("conv 197x64x290") << 197 << 64 << 290 << false;
    QTest::newRow("saturating 9x17x67") << 9 << 17 << 67 << true;
    QTest::newRow("saturating 25x48x1024") << 25 << 48 << 1024 << true;
}

void Int8Test::kernels() {
    QFETCH(int, m);
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(bool, extreme);
    std::mt19937 rng(static_cast<std::uint32_t>(m * 131 + n * 7 + k));
    const int lda = paddedDepth(k) + 4;  // a wider stride than needed, with garbage in the tail
    std::vector<std::uint8_t> a(static_cast<std::size_t>(m) * lda);
    std::vector<std::int8_t> b(static_cast<std::size_t>(n) * k);
    for (auto& v : a) v = extreme ? 255 : static_cast<std::uint8_t>(rng() % 256);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = extreme ? static_cast<std::int8_t>(i % 3 == 0 ? -127 : 127) : static_cast<std::int8_t>(int(rng() % 255) - 127);
    std::vector<std::int32_t> expected(static_cast<std::size_t>(m) * n);
    int8GemmReference(a.data(), m, k, lda, b.data(), n, expected.data(), n);
    const PackedInt8Weights packed(b.data(), n, k);
    for (int o = 0; o < n; ++o) {
        std::int32_t sum = 0;
        for (int q = 0; q < k; ++q) sum += b[static_cast<std::size_t>(o) * k + q];
        QCOMPARE(packed.rowSums()[static_cast<std::size_t>(o)], sum);
    }
    const auto kernels = availableKernels();
    QVERIFY(kernels.size() >= 2 || bestInt8Kernel() == Int8Kernel::Portable);
    for (Int8Kernel kernel : kernels) {
        const int ldc = n + 5;
        std::vector<std::int32_t> c(static_cast<std::size_t>(m) * ldc, -7);
        int8Gemm(a.data(), m, lda, packed, c.data(), ldc, kernel);
        for (int i = 0; i < m; ++i) {
            for (int o = 0; o < n; ++o)
                if (c[static_cast<std::size_t>(i) * ldc + o] != expected[static_cast<std::size_t>(i) * n + o])
                    QFAIL(qPrintable(QString("%1: C[%2][%3] = %4, naive %5")
                                         .arg(QString::fromStdString(int8KernelName(kernel)))
                                         .arg(i).arg(o)
                                         .arg(c[static_cast<std::size_t>(i) * ldc + o])
                                         .arg(expected[static_cast<std::size_t>(i) * n + o])));
            for (int o = n; o < ldc; ++o) QCOMPARE(c[static_cast<std::size_t>(i) * ldc + o], -7);  // untouched
        }
    }
    if (extreme) QCOMPARE(expected[0], static_cast<std::int32_t>(255 * 127 * (k - 2 * ((k + 2) / 3))));
}

void Int8Test::weightQuantizationErrorBound() {
    Tensor w({5, 3, 3, 3});
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 0.2f);
    for (std::size_t e = 0; e < w.size(); ++e) w[e] = normal(rng);
    for (std::size_t e = 27; e < 54; ++e) w[e] = 0.0f;  // an all-zero filter
    const QuantizedLayer q = quantizeWeights(w, 0);
    QCOMPARE(q.scales.size(), std::size_t(5));
    for (int o = 0; o < 5; ++o) {
        const float s = q.scales[static_cast<std::size_t>(o)];
        int maxAbs = 0;
        for (std::size_t k = 0; k < 27; ++k) {
            const std::size_t e = static_cast<std::size_t>(o) * 27 + k;
            QVERIFY(q.values[e] >= -127);
            maxAbs = std::max(maxAbs, std::abs(int(q.values[e])));
            QVERIFY(std::abs(w[e] - s * q.values[e]) <= 0.5f * s * 1.0001f);  // half a step
        }
        QCOMPARE(maxAbs, o == 1 ? 0 : 127);  // the largest weight uses the whole range
    }
}

void Int8Test::batchNormFolds() {
    const ModelSpec spec = specFrom(
        R"({"layers": [{"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1, "bias": false},
            {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool2d", "size": 2}, {"type": "flatten"},
            {"type": "dense", "units": 6}, {"type": "batchnorm"}, {"type": "relu"},
            {"type": "dense", "units": "classes"}]})",
        {2, 8, 8}, 3);
    auto model = Model::build(spec);
    QVERIFY(model.ok());
    model->initialize(4);
    std::mt19937 rng(4);
    std::uniform_real_distribution<float> u(0.5f, 1.5f);
    for (Param* p : model->params())
        if (p->name != "weight" && p->name != "bias")
            for (std::size_t e = 0; e < p->value.size(); ++e) p->value[e] = u(rng) - (p->name == "beta" ? 1.0f : 0.0f);
    auto folded = foldBatchNorm(*model);
    QVERIFY(folded.ok());
    QCOMPARE(folded->layerCount(), model->layerCount() - 2);
    for (int i = 0; i < folded->layerCount(); ++i) QVERIFY(folded->layer(i).kind() != "batchnorm");
    QCOMPARE(folded->layer(0).params().size(), std::size_t(2));  // gained a bias
    Tensor x({3, 2, 8, 8});
    for (std::size_t e = 0; e < x.size(); ++e) x[e] = u(rng) - 1.0f;
    Tensor a, b;
    model->predictLogits(x, a);
    folded->predictLogits(x, b);
    QCOMPARE(a.shape(), b.shape());
    for (std::size_t e = 0; e < a.size(); ++e) QVERIFY2(std::abs(a[e] - b[e]) <= 1e-4f * (1.0f + std::abs(a[e])), "folded BN differs");
}

// Inputs on the quantization grid (x = s·(q − z)) make the int8 path exact up to float rounding
// against the float model with the dequantized weights: this checks the HWC im2col, the weight
// reordering, padding with the zero point, strides, the zero-point correction and the fused ReLU.
void Int8Test::quantizedLayersMatchFloatOnTheGrid() {
    const ModelSpec spec = specFrom(
        R"({"layers": [{"type": "conv2d", "filters": 5, "kernel": 3, "padding": 1, "stride": 2},
            {"type": "relu"}, {"type": "conv2d", "filters": 18, "kernel": 3, "padding": 0},
            {"type": "flatten"}, {"type": "dense", "units": 7}, {"type": "tanh"},
            {"type": "dense", "units": "classes"}]})",
        {3, 11, 9}, 4);
    auto model = Model::build(spec);
    QVERIFY(model.ok());
    model->initialize(9);
    std::vector<QuantizedLayer> layers;
    std::mt19937 rng(9);
    for (int l : {0, 2, 4, 6}) {
        QuantizedLayer q = quantizeWeights(model->layer(l).params()[0].value, l);
        q.input = l == 0 ? ActivationQuantization{0.02f, 128} : ActivationQuantization{0.05f, l == 6 ? 37 : 0};
        layers.push_back(std::move(q));
        Tensor& bias = model->layer(l).params()[1].value;
        for (std::size_t e = 0; e < bias.size(); ++e) bias[e] = 0.01f * static_cast<float>(rng() % 100);
    }
    QuantizedModel::dequantizeInto(*model, layers);
    // Only the first layer's input is on its grid: with only that layer in int8 the model must
    // agree with float up to rounding; with all four, within the activations' quantization error.
    Tensor x({2, 3, 11, 9});
    for (std::size_t e = 0; e < x.size(); ++e) x[e] = 0.02f * (static_cast<int>(rng() % 256) - 128);
    {
        auto firstOnly = QuantizedModel::create(*model, {layers[0]}, "test");
        QVERIFY(firstOnly.ok());
        Tensor a, b;
        model->predictLogits(x, a);
        (*firstOnly)->forward(x, b);
        QCOMPARE(a.shape(), b.shape());
        double maxAbs = 0;
        for (std::size_t e = 0; e < a.size(); ++e) maxAbs = std::max(maxAbs, double(std::abs(a[e] - b[e])));
        QVERIFY2(maxAbs < 1e-4, qPrintable(QString("first conv in int8: max |Δ| %1").arg(maxAbs)));
    }
    // All four in int8 (a stride-2 conv with zero point 128, an 18-filter conv across two
    // packed blocks, a dense after tanh with an asymmetric zero point), calibrated by min/max
    // on the very images: the logits stay within a few quantization steps of float.
    const Dataset images = randomImages({3, 11, 9}, 16, 2);
    ModelSnapshot floatSnapshot{*model, Preprocessing::identity({3, 11, 9}, true), {"a", "b", "c", "d"}, "random",
                                json::object(), json::object(), 1, nullptr, nullptr};
    QuantizeOptions minmax;
    minmax.method = CalibrationMethod::MinMax;
    auto q = quantizeSnapshot(floatSnapshot, images, firstIndices(16), minmax, "random images");
    QVERIFY2(q.ok(), q.ok() ? "" : q.error().what().c_str());
    QCOMPARE(q->quantized->layers().size(), std::size_t(4));
    QVERIFY(q->quantized->layers()[3].input.zeroPoint > 0);  // tanh outputs are negative too
    const Tensor all = prepared(floatSnapshot, images, firstIndices(16));
    Tensor a, b;
    snapshotLogits(floatSnapshot, all, a);
    snapshotLogits(*q, all, b);
    QCOMPARE(a.shape(), b.shape());
    double maxAbs = 0, maxMag = 0;
    for (std::size_t e = 0; e < a.size(); ++e) {
        maxAbs = std::max(maxAbs, double(std::abs(a[e] - b[e])));
        maxMag = std::max(maxMag, double(std::abs(a[e])));
    }
    QVERIFY2(maxAbs < 0.03 * maxMag, qPrintable(QString("whole model: max |Δ| %1 of %2").arg(maxAbs).arg(maxMag)));
}

void Int8Test::resultsDoNotDependOnKernelOrBatch() {
    const TrainedLenet& t = trainedLenet();
    auto q = quantizeSnapshot(t.snapshot, t.data->pool, std::vector<int>(t.split.train.begin(), t.split.train.begin() + 200),
                              {}, "shapes");
    QVERIFY(q.ok());
    const auto indices = std::vector<int>(t.split.test.begin(), t.split.test.begin() + 37);
    const Tensor x = prepared(t.snapshot, t.data->pool, indices);
    Tensor reference;
    q->quantized->forward(x, reference, Int8Kernel::Portable);
    for (Int8Kernel kernel : availableKernels()) {
        Tensor y;
        q->quantized->forward(x, y, kernel);
        QVERIFY2(std::memcmp(y.data(), reference.data(), y.size() * sizeof(float)) == 0,
                 int8KernelName(kernel).c_str());
    }
    // One sample alone gives the same bits as inside the batch.
    Tensor one({1, 1, 28, 28}), y1;
    std::memcpy(one.data(), x.sample(5), one.size() * sizeof(float));
    snapshotLogits(*q, one, y1);
    QVERIFY(std::memcmp(y1.data(), reference.sample(5), y1.size() * sizeof(float)) == 0);
}

void Int8Test::trainedLenetAgreesWithFloat() {
    const TrainedLenet& t = trainedLenet();
    const std::vector<int> calibration(t.split.train.begin(), t.split.train.begin() + 300);
    const Tensor x = prepared(t.snapshot, t.data->pool, t.split.test);
    Tensor floatLogits;
    snapshotLogits(t.snapshot, x, floatLogits);
    for (CalibrationMethod method : {CalibrationMethod::MinMax, CalibrationMethod::Percentile}) {
        QuantizeOptions options;
        options.method = method;
        auto q = quantizeSnapshot(t.snapshot, t.data->pool, calibration, options, "shapes");
        QVERIFY2(q.ok(), q.ok() ? "" : q.error().what().c_str());
        QVERIFY(q->quantized);
        QCOMPARE(q->metrics["quantization"]["method"].get<std::string>(), calibrationMethodName(method));
        Tensor int8Logits;
        snapshotLogits(*q, x, int8Logits);
        const int n = x.dim(0), classes = floatLogits.dim(1);
        int agree = 0, floatRight = 0, int8Right = 0;
        for (int i = 0; i < n; ++i) {
            const int f = argmax(floatLogits.sample(i), classes), g = argmax(int8Logits.sample(i), classes);
            const int truth = t.data->pool.label(t.split.test[static_cast<std::size_t>(i)]);
            agree += f == g;
            floatRight += f == truth;
            int8Right += g == truth;
        }
        const double agreement = double(agree) / n;
        qInfo("%s: top-1 agreement %.4f over %d test images; accuracy float %.4f, INT8 %.4f",
              calibrationMethodName(method).c_str(), agreement, n, double(floatRight) / n, double(int8Right) / n);
        QVERIFY(double(floatRight) / n > 0.6);  // the model did learn: the agreement means something
        QVERIFY2(agreement >= 0.98, qPrintable(QString("agreement %1").arg(agreement)));
    }
}

void Int8Test::modelFileRoundTripV2() {
    const TrainedLenet& t = trainedLenet();
    auto q = quantizeSnapshot(t.snapshot, t.data->pool, std::vector<int>(t.split.train.begin(), t.split.train.begin() + 200),
                              {}, "shapes");
    QVERIFY(q.ok());
    const auto bytes = serializeModel(*q);
    const auto floatBytes = serializeModel(t.snapshot);
    const FileParts parts = splitFile(bytes);
    QCOMPARE(parts.version, 2u);
    QCOMPARE(parts.header["tensors"][0]["dtype"].get<std::string>(), std::string("int8"));
    QCOMPARE(parts.header["quantization"]["layers"].size(), std::size_t(5));
    const double ratio = double(bytes.size()) / double(floatBytes.size());
    qInfo("lenet file: float %zu bytes, INT8 %zu bytes (%.1f%%)", floatBytes.size(), bytes.size(), 100 * ratio);
    QVERIFY(ratio <= 0.30);
    auto loaded = deserializeModel(bytes, "int8.tsmodel");
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());
    QVERIFY(loaded->quantized);
    QCOMPARE(loaded->quantized->layers().size(), q->quantized->layers().size());
    for (std::size_t i = 0; i < q->quantized->layers().size(); ++i) {
        const auto& a = q->quantized->layers()[i];
        const auto& b = loaded->quantized->layers()[i];
        QVERIFY(a.values == b.values);
        QVERIFY(a.scales == b.scales);
        QCOMPARE(a.input.scale, b.input.scale);
        QCOMPARE(a.input.zeroPoint, b.input.zeroPoint);
    }
    const Tensor x = prepared(t.snapshot, t.data->pool, std::vector<int>(t.split.test.begin(), t.split.test.begin() + 20));
    Tensor a, b;
    snapshotLogits(*q, x, a);
    snapshotLogits(*loaded, x, b);
    QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
    QVERIFY(serializeModel(*loaded) == bytes);  // saving again gives the same bytes
}

void Int8Test::formatOneFilesStillLoad() {
    const TrainedLenet& t = trainedLenet();
    FileParts parts = splitFile(serializeModel(t.snapshot));
    parts.version = 1;
    parts.header["formatVersion"] = 1;
    auto loaded = deserializeModel(joinFile(parts), "v1.tsmodel");
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());
    QVERIFY(!loaded->quantized);
    QCOMPARE(weightsSha256(loaded->model), weightsSha256(t.snapshot.model));
    // A format 1 file cannot hold int8 tensors.
    auto q = quantizeSnapshot(t.snapshot, t.data->pool, firstIndices(50), {}, "shapes");
    QVERIFY(q.ok());
    FileParts qp = splitFile(serializeModel(*q));
    qp.version = 1;
    qp.header["formatVersion"] = 1;
    auto refused = deserializeModel(joinFile(qp), "v1-int8.tsmodel");
    QVERIFY(!refused.ok());
    QVERIFY(refused.error().what().find("v1-int8.tsmodel") != std::string::npos);
}

void Int8Test::hostileInt8FilesAreRefused() {
    const TrainedLenet& t = trainedLenet();
    auto q = quantizeSnapshot(t.snapshot, t.data->pool, firstIndices(50), {}, "shapes");
    QVERIFY(q.ok());
    const FileParts good = splitFile(serializeModel(*q));
    QVERIFY(deserializeModel(joinFile(good), "good.tsmodel").ok());
    auto expectRefused = [](const FileParts& p, const char* needle, const char* what) {
        auto r = deserializeModel(joinFile(p), "hostile.tsmodel");
        QVERIFY2(!r.ok(), what);
        QVERIFY2(r.error().what().find("hostile.tsmodel") != std::string::npos, r.error().what().c_str());
        QVERIFY2(r.error().what().find(needle) != std::string::npos, r.error().what().c_str());
    };
    {   // a huge int8 tensor in a small file: bounded by the file before anything is allocated
        FileParts p = good;
        p.header["tensors"][0]["shape"] = {1 << 30, 1 << 30, 1, 1};
        p.header["tensors"][0]["count"] = (std::uint64_t(1) << 60);
        expectRefused(p, "larger than the weights", "huge int8 tensor");
    }
    {   // the int8 bytes cut short: the table no longer fits the payload
        FileParts p = good;
        p.payload.resize(p.payload.size() - 8);
        expectRefused(p, "more weights than the file", "truncated payload");
    }
    {
        FileParts p = good;
        p.header["tensors"][0]["scales"].erase(0);
        expectRefused(p, "one scale per output", "missing scale");
    }
    {
        FileParts p = good;
        p.header["tensors"][0]["scales"][0] = -1.0;
        expectRefused(p, "positive finite", "negative scale");
    }
    {
        FileParts p = good;
        p.header["tensors"][0]["dtype"] = "int4";
        expectRefused(p, "dtype", "unknown dtype");
    }
    {   // −128 is outside the symmetric range the kernels assume
        FileParts p = good;
        p.payload[3] = 0x80;
        expectRefused(p, "−128", "weight -128");
    }
    {
        FileParts p = good;
        p.header["quantization"]["layers"][0]["inputZeroPoint"] = 300;
        expectRefused(p, "inputZeroPoint", "zero point 300");
    }
    {
        FileParts p = good;
        p.header["quantization"]["layers"][0]["layer"] = 99;
        expectRefused(p, "not a layer of the model", "layer 99");
    }
    {   // an int8 weight whose layer has no input quantization
        FileParts p = good;
        p.header["quantization"]["layers"].erase(0);
        expectRefused(p, "no input scale", "missing quantization entry");
    }
    {   // a bias may not be int8
        FileParts p = good;
        json& bias = p.header["tensors"][1];
        const int outputs = bias["shape"][0].get<int>();
        bias["dtype"] = "int8";
        bias["scales"] = json::array();
        for (int i = 0; i < outputs; ++i) bias["scales"].push_back(1.0);
        // The payload as such a table describes it: the bias as `outputs` bytes, re-padded.
        std::size_t declared = 0;
        for (const json& e : p.header["tensors"])
            declared += e["count"].get<std::size_t>() * (e.contains("dtype") ? 1 : 4);
        const std::size_t weightBytes = good.header["tensors"][0]["count"].get<std::size_t>();
        p.payload.erase(p.payload.begin() + static_cast<std::ptrdiff_t>(weightBytes + outputs),
                        p.payload.begin() + static_cast<std::ptrdiff_t>(weightBytes + 4 * outputs));
        p.payload.resize((declared + 3) / 4 * 4, 0);
        expectRefused(p, "only weights may be int8", "int8 bias");
    }
}

void Int8Test::emptyCalibrationIsRefused() {
    const TrainedLenet& t = trainedLenet();
    auto r = quantizeSnapshot(t.snapshot, t.data->pool, {}, {}, "shapes (training split)");
    QVERIFY(!r.ok());
    QVERIFY(r.error().what().find("shapes (training split)") != std::string::npos);
    QVERIFY(r.error().what().find("empty") != std::string::npos);
    QVERIFY(r.error().what().find("--calibration") != std::string::npos);
    // Images of another size are refused too, naming the data.
    const Dataset other = randomImages({1, 8, 8}, 4, 1);
    auto wrong = quantizeSnapshot(t.snapshot, other, firstIndices(4), {}, "random 8×8");
    QVERIFY(!wrong.ok());
    QVERIFY(wrong.error().what().find("random 8×8") != std::string::npos);
}

// The QDQ graph passes ONNX's checker and holds the int8 weights, not float copies; OpenCV DNN
// 4.6 is asked to run it against the engine's INT8 path, and what it does is reported.
void Int8Test::qdqExportIsChecked() {
    const TrainedLenet& t = trainedLenet();
    QVERIFY(!exportQdqOnnx(t.snapshot).ok());  // a float model has no QDQ form
    auto q = quantizeSnapshot(t.snapshot, t.data->pool, firstIndices(200), {}, "shapes");
    QVERIFY(q.ok());
    auto bytes = exportQdqOnnx(*q);
    QVERIFY2(bytes.ok(), bytes.ok() ? "" : bytes.error().what().c_str());
    QVERIFY(checkOnnxBytes(*bytes, "lenet-int8.onnx").ok());
    auto floatBytes = exportOnnx(*q);
    QVERIFY(floatBytes.ok());
    qInfo("QDQ ONNX %zu bytes, float ONNX of the same folded model %zu bytes", bytes->size(), floatBytes->size());
    QVERIFY(bytes->size() < floatBytes->size() / 2);  // int8 weights, no float copies
    const std::vector<int> images(t.split.test.begin(), t.split.test.begin() + 200);
    auto parity = checkOnnxParity(*q, *bytes, t.data->pool, images, "lenet-int8.onnx");
    if (!parity.ok()) {
        qInfo("OpenCV DNN does not run the QDQ graph: %s", parity.error().what().c_str());
        QVERIFY(parity.error().what().find("lenet-int8.onnx") != std::string::npos);
    } else {
        qInfo("QDQ parity against the engine's INT8 path: top-1 agreement %.4f, max |dp| %.2e over %d images (%s)",
              parity->top1Agreement, parity->maxAbsDiff, parity->images, parity->verdict.c_str());
        QVERIFY(parity->top1Agreement >= 0.9);
    }
}

QTEST_GUILESS_MAIN(Int8Test)
#include "tst_int8.moc"
