// Each fast kernel against a naive loop written straight from the definition, in double.
#include <QtTest>

#include <cmath>
#include <string>
#include <vector>

#include "engine/core/im2col.h"
#include "engine/nn/conv2d.h"
#include "engine/nn/layer_registry.h"

using namespace studio;
using nlohmann::json;

namespace {

void randomize(Tensor& t, Rng& rng) {
    for (std::size_t i = 0; i < t.size(); ++i) t[i] = rng.uniform(-1.0f, 1.0f);
}

std::unique_ptr<Layer> make(const std::string& kind, const json& options, const Shape& in) {
    auto l = createLayer(kind, options, in);
    if (!l.ok()) qFatal("createLayer(%s): %s", kind.c_str(), l.error().what().c_str());
    return std::move(*l);
}

// |a − b| ≤ tol·(1 + mag) element-wise, mag = Σ|terms| of the naive sum (float rounding grows
// with it; a wrong term or factor is far larger). Reports the first mismatch.
void expectClose(const Tensor& a, const std::vector<double>& b, double tol, const char* what,
                 const std::vector<double>* mag = nullptr) {
    QCOMPARE(a.size(), b.size());
    for (std::size_t i = 0; i < b.size(); ++i) {
        const double scale = mag ? (*mag)[i] : std::abs(b[i]);
        if (std::abs(a[i] - b[i]) > tol * (1.0 + scale))
            QFAIL(qPrintable(QString("%1[%2]: fast %3 vs naive %4").arg(what).arg(i).arg(a[i]).arg(b[i])));
    }
}

}  // namespace

class KernelTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void conv_data();
    void conv();
    void im2colIsAdjointOfCol2im();
    void dense_data();
    void dense();
    void pool_data();
    void pool();
};

void KernelTest::conv_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("filters");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("stride");
    QTest::addColumn<int>("padding");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<QString>("kernelPath");
    // Every geometry through both kernels: oneDNN's ("auto" where it has a JIT kernel) and
    // the im2col path it falls back to.
    struct Row {
        const char* name;
        int n, c, h, w, filters, kernel, stride, padding;
        bool bias;
    };
    const Row rows[] = {
        {"1ch 3x3 pad1", 4, 1, 8, 8, 5, 3, 1, 1, true},
        {"3ch 3x3 no pad non-square", 3, 3, 7, 10, 4, 3, 1, 0, true},
        {"3ch 5x5 pad2 stride2", 5, 3, 11, 9, 6, 5, 2, 2, true},
        {"3ch 5x5 pad2 same non-square", 2, 3, 6, 9, 4, 5, 1, 2, true},
        {"3ch 3x3 pad1 tiny 2x3", 2, 3, 2, 3, 2, 3, 1, 1, true},
        {"1ch 3x3 stride2 no pad", 3, 1, 9, 6, 2, 3, 2, 0, false},
        {"2ch 1x1", 3, 2, 5, 4, 3, 1, 1, 0, true},
        {"1x1 stride2", 2, 3, 6, 7, 2, 1, 2, 0, true},
        {"4x4 stride3 pad1", 2, 2, 10, 13, 3, 4, 3, 1, true},
        // Large enough that each im2col group is one sample (the in-place path) and the shard does
        // not divide into the multi-sample groups of the smaller rows (a remainder group).
        {"32ch 28x28 one-sample groups", 3, 32, 28, 28, 8, 3, 1, 1, true},
        {"remainder group", 37, 3, 20, 20, 4, 3, 1, 1, true},
        // The first layer of the cnn preset: one channel in, a shard of 32 (oneDNN's direct kernel).
        {"cnn conv1 shard", 32, 1, 28, 28, 32, 3, 1, 1, true},
    };
    for (const char* path : {"auto", "im2col"})
        for (const Row& r : rows)
            QTest::newRow(qPrintable(QString("%1 / %2").arg(r.name, path)))
                << r.n << r.c << r.h << r.w << r.filters << r.kernel << r.stride << r.padding << r.bias << QString(path);
}

