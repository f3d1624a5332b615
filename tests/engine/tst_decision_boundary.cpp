// The decision boundary (engine/teach): every sampled grid cell holds what the predictor gives
// for its plane point; an analytic two-class model is the independent oracle (p = σ(2x), the
// boundary on x = 0); hidden-unit fields equal a double-precision dense+ReLU; nothing depends on
// the thread count; the picture shows the class colours where the points are; --noise reshapes
// the built-in sets.

#include <QtTest>

#include <cmath>

#include "engine/data/image_io.h"
#include "engine/data/synthetic.h"
#include "engine/infer/predictor.h"
#include "engine/teach/boundary_image.h"
#include "engine/teach/decision_boundary.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

DatasetBundle generated(const std::string& name, int samples, double noise = 1.0) {
    auto bundle = generateDataset(name, 5, samples, 0, noise);
    if (!bundle) qFatal("%s", bundle.error().what().c_str());
    return std::move(*bundle);
}

// An initialized mlp on a 2-D set with the pool's fitted preprocessing: a model with real hidden
// layers and a non-trivial normalization.
ModelSnapshot mlpSnapshot(const DatasetBundle& data, std::uint64_t seed) {
    auto spec = ModelSpec::fromJson({{"input", {2}},
                                     {"classes", data.pool.classCount()},
                                     {"layers",
                                      {{{"type", "dense"}, {"units", 12}},
                                       {{"type", "relu"}},
                                       {{"type", "dense"}, {"units", 7}},
                                       {{"type", "tanh"}},
                                       {{"type", "dense"}, {"units", "classes"}}}}});
    if (!spec) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    std::vector<int> all(static_cast<std::size_t>(data.pool.size()));
    for (int i = 0; i < data.pool.size(); ++i) all[static_cast<std::size_t>(i)] = i;
    return ModelSnapshot{std::move(*model), Preprocessing::fitted(data.pool, all), data.pool.classNames(),
                         data.pool.name()};
}

// logits = (x, −x) for the raw point (x, y): p(class 0) = σ(2x), so the boundary is x = 0.
ModelSnapshot analyticSnapshot() {
    auto spec = ModelSpec::fromJson(
        {{"input", {2}}, {"classes", 2}, {"layers", {{{"type", "dense"}, {"units", "classes"}}}}});
    if (!spec) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model) qFatal("%s", model.error().what().c_str());
    auto params = model->params();
    Tensor& w = params[0]->value;  // (Out, In)
    Tensor& b = params[1]->value;
    const float weights[4] = {1, 0, -1, 0};
    std::copy(weights, weights + 4, w.data());
    b.data()[0] = b.data()[1] = 0.0f;
    return ModelSnapshot{std::move(*model), Preprocessing::identity(Shape{2}, false), {"right", "left"}, "analytic"};
}

}  // namespace

class DecisionBoundaryTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gridPointsSpanTheExtent() {
        const PlaneExtent e{-2, 2, -1, 3};
        float x = 0, y = 0;
        gridPoint(e, 4, 8, 0, 0, x, y);
        QCOMPARE(x, -1.5f);   // -2 + 0.5/4·4
        QCOMPARE(y, 2.75f);   // 3 − 0.5/8·4: row 0 is the top
        gridPoint(e, 4, 8, 7, 3, x, y);
        QCOMPARE(x, 1.5f);
        QCOMPARE(y, -0.75f);
    }

    void analyticModelIsTheOracle() {
        const ModelSnapshot snap = analyticSnapshot();
        const PlaneExtent e{-3, 3, -3, 3};
        auto grid = computeBoundary(snap, e, 31, 17, nullptr);
        QVERIFY2(grid.ok(), grid.ok() ? "" : grid.error().what().c_str());
        QCOMPARE(grid->classes, 2);
        for (int row = 0; row < grid->height; ++row)
            for (int col = 0; col < grid->width; ++col) {
                float x = 0, y = 0;
                gridPoint(e, grid->width, grid->height, row, col, x, y);
                const double expected = 1.0 / (1.0 + std::exp(-2.0 * x));
                QVERIFY2(std::abs(grid->probability(row, col, 0) - expected) < 1e-6,
                         qPrintable(QString("cell %1,%2").arg(row).arg(col)));
                if (std::abs(x) > 1e-5f) QCOMPARE(grid->predicted(row, col), x > 0 ? 0 : 1);  // on x = 0: a tie
            }
    }

    void sampledCellsEqualThePredictor() {
        const DatasetBundle data = generated("spirals", 600);
        const ModelSnapshot snap = mlpSnapshot(data, 3);
        const PlaneExtent e = planeExtent(data.pool);
        ThreadPool pool(2);
        auto grid = computeBoundary(snap, e, 64, 48, &pool);
        QVERIFY(grid.ok());
        QCOMPARE(grid->probabilities.size(), std::size_t(64 * 48 * 3));
        for (const auto& [row, col] : std::vector<std::pair<int, int>>{{0, 0}, {47, 63}, {13, 40}, {30, 5}, {24, 32}}) {
            float xy[2];
            gridPoint(e, 64, 48, row, col, xy[0], xy[1]);
            snap.preprocessing.normalize(xy);
            Tensor x(Shape{1, 2});
            std::copy(xy, xy + 2, x.data());
            const Prediction p = predictPrepared(snap, x, 1);
            float sum = 0.0f;
            for (int c = 0; c < 3; ++c) {
                QVERIFY(std::abs(grid->probability(row, col, c) - p.probabilities[static_cast<std::size_t>(c)]) < 1e-5f);
                sum += grid->probability(row, col, c);
            }
            QVERIFY(std::abs(sum - 1.0f) < 1e-5f);
        }
    }

    void sameGridOnAnyThreadCount() {
        const DatasetBundle data = generated("circles", 400);
        const ModelSnapshot snap = mlpSnapshot(data, 9);
        const PlaneExtent e = planeExtent(data.pool);
        ThreadPool one(1), three(3);
        auto a = computeBoundary(snap, e, 50, 50, &one);
        auto b = computeBoundary(snap, e, 50, 50, &three);
        auto c = computeBoundary(snap, e, 50, 50, nullptr);
        QVERIFY(a.ok() && b.ok() && c.ok());
        QVERIFY(a->probabilities == b->probabilities);
        QVERIFY(a->probabilities == c->probabilities);
        auto fa = computeHiddenFields(snap, e, 20, 20, 2, &one);
        auto fb = computeHiddenFields(snap, e, 20, 20, 2, &three);
        QVERIFY(fa.ok() && fb.ok());
        QVERIFY((*fa)[1].values == (*fb)[1].values);
    }

    void hiddenFieldsEqualADoubleForward() {
        const DatasetBundle data = generated("xor", 400);
        const ModelSnapshot snap = mlpSnapshot(data, 4);
        const PlaneExtent e{-1.5f, 1.5f, -1.5f, 1.5f};
        auto fields = computeHiddenFields(snap, e, 9, 7, 2, nullptr);
        QVERIFY2(fields.ok(), fields.ok() ? "" : fields.error().what().c_str());
        QCOMPARE(fields->size(), std::size_t(2));  // dense 12 · relu, dense 7 · tanh (the output is not hidden)
        QCOMPARE((*fields)[0].units, 12);
        QCOMPARE((*fields)[0].label, std::string("dense 1 · relu"));
        QCOMPARE((*fields)[0].layerIndex, 1);
        QCOMPARE((*fields)[1].units, 7);
        QCOMPARE((*fields)[1].layerIndex, 3);
        const auto params = snap.model.params();
        const Tensor &w1 = params[0]->value, &b1 = params[1]->value, &w2 = params[2]->value, &b2 = params[3]->value;
        for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 9; ++col) {
                float xy[2];
                gridPoint(e, 9, 7, row, col, xy[0], xy[1]);
                snap.preprocessing.normalize(xy);
                double h1[12], h2[7];
                for (int u = 0; u < 12; ++u)
                    h1[u] = std::max(0.0, double(w1[u * 2]) * xy[0] + double(w1[u * 2 + 1]) * xy[1] + b1[u]);
                for (int u = 0; u < 7; ++u) {
                    double s = b2[u];
                    for (int k = 0; k < 12; ++k) s += double(w2[u * 12 + k]) * h1[k];
                    h2[u] = std::tanh(s);
                }
                const int cell = row * 9 + col;
                for (int u = 0; u < 12; ++u) QVERIFY(std::abs((*fields)[0].unit(u)[cell] - h1[u]) < 1e-4);
                for (int u = 0; u < 7; ++u) QVERIFY(std::abs((*fields)[1].unit(u)[cell] - h2[u]) < 1e-4);
            }
        for (int u = 0; u < 7; ++u) {
            const float* v = (*fields)[1].unit(u);
            QCOMPARE((*fields)[1].low[u], *std::min_element(v, v + 63));
            QCOMPARE((*fields)[1].high[u], *std::max_element(v, v + 63));
        }
        auto one = computeHiddenFields(snap, e, 9, 7, 1, nullptr);
        QVERIFY(one.ok());
        QCOMPARE(one->size(), std::size_t(1));
    }

    void imageModelsAreRefused() {
        const DatasetBundle shapes = generated("shapes", 64);
        auto spec = presetSpec("lenet", shapes.pool.sampleShape(), shapes.pool.classCount());
        auto model = Model::build(*spec);
        QVERIFY(model.ok());
        const ModelSnapshot snap{std::move(*model), Preprocessing::identity(shapes.pool.sampleShape(), true), {}, "shapes"};
        QVERIFY(!isPlaneModel(snap));
        auto grid = computeBoundary(snap, {}, 10, 10, nullptr);
        QVERIFY(!grid.ok());
        QVERIFY(grid.error().what().find("2 input features") != std::string::npos);
        QVERIFY(!computeBoundary(analyticSnapshot(), {}, 1, 10, nullptr).ok());
        QVERIFY(!isPlaneDataset(shapes.pool));
        QVERIFY(!writeModelBoundaryPng(QDir::tempPath().toStdString() + "/never.png", snap, shapes, {}, 32, {},
                                       nullptr).ok());
    }

    void extentHoldsEveryPointAndIsSquare() {
        const DatasetBundle data = generated("gauss", 500);
        const PlaneExtent e = planeExtent(data.pool);
        QVERIFY(std::abs((e.xMax - e.xMin) - (e.yMax - e.yMin)) < 1e-5f);
        for (int i = 0; i < data.pool.size(); ++i) {
            const float* p = data.pool.featureRow(i);
            QVERIFY(p[0] > e.xMin && p[0] < e.xMax && p[1] > e.yMin && p[1] < e.yMax);
        }
    }

    void pictureShowsClassColoursAndPoints() {
        const ModelSnapshot snap = analyticSnapshot();
        const PlaneExtent e{-2, 2, -2, 2};
        auto grid = computeBoundary(snap, e, 40, 40, nullptr);
        QVERIFY(grid.ok());
        const std::vector<PlanePoint> points{{-1.0f, 1.0f, 0, false}, {1.0f, -1.0f, 1, true}};
        BoundaryPictureStyle style;
        style.size = 200;
        const DecodedImage image = renderBoundary(*grid, points, style);
        QCOMPARE(image.width, 200);
        QCOMPARE(image.height, 200);
        auto pixel = [&](int x, int y) {
            std::uint32_t c = 0;
            for (int k = 0; k < 3; ++k) c = c << 8 | image.chw[(static_cast<std::size_t>(k) * 200 + y) * 200 + x];
            return c;
        };
        // The points' own colours at their centres: (−1, 1) ↦ pixel (50, 50); (1, −1) ↦ (150, 150).
        QCOMPARE(pixel(50, 50), classColour(0));
        QCOMPARE(pixel(150, 150), classColour(1));
        // The field: far right is class 0 ("right"), far left class 1, mixed over white.
        auto tintedTowards = [](std::uint32_t c, std::uint32_t towards) {
            int closer = 0;
            for (int k = 0; k < 3; ++k) {
                const int v = (c >> (8 * k)) & 255, t = (towards >> (8 * k)) & 255;
                closer += std::abs(v - t) < std::abs(255 - t) ? 1 : 0;
            }
            return closer >= 2;
        };
        QVERIFY(tintedTowards(pixel(195, 100), classColour(0)));
        QVERIFY(tintedTowards(pixel(5, 100), classColour(1)));
        // The boundary (x = 0, p = ½) is the faintest; the discrete style paints both sides alike.
        QVERIFY(boundaryShade(0.5f, 2, false) < boundaryShade(0.99f, 2, false));
        QCOMPARE(boundaryShade(0.5f, 2, true), boundaryShade(0.99f, 2, true));
        style.showHeldOut = false;
        const DecodedImage hidden = renderBoundary(*grid, points, style);
        std::uint32_t c = 0;
        for (int k = 0; k < 3; ++k) c = c << 8 | hidden.chw[(static_cast<std::size_t>(k) * 200 + 150) * 200 + 150];
        QVERIFY(c != classColour(1));  // the held-out square is gone, the field shows
    }

    void modelBoundaryPngDecodes() {
        const DatasetBundle data = generated("spirals", 300);
        const ModelSnapshot snap = mlpSnapshot(data, 2);
        const DataSplit split = splitDataset(data, 0.1, 0.2, 1);
        const std::string path = QDir::temp().filePath("tst_decision_boundary.png").toStdString();
        BoundaryPictureStyle style;
        style.size = 256;
        QVERIFY(writeModelBoundaryPng(path, snap, data, split, 48, style, nullptr).ok());
        auto image = readImageFile(path);
        QVERIFY2(image.ok(), image.ok() ? "" : image.error().what().c_str());
        QCOMPARE(image->width, 256);
        QCOMPARE(image->channels, 3);
        const auto points = planePoints(data, split);
        QCOMPARE(points.size(), split.train.size() + split.validation.size() + split.test.size());
        QCOMPARE(static_cast<std::size_t>(std::count_if(points.begin(), points.end(),
                                                        [](const PlanePoint& p) { return !p.heldOut; })),
                 split.train.size());
        QFile::remove(QString::fromStdString(path));
    }

    void noiseReshapesTheBuiltInSets() {
        // circles without noise: the ring's points lie within radii [0.7, 1], the disc's within 0.5.
        const DatasetBundle clean = generated("circles", 400, 0.0);
        for (int i = 0; i < clean.pool.size(); ++i) {
            const float* p = clean.pool.featureRow(i);
            const double r = std::hypot(p[0], p[1]);
            if (clean.pool.label(i) == 0)
                QVERIFY(r <= 0.5 + 1e-6);
            else
                QVERIFY(r >= 0.7 - 1e-6 && r <= 1.0 + 1e-6);
        }
        const DatasetBundle noisy = generated("circles", 400, 8.0);  // σ 0.32
        int outside = 0;
        for (int i = 0; i < noisy.pool.size(); ++i) {
            const float* p = noisy.pool.featureRow(i);
            if (noisy.pool.label(i) == 1 && std::hypot(p[0], p[1]) > 1.05) ++outside;
        }
        QVERIFY(outside > 20);
        // Noise 1 is the set's own: the same data as before the option existed.
        const DatasetBundle own = generated("circles", 400, 1.0);
        const DatasetBundle byDefault = generated("circles", 400);
        QVERIFY(std::equal(own.pool.featureRow(0), own.pool.featureRow(0) + 800, byDefault.pool.featureRow(0)));
        QVERIFY(noisy.description.find("noise ×8") != std::string::npos);
        QVERIFY(own.description.find("noise") == std::string::npos);
    }

    void teachingSetsGetOptionsThatLearnThem() {
        const auto merged = withRecommendedOptions("mlp", "spirals", {{"seed", 3}});
        QCOMPARE(merged["epochs"].get<int>(), 100);           // the data's
        QCOMPARE(merged["lr"].get<double>(), 3e-3);
        QCOMPARE(merged["schedule"].get<std::string>(), std::string("cosine"));  // the preset's
        QCOMPARE(merged["seed"].get<int>(), 3);                // given
        QCOMPARE(withRecommendedOptions("mlp", "spirals", {{"epochs", 4}})["epochs"].get<int>(), 4);
        QVERIFY(datasetTrainingOptions("shapes").empty());
        QVERIFY(datasetTrainingOptions("fashion-mnist").empty());
        // End to end: spirals with these options learns (the generic 10 epochs end near 0.47).
        auto options = normalizeOptions(withRecommendedOptions("mlp", "spirals", {{"seed", 2}}));
        QVERIFY(options.ok());
        auto config = trainConfigFromOptions(*options);
        QVERIFY(config.ok());
        auto data = std::make_shared<const DatasetBundle>(generated("spirals", 0));
        TrainingSetup setup;
        setup.data = data;
        setup.split = splitDataset(*data, config->validationFraction, config->testFraction, config->seed);
        auto spec = presetSpec("mlp", data->pool.sampleShape(), data->pool.classCount());
        QVERIFY(spec.ok());
        setup.spec = *spec;
        setup.config = *config;
        auto outcome = trainToEnd(std::move(setup));
        QVERIFY(outcome.ok());
        qInfo("spirals, recommended options: test accuracy %.4f in %.2f s", outcome->finished.testAccuracy,
              outcome->finished.seconds);
        QVERIFY(outcome->finished.testAccuracy >= 0.95);
    }
};

QTEST_APPLESS_MAIN(DecisionBoundaryTest)
#include "tst_decision_boundary.moc"
