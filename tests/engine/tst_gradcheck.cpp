// Finite-difference gradient checks for every layer kind and loss (STYLE.md §9).
// Scalar test loss L = Σ r_i·y_i with fixed random r, accumulated in double; central differences
// dL/dθ ≈ (L(θ+h) − L(θ−h)) / 2h for every input element and every trainable parameter element.
// Inputs stay at least 0.05 away from kinks (ReLU at 0) and max-pool windows have distinct values
// 0.03 apart, so no perturbation crosses a kink.
#include <QtTest>

#include <cmath>
#include <vector>

#include "engine/loss/softmax_cross_entropy.h"
#include "engine/nn/batchnorm.h"
#include "engine/nn/layer_registry.h"

using namespace studio;
using nlohmann::json;

namespace {

constexpr double kStep = 1e-2;

struct Mismatch {
    double worst = 0.0;   // max |a − n| / (atol + rtol·|n|); ≤ 1 passes
    std::string where;
};

// |a − n| ≤ atol + rtol·|n|, atol relative to the gradient's overall size (float rounding in L).
void compare(const std::vector<double>& analytic, const std::vector<double>& numeric, const std::string& name,
             Mismatch& m) {
    double rms = 0.0;
    for (double v : numeric) rms += v * v;
    rms = std::sqrt(rms / std::max<std::size_t>(numeric.size(), 1));
    const double atol = 1e-4 * std::max(1.0, rms), rtol = 1e-3;
    for (std::size_t i = 0; i < numeric.size(); ++i) {
        const double ratio = std::abs(analytic[i] - numeric[i]) / (atol + rtol * std::abs(numeric[i]));
        if (ratio > m.worst) {
            m.worst = ratio;
            m.where = name + "[" + std::to_string(i) + "]: analytic " + std::to_string(analytic[i]) + ", numeric " +
                      std::to_string(numeric[i]);
        }
    }
}

Shape parseShape(const QString& s) {
    Shape shape;
    for (const QString& part : s.split('x')) shape.push_back(part.toInt());
    return shape;
}

// Inputs: |x| ≥ 0.05; for max pooling a shuffled ramp (distinct values, 0.03 apart).
void fillInput(Tensor& x, Rng& rng, bool distinct) {
    if (distinct) {
        const auto perm = rng.permutation(static_cast<int>(x.size()));
        for (std::size_t i = 0; i < x.size(); ++i)
            x[i] = 0.03f * static_cast<float>(perm[i] - static_cast<int>(x.size()) / 2) + 0.015f;
        return;
    }
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = (rng.uniform() < 0.5f ? -1.0f : 1.0f) * rng.uniform(0.05f, 1.0f);
}

double testLoss(const Tensor& y, const Tensor& r) {
    double l = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) l += static_cast<double>(r[i]) * y[i];
    return l;
}

}  // namespace

class GradCheckTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layer_data();
    void layer();
    void loss_data();
    void loss();
    void batchnormStatistics();
    void dropoutMask();
};