void KernelTest::conv() {
    QFETCH(int, n);
    QFETCH(int, c);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, filters);
    QFETCH(int, kernel);
    QFETCH(int, stride);
    QFETCH(int, padding);
    QFETCH(bool, bias);
    QFETCH(QString, kernelPath);
    Conv2D::setKernel(kernelPath == "im2col" ? Conv2D::Kernel::Im2col : Conv2D::Kernel::Auto);
    struct Restore {
        ~Restore() { Conv2D::setKernel(Conv2D::Kernel::Auto); }
    } restore;
    auto layer = make("conv2d", {{"filters", filters}, {"kernel", kernel}, {"stride", stride}, {"padding", padding},
                                 {"bias", bias}}, {c, h, w});
    const int oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1;
    QCOMPARE(layer->outputShape(), (Shape{filters, oh, ow}));
    Rng rng(static_cast<std::uint64_t>(n * 1000 + c * 100 + kernel));
    for (Param& p : layer->params()) randomize(p.value, rng);
    Tensor x({n, c, h, w}), y, dy({n, filters, oh, ow}), dx;
    randomize(x, rng);
    randomize(dy, rng);
    LayerScratch scratch;
    RunContext ctx;
    ctx.training = true;
    layer->forward(x, y, scratch, ctx);
    std::vector<Tensor> grads;
    for (const Param& p : layer->params()) grads.emplace_back(p.value.shape(), 0.25f);  // += must keep it
    layer->backward(x, y, dy, &dx, grads, scratch, ctx);

    const Tensor& W = layer->params()[0].value;
    auto X = [&](int b, int ch, int i, int j) -> double {
        if (i < 0 || i >= h || j < 0 || j >= w) return 0.0;
        return x[((static_cast<std::size_t>(b) * c + ch) * h + i) * w + j];
    };
    auto Wt = [&](int f, int ch, int ki, int kj) -> double {
        return W[((static_cast<std::size_t>(f) * c + ch) * kernel + ki) * kernel + kj];
    };
    std::vector<double> yRef(y.size()), dwRef(W.size(), 0.25), dbRef(static_cast<std::size_t>(filters), 0.25),
        dxRef(x.size(), 0.0);
    std::vector<double> yMag(y.size(), 0.0), dwMag(W.size(), 0.25), dbMag(dbRef.size(), 0.25), dxMag(x.size(), 0.0);
    for (int b = 0; b < n; ++b)
        for (int f = 0; f < filters; ++f)
            for (int i = 0; i < oh; ++i)
                for (int j = 0; j < ow; ++j) {
                    const std::size_t o = ((static_cast<std::size_t>(b) * filters + f) * oh + i) * ow + j;
                    double s = bias ? layer->params()[1].value[static_cast<std::size_t>(f)] : 0.0;
                    const double g = dy[o];
                    dbRef[static_cast<std::size_t>(f)] += g;
                    dbMag[static_cast<std::size_t>(f)] += std::abs(g);
                    for (int ch = 0; ch < c; ++ch)
                        for (int ki = 0; ki < kernel; ++ki)
                            for (int kj = 0; kj < kernel; ++kj) {
                                const int ii = i * stride + ki - padding, jj = j * stride + kj - padding;
                                s += Wt(f, ch, ki, kj) * X(b, ch, ii, jj);
                                yMag[o] += std::abs(Wt(f, ch, ki, kj) * X(b, ch, ii, jj));
                                const std::size_t wi = ((static_cast<std::size_t>(f) * c + ch) * kernel + ki) * kernel + kj;
                                dwRef[wi] += g * X(b, ch, ii, jj);
                                dwMag[wi] += std::abs(g * X(b, ch, ii, jj));
                                if (ii >= 0 && ii < h && jj >= 0 && jj < w) {
                                    const std::size_t xi = ((static_cast<std::size_t>(b) * c + ch) * h + ii) * w + jj;
                                    dxRef[xi] += g * Wt(f, ch, ki, kj);
                                    dxMag[xi] += std::abs(g * Wt(f, ch, ki, kj));
                                }
                            }
                    yRef[o] = s;
                }
    const std::string used = dynamic_cast<const Conv2D&>(*layer).kernelName(n);
    if (kernelPath == "im2col") QCOMPARE(used, std::string("im2col"));
    // On a CPU with AVX2 the fast path must really run (a silent fallback would pass the rest).
    if (kernelPath == "auto" && __builtin_cpu_supports("avx2") && c * filters >= 32)
        QVERIFY2(used != "im2col", "oneDNN offered no kernel for this shape");
    expectClose(y, yRef, 2e-6, "y", &yMag);
    expectClose(grads[0], dwRef, 2e-6, "dW", &dwMag);
    if (bias) expectClose(grads[1], dbRef, 2e-6, "db", &dbMag);
    expectClose(dx, dxRef, 2e-6, "dx", &dxMag);
}