void GradCheckTest::layer_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("options");
    QTest::addColumn<QString>("shape");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("seed");
    QTest::addColumn<bool>("training");
    auto row = [](const char* name, const char* kind, const char* options, const char* shape, int batch, int seed,
                  bool training = true) {
        QTest::newRow(name) << QString(kind) << QString(options) << QString(shape) << batch << seed << training;
    };
    row("dense", "dense", R"({"units": 5})", "7", 3, 1);
    row("dense image input", "dense", R"({"units": 4})", "2x3x3", 2, 2);
    row("dense no bias", "dense", R"({"units": 3, "bias": false})", "6", 4, 3);
    row("flatten", "flatten", "{}", "2x3x4", 2, 4);
    for (const char* a : {"relu", "tanh", "sigmoid", "gelu"})
        for (int seed : {5, 6}) row(qPrintable(QString("%1 seed %2").arg(a).arg(seed)), a, "{}", "3x4x2", 2, seed);
    row("leakyrelu", "leakyrelu", R"({"alpha": 0.1})", "10", 3, 7);
    row("leakyrelu default", "leakyrelu", "{}", "2x2x3", 2, 8);
    row("elu", "elu", "{}", "12", 3, 9);
    row("elu alpha 0.5", "elu", R"({"alpha": 0.5})", "2x3x2", 2, 10);
    row("conv 1ch 3x3 pad1", "conv2d", R"({"filters": 3, "kernel": 3, "padding": 1})", "1x5x5", 2, 11);
    row("conv 3ch 3x3 non-square", "conv2d", R"({"filters": 2, "kernel": 3})", "3x5x7", 2, 12);
    row("conv stride2 pad2 5x5", "conv2d", R"({"filters": 2, "kernel": 5, "stride": 2, "padding": 2})", "2x7x6", 2, 13);
    row("conv 1x1 no bias", "conv2d", R"({"filters": 4, "kernel": 1, "bias": false})", "3x3x4", 3, 14);
    row("conv 2x2 stride2", "conv2d", R"({"filters": 3, "kernel": 2, "stride": 2, "init": "glorot"})", "2x6x6", 2, 15);
    row("maxpool 2", "maxpool2d", "{}", "2x6x6", 2, 16);
    row("maxpool 3 stride 2 odd", "maxpool2d", R"({"size": 3, "stride": 2})", "2x7x8", 2, 17);
    row("maxpool 2 stride 1", "maxpool2d", R"({"size": 2, "stride": 1})", "1x5x4", 2, 18);
    row("avgpool 2", "avgpool2d", "{}", "3x4x6", 2, 19);
    row("avgpool 3 stride 1", "avgpool2d", R"({"size": 3, "stride": 1})", "2x5x5", 2, 20);
    row("globalavgpool", "globalavgpool", "{}", "3x4x5", 3, 21);
    row("batchnorm features", "batchnorm", "{}", "6", 5, 22);
    row("batchnorm features seed 2", "batchnorm", R"({"epsilon": 0.001})", "4", 8, 23);
    row("batchnorm images", "batchnorm", "{}", "3x4x3", 3, 24);
    row("batchnorm images one sample", "batchnorm", "{}", "2x3x3", 1, 25);
    row("batchnorm features inference", "batchnorm", "{}", "5", 4, 26, false);
    row("batchnorm images inference", "batchnorm", "{}", "2x3x3", 2, 27, false);
    row("dropout", "dropout", R"({"rate": 0.3})", "20", 3, 28);
    row("dropout images", "dropout", R"({"rate": 0.5})", "2x3x3", 2, 29);
    row("dropout inference", "dropout", R"({"rate": 0.5})", "8", 2, 30, false);
}