void KernelTest::im2colIsAdjointOfCol2im() {
    // <im2col(x), c> = <x, col2im(c)> for every geometry: col2im is exactly the transpose.
    for (auto [ch, h, w, k, s, p] : std::vector<std::array<int, 6>>{{1, 5, 5, 3, 1, 1}, {3, 7, 6, 3, 2, 1},
                                                                      {2, 9, 4, 4, 3, 2}, {1, 4, 4, 1, 2, 0},
                                                                      {2, 6, 9, 5, 1, 2}, {3, 2, 3, 3, 1, 1}}) {
        const auto g = ConvGeometry::make(ch, h, w, k, s, p);
        const int samples = 3;
        Rng rng(static_cast<std::uint64_t>(h * 31 + w));
        Tensor x({samples, ch, h, w}), cols({g.rows(), samples * g.outPixels()}), c2(cols.shape()), back(x.shape());
        randomize(x, rng);
        randomize(c2, rng);
        im2col(x.data(), samples, g, cols.data());
        back.zero();
        col2im(c2.data(), samples, g, back.data());
        double lhs = 0.0, rhs = 0.0;
        for (std::size_t i = 0; i < cols.size(); ++i) lhs += static_cast<double>(cols[i]) * c2[i];
        for (std::size_t i = 0; i < x.size(); ++i) rhs += static_cast<double>(x[i]) * back[i];
        QVERIFY2(std::abs(lhs - rhs) < 1e-4 * (1.0 + std::abs(lhs)), qPrintable(QString("%1 vs %2").arg(lhs).arg(rhs)));
    }
}

void KernelTest::dense_data() {
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("units");
    QTest::addColumn<bool>("bias");
    QTest::newRow("small") << 3 << 5 << 4 << true;
    QTest::newRow("one sample") << 1 << 17 << 9 << true;
    QTest::newRow("no bias wide") << 8 << 300 << 33 << false;
    QTest::newRow("mnist head") << 32 << 784 << 10 << true;
}

void KernelTest::dense() {
    QFETCH(int, n);
    QFETCH(int, in);
    QFETCH(int, units);
    QFETCH(bool, bias);
    auto layer = make("dense", {{"units", units}, {"bias", bias}}, {in});
    Rng rng(static_cast<std::uint64_t>(in + units));
    for (Param& p : layer->params()) randomize(p.value, rng);
    Tensor x({n, in}), y, dy({n, units}), dx;
    randomize(x, rng);
    randomize(dy, rng);
    LayerScratch scratch;
    RunContext ctx;
    layer->forward(x, y, scratch, ctx);
    std::vector<Tensor> grads;
    for (const Param& p : layer->params()) grads.emplace_back(p.value.shape(), -0.5f);
    layer->backward(x, y, dy, &dx, grads, scratch, ctx);
    const Tensor& W = layer->params()[0].value;
    std::vector<double> yRef(y.size()), dwRef(W.size(), -0.5), dbRef(static_cast<std::size_t>(units), -0.5),
        dxRef(x.size(), 0.0);
    for (int b = 0; b < n; ++b)
        for (int o = 0; o < units; ++o) {
            double s = bias ? layer->params()[1].value[static_cast<std::size_t>(o)] : 0.0;
            const double g = dy[static_cast<std::size_t>(b * units + o)];
            dbRef[static_cast<std::size_t>(o)] += g;
            for (int i = 0; i < in; ++i) {
                const auto wi = static_cast<std::size_t>(o * in + i), xi = static_cast<std::size_t>(b * in + i);
                s += static_cast<double>(W[wi]) * x[xi];
                dwRef[wi] += g * x[xi];
                dxRef[xi] += g * W[wi];
            }
            yRef[static_cast<std::size_t>(b * units + o)] = s;
        }
    expectClose(y, yRef, 1e-5, "y");
    expectClose(grads[0], dwRef, 1e-5, "dW");
    if (bias) expectClose(grads[1], dbRef, 1e-5, "db");
    expectClose(dx, dxRef, 1e-5, "dx");
}