void GradCheckTest::layer() {
    QFETCH(QString, kind);
    QFETCH(QString, options);
    QFETCH(QString, shape);
    QFETCH(int, batch);
    QFETCH(int, seed);
    QFETCH(bool, training);
    const Shape in = parseShape(shape);
    auto created = createLayer(kind.toStdString(), json::parse(options.toStdString()), in);
    QVERIFY2(created.ok(), created.ok() ? "" : created.error().what().c_str());
    Layer& layer = **created;

    Rng rng = Rng::forStream(static_cast<std::uint64_t>(seed), RngPurpose::Test, 1);
    layer.initialize(rng);
    for (Param& p : layer.params()) {   // non-trivial values everywhere (zero biases hide mistakes)
        if (p.name == "weight") continue;
        const bool positive = p.name == "gamma" || p.name == "running_var";
        for (std::size_t i = 0; i < p.value.size(); ++i)
            p.value[i] = positive ? rng.uniform(0.5f, 1.5f) : rng.uniform(-0.5f, 0.5f);
    }
    Shape full = in;
    full.insert(full.begin(), batch);
    Tensor x(full);
    fillInput(x, rng, kind == "maxpool2d");

    RunContext ctx;
    ctx.training = training;
    ctx.seed = 99;
    ctx.step = 3;
    ctx.layerIndex = 2;
    ctx.sampleOffset = 64;

    LayerScratch scratch;
    Tensor y;
    layer.forward(x, y, scratch, ctx);
    Shape outFull = layer.outputShape();
    outFull.insert(outFull.begin(), batch);
    QCOMPARE(y.shape(), outFull);
    Tensor r(y.shape());
    for (std::size_t i = 0; i < r.size(); ++i) r[i] = rng.uniform(-1.0f, 1.0f);

    Tensor dx(x.shape(), 7.0f);   // must be overwritten
    std::vector<Tensor> grads;
    for (const Param& p : layer.params()) grads.emplace_back(p.value.shape(), 0.5f);   // must be added to
    layer.backward(x, y, r, &dx, grads, scratch, ctx);

    auto lossAt = [&]() {
        LayerScratch s;
        Tensor out;
        layer.forward(x, out, s, ctx);
        return testLoss(out, r);
    };
    Mismatch m;
    {
        std::vector<double> a(x.size()), n(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            const float keep = x[i];
            x[i] = keep + static_cast<float>(kStep);
            const double lp = lossAt();
            x[i] = keep - static_cast<float>(kStep);
            const double lm = lossAt();
            x[i] = keep;
            const double step = static_cast<double>(keep + static_cast<float>(kStep)) - (keep - static_cast<float>(kStep));
            n[i] = (lp - lm) / step;
            a[i] = dx[i];
        }
        compare(a, n, "dx", m);
    }
    for (std::size_t p = 0; p < layer.params().size(); ++p) {
        Param& param = layer.params()[p];
        if (!param.trainable) continue;
        std::vector<double> a(param.value.size()), n(param.value.size());
        for (std::size_t i = 0; i < param.value.size(); ++i) {
            const float keep = param.value[i];
            param.value[i] = keep + static_cast<float>(kStep);
            const double lp = lossAt();
            param.value[i] = keep - static_cast<float>(kStep);
            const double lm = lossAt();
            param.value[i] = keep;
            n[i] = (lp - lm) / (static_cast<double>(keep + static_cast<float>(kStep)) - (keep - static_cast<float>(kStep)));
            a[i] = static_cast<double>(grads[p][i]) - 0.5;
        }
        compare(a, n, param.name, m);
    }
    QVERIFY2(m.worst <= 1.0, qPrintable(QString("worst %1× tolerance at %2").arg(m.worst).arg(QString::fromStdString(m.where))));
}

void GradCheckTest::loss_data() {
    QTest::addColumn<QString>("loss");
    QTest::addColumn<double>("smoothing");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("seed");
    for (int seed : {1, 2, 3}) {
        QTest::newRow(qPrintable(QString("softmax ce seed %1").arg(seed))) << "ce" << 0.0 << 4 << 5 << seed;
        QTest::newRow(qPrintable(QString("softmax ce smoothing seed %1").arg(seed))) << "ce" << 0.1 << 3 << 7 << seed;
        QTest::newRow(qPrintable(QString("mse seed %1").arg(seed))) << "mse" << 0.0 << 5 << 3 << seed;
    }
    QTest::newRow("softmax ce 2 classes") << "ce" << 0.0 << 6 << 2 << 4;
    QTest::newRow("softmax ce strong smoothing") << "ce" << 0.4 << 2 << 10 << 5;
}