void KernelTest::pool_data() {
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("stride");
    for (const char* kind : {"maxpool2d", "avgpool2d"}) {
        const QString k = kind;
        QTest::newRow(qPrintable(k + " 2/2")) << k << 3 << 8 << 8 << 2 << 2;
        QTest::newRow(qPrintable(k + " 2/2 odd non-square")) << k << 1 << 7 << 9 << 2 << 2;
        QTest::newRow(qPrintable(k + " 3/2 overlapping")) << k << 2 << 9 << 8 << 3 << 2;
        QTest::newRow(qPrintable(k + " 3/1")) << k << 1 << 5 << 6 << 3 << 1;
        QTest::newRow(qPrintable(k + " 2/3 gaps")) << k << 3 << 8 << 11 << 2 << 3;
    }
}

void KernelTest::pool() {
    QFETCH(QString, kind);
    QFETCH(int, c);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(int, size);
    QFETCH(int, stride);
    const int n = 3;
    const bool isMax = kind == "maxpool2d";
    auto layer = make(kind.toStdString(), {{"size", size}, {"stride", stride}}, {c, h, w});
    const int oh = (h - size) / stride + 1, ow = (w - size) / stride + 1;
    QCOMPARE(layer->outputShape(), (Shape{c, oh, ow}));
    Rng rng(static_cast<std::uint64_t>(h * 100 + w * 10 + size));
    Tensor x({n, c, h, w}), y, dy({n, c, oh, ow}), dx;
    randomize(x, rng);
    randomize(dy, rng);
    LayerScratch scratch;
    RunContext ctx;
    layer->forward(x, y, scratch, ctx);
    dx.resize(x.shape());
    dx.fill(123.0f);  // must be overwritten
    std::vector<Tensor> grads;
    layer->backward(x, y, dy, &dx, grads, scratch, ctx);
    std::vector<double> yRef(y.size()), dxRef(x.size(), 0.0);
    for (int b = 0; b < n; ++b)
        for (int ch = 0; ch < c; ++ch)
            for (int i = 0; i < oh; ++i)
                for (int j = 0; j < ow; ++j) {
                    const std::size_t base = (static_cast<std::size_t>(b) * c + ch) * h * w;
                    const std::size_t o = ((static_cast<std::size_t>(b) * c + ch) * oh + i) * ow + j;
                    double best = -1e30, sum = 0.0;
                    std::size_t arg = 0;
                    for (int di = 0; di < size; ++di)
                        for (int dj = 0; dj < size; ++dj) {
                            const std::size_t idx = base + static_cast<std::size_t>((i * stride + di) * w + j * stride + dj);
                            sum += x[idx];
                            if (x[idx] > best) { best = x[idx]; arg = idx; }
                        }
                    yRef[o] = isMax ? best : sum / (size * size);
                    if (isMax) {
                        dxRef[arg] += dy[o];
                    } else {
                        for (int di = 0; di < size; ++di)
                            for (int dj = 0; dj < size; ++dj)
                                dxRef[base + static_cast<std::size_t>((i * stride + di) * w + j * stride + dj)] +=
                                    dy[o] / (size * size);
                    }
                }
    expectClose(y, yRef, 1e-6, "y");
    expectClose(dx, dxRef, 1e-6, "dx");
}

QTEST_APPLESS_MAIN(KernelTest)
#include "tst_kernels.moc"