void GradCheckTest::loss() {
    QFETCH(QString, loss);
    QFETCH(double, smoothing);
    QFETCH(int, n);
    QFETCH(int, k);
    QFETCH(int, seed);
    Rng rng = Rng::forStream(static_cast<std::uint64_t>(seed), RngPurpose::Test, 2);
    Tensor z({n, k}), target({n, k}), dz;
    for (std::size_t i = 0; i < z.size(); ++i) z[i] = rng.uniform(-2.0f, 2.0f);
    for (std::size_t i = 0; i < target.size(); ++i) target[i] = rng.uniform(-1.0f, 1.0f);
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(static_cast<std::uint64_t>(k)));
    const float scale = 1.0f / static_cast<float>(n);
    const auto eps = static_cast<float>(smoothing);
    auto value = [&](Tensor* grad) {
        if (loss == "ce") return softmaxCrossEntropy(z, labels, eps, scale, grad).loss * scale;
        return meanSquaredError(z, target, scale, grad) * scale;
    };
    // The value itself against the definition (the gradient check only tests consistency).
    double naive = 0.0;
    for (int i = 0; i < n; ++i) {
        if (loss == "ce") {
            double sum = 0.0;
            for (int j = 0; j < k; ++j) sum += std::exp(static_cast<double>(z[static_cast<std::size_t>(i * k + j)]));
            for (int j = 0; j < k; ++j) {
                const double t = (j == labels[static_cast<std::size_t>(i)] ? 1.0 - smoothing : 0.0) + smoothing / k;
                naive -= t * (z[static_cast<std::size_t>(i * k + j)] - std::log(sum));
            }
        } else {
            for (int j = 0; j < k; ++j) {
                const double d = static_cast<double>(z[static_cast<std::size_t>(i * k + j)]) - target[static_cast<std::size_t>(i * k + j)];
                naive += 0.5 * d * d;
            }
        }
    }
    QVERIFY2(std::abs(value(nullptr) - naive * scale) < 1e-6 * (1.0 + std::abs(naive)),
             qPrintable(QString("loss %1 vs definition %2").arg(value(nullptr)).arg(naive * scale)));
    value(&dz);
    std::vector<double> a(z.size()), num(z.size());
    for (std::size_t i = 0; i < z.size(); ++i) {
        const float keep = z[i];
        z[i] = keep + static_cast<float>(kStep);
        const double lp = value(nullptr);
        z[i] = keep - static_cast<float>(kStep);
        const double lm = value(nullptr);
        z[i] = keep;
        num[i] = (lp - lm) / (static_cast<double>(keep + static_cast<float>(kStep)) - (keep - static_cast<float>(kStep)));
        a[i] = dz[i];
    }
    Mismatch m;
    compare(a, num, "dlogits", m);
    QVERIFY2(m.worst <= 1.0, qPrintable(QString("worst %1× tolerance at %2").arg(m.worst).arg(QString::fromStdString(m.where))));
}

void GradCheckTest::batchnormStatistics() {
    // Statistic slots get this shard's mean and biased variance; updateStatistics blends them in.
    auto created = createLayer("batchnorm", {{"momentum", 0.25}}, {2, 3, 3});
    QVERIFY(created.ok());
    Layer& bn = **created;
    Rng rng(5);
    Tensor x({4, 2, 3, 3}), y, dx;
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 3.0f);
    LayerScratch scratch;
    RunContext ctx;
    ctx.training = true;
    bn.forward(x, y, scratch, ctx);
    std::vector<Tensor> grads;
    for (const Param& p : bn.params()) grads.emplace_back(p.value.shape());
    bn.backward(x, y, y, &dx, grads, scratch, ctx);
    QCOMPARE(bn.params()[2].name, std::string("running_mean"));
    QVERIFY(!bn.params()[2].trainable && !bn.params()[3].trainable && !bn.params()[0].decay);
    std::vector<double> mean(2, 0.0), var(2, 0.0);
    for (int c = 0; c < 2; ++c) {
        for (int b = 0; b < 4; ++b)
            for (int i = 0; i < 9; ++i) mean[c] += x[static_cast<std::size_t>((b * 2 + c) * 9 + i)];
        mean[c] /= 36.0;
        for (int b = 0; b < 4; ++b)
            for (int i = 0; i < 9; ++i) var[c] += std::pow(x[static_cast<std::size_t>((b * 2 + c) * 9 + i)] - mean[c], 2);
        var[c] /= 36.0;
        QVERIFY(std::abs(grads[2][static_cast<std::size_t>(c)] - mean[c]) < 1e-5);
        QVERIFY(std::abs(grads[3][static_cast<std::size_t>(c)] - var[c]) < 1e-5);
        // Training output: zero mean, unit variance per channel (γ = 1, β = 0 initially).
        double ym = 0.0, yv = 0.0;
        for (int b = 0; b < 4; ++b)
            for (int i = 0; i < 9; ++i) ym += y[static_cast<std::size_t>((b * 2 + c) * 9 + i)];
        ym /= 36.0;
        for (int b = 0; b < 4; ++b)
            for (int i = 0; i < 9; ++i) yv += std::pow(y[static_cast<std::size_t>((b * 2 + c) * 9 + i)] - ym, 2);
        QVERIFY(std::abs(ym) < 1e-5);
        QVERIFY(std::abs(yv / 36.0 - var[c] / (var[c] + 1e-5)) < 1e-4);
    }
    // Two shards' sums: running = 0.75·running + 0.25·(sum/2).
    std::vector<Tensor> summed;
    for (const Param& p : bn.params()) summed.emplace_back(p.value.shape());
    summed[2] = Tensor({2}, 0.8f);
    summed[3] = Tensor({2}, 3.0f);
    bn.updateStatistics(summed, 2);
    QVERIFY(std::abs(bn.params()[2].value[0] - (0.75f * 0.0f + 0.25f * 0.4f)) < 1e-7);
    QVERIFY(std::abs(bn.params()[3].value[1] - (0.75f * 1.0f + 0.25f * 1.5f)) < 1e-7);
    // Inference uses the running statistics.
    ctx.training = false;
    bn.forward(x, y, scratch, ctx);
    const double expect = (x[0] - 0.1) / std::sqrt(1.125 + 1e-5);
    QVERIFY2(std::abs(y[0] - expect) < 1e-5, qPrintable(QString("%1 vs %2").arg(y[0]).arg(expect)));
}

void GradCheckTest::dropoutMask() {
    auto created = createLayer("dropout", {{"rate", 0.25}}, {1000});
    QVERIFY(created.ok());
    const Layer& d = **created;
    Tensor x({4, 1000}, 1.0f), whole, part;
    LayerScratch s1, s2;
    RunContext ctx;
    ctx.training = true;
    ctx.seed = 7;
    ctx.step = 11;
    ctx.layerIndex = 4;
    d.forward(x, whole, s1, ctx);
    int dropped = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        QVERIFY(whole[i] == 0.0f || std::abs(whole[i] - 1.0f / 0.75f) < 1e-6f);
        dropped += whole[i] == 0.0f;
    }
    QVERIFY2(dropped > 900 && dropped < 1100, qPrintable(QString::number(dropped)));   // 25% of 4000 ± 5σ
    // The same batch positions computed as a separate shard get the same mask.
    Tensor tail({2, 1000}, 1.0f);
    ctx.sampleOffset = 2;
    d.forward(tail, part, s2, ctx);
    for (std::size_t i = 0; i < part.size(); ++i) QCOMPARE(part[i], whole[2000 + i]);
    // Another step draws another mask; inference is the identity.
    ctx.step = 12;
    d.forward(tail, part, s2, ctx);
    int same = 0;
    for (std::size_t i = 0; i < part.size(); ++i) same += part[i] == whole[2000 + i];
    QVERIFY(same < 1900);
    ctx.training = false;
    d.forward(tail, part, s2, ctx);
    for (std::size_t i = 0; i < part.size(); ++i) QCOMPARE(part[i], 1.0f);
}

QTEST_APPLESS_MAIN(GradCheckTest)
#include "tst_gradcheck.moc"
