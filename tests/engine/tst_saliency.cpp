// Saliency maps: the gradient equals central finite differences of p(target), occlusion equals
// a naive per-pixel loop over predictPrepared bit for bit, neither depends on the thread count,
// a trained lenet looks at the shape rather than the background, and the overlay, the model view
// and the letterbox crop have the right geometry. Bad inputs are errors.

#include <QtTest>

#include <algorithm>
#include <cmath>

#include "engine/data/synthetic.h"
#include "engine/infer/predictor.h"
#include "engine/infer/saliency.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

Model buildModel(const nlohmann::json& spec, std::uint64_t seed) {
    auto s = ModelSpec::fromJson(spec);
    if (!s.ok()) qFatal("%s", s.error().what().c_str());
    auto m = Model::build(*s);
    if (!m.ok()) qFatal("%s", m.error().what().c_str());
    m->initialize(seed);
    return std::move(*m);
}

Model presetModel(const std::string& preset, const Shape& input, int classes, std::uint64_t seed) {
    auto spec = presetSpec(preset, input, classes);
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    return buildModel(spec->toJson(), seed);
}

Tensor randomInput(const Shape& sample, std::uint64_t seed) {
    Shape shape{1};
    shape.insert(shape.end(), sample.begin(), sample.end());
    Tensor x(shape);
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 11);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

// p(target) of softmax(model(x)) in double from a batch-1 forward: max-shifted, summed in class
// order, as saliency.h documents for occlusion.
double probability(const Model& model, const Tensor& x, int target) {
    Tensor logits;
    model.predictLogits(x, logits);
    double zmax = logits[0], sum = 0.0;
    for (std::size_t j = 0; j < logits.size(); ++j) zmax = std::max<double>(zmax, logits[j]);
    for (std::size_t j = 0; j < logits.size(); ++j) sum += std::exp(logits[j] - zmax);
    return std::exp(logits[static_cast<std::size_t>(target)] - zmax) / sum;
}

// The obvious loop: for every pixel, every patch position that covers it (in the order the
// positions are listed), the drop of p(target) on the occluded copy.
std::vector<float> naiveOcclusion(const Model& model, const Tensor& x, int target, int patch, int stride) {
    const int channels = x.dim(1), height = x.dim(2), width = x.dim(3);
    auto starts = [&](int size) {
        std::vector<int> s;
        for (int p = 0; p + patch <= size; p += stride) s.push_back(p);
        if (s.back() != size - patch) s.push_back(size - patch);
        return s;
    };
    const double base = probability(model, x, target);
    std::vector<double> pixel(static_cast<std::size_t>(height) * width);
    for (int y = 0; y < height; ++y)
        for (int xx = 0; xx < width; ++xx) {
            double sum = 0.0;
            int covering = 0;
            for (int py : starts(height))
                for (int px : starts(width)) {
                    if (y < py || y >= py + patch || xx < px || xx >= px + patch) continue;
                    Tensor occluded = x;
                    for (int c = 0; c < channels; ++c)
                        for (int yy = py; yy < py + patch; ++yy)
                            for (int xq = px; xq < px + patch; ++xq)
                                occluded[(static_cast<std::size_t>(c) * height + yy) * width + xq] = 0.0f;
                    sum += base - probability(model, occluded, target);
                    ++covering;
                }
            pixel[static_cast<std::size_t>(y) * width + xx] = std::max(0.0, sum / covering);
        }
    const double top = *std::max_element(pixel.begin(), pixel.end());
    std::vector<float> out(pixel.size(), 0.0f);
    for (std::size_t k = 0; k < pixel.size() && top > 0.0; ++k) out[k] = static_cast<float>(pixel[k] / top);
    return out;
}

// Pixels of the drawn shape (above the midpoint of background and brightest), grown by `grow`.
std::vector<bool> shapeMask(const std::uint8_t* pixels, int side, int grow) {
    std::vector<std::uint8_t> sorted(pixels, pixels + side * side);
    std::sort(sorted.begin(), sorted.end());
    const int threshold = (sorted[sorted.size() / 2] + sorted.back()) / 2;
    std::vector<bool> mask(static_cast<std::size_t>(side) * side, false);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            bool near = false;
            for (int dy = -grow; dy <= grow && !near; ++dy)
                for (int dx = -grow; dx <= grow && !near; ++dx) {
                    const int yy = y + dy, xx = x + dx;
                    near = yy >= 0 && yy < side && xx >= 0 && xx < side && pixels[yy * side + xx] > threshold;
                }
            mask[static_cast<std::size_t>(y) * side + x] = near;
        }
    return mask;
}

DecodedImage solidImage(int channels, int height, int width, std::uint8_t value) {
    DecodedImage img;
    img.channels = channels;
    img.height = height;
    img.width = width;
    img.chw.assign(static_cast<std::size_t>(channels) * height * width, value);
    return img;
}

}  // namespace

class SaliencyTest : public QObject {
    Q_OBJECT
private Q_SLOTS:

    void gradientEqualsFiniteDifferences_data() {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("target");
        const char* smooth = R"({"input": [2, 6, 5], "classes": 4, "layers": [
        {"type": "conv2d", "filters": 3, "kernel": 3, "padding": 1}, {"type": "tanh"},
        {"type": "avgpool2d"}, {"type": "flatten"}, {"type": "dense", "units": "classes"}]})";
        const char* normed = R"({"input": [3, 5, 5], "classes": 3, "layers": [
        {"type": "conv2d", "filters": 4, "kernel": 3}, {"type": "batchnorm"}, {"type": "gelu"},
        {"type": "dropout", "rate": 0.5}, {"type": "globalavgpool"}, {"type": "dense", "units": "classes"}]})";
        QTest::newRow("conv tanh avgpool dense, class 0") << smooth << 0;
        QTest::newRow("conv tanh avgpool dense, class 3") << smooth << 3;
        QTest::newRow("conv batchnorm gelu dropout gap dense") << normed << 1;
    }

    void gradientEqualsFiniteDifferences() {
        QFETCH(QString, spec);
        QFETCH(int, target);
        Model model = buildModel(nlohmann::json::parse(spec.toStdString()), 5);
        for (Param* p : model.params())  // non-trivial BatchNorm statistics and biases
            for (std::size_t i = 0; i < p->value.size(); ++i)
                if (p->name != "weight") p->value[i] += 0.1f * static_cast<float>(i % 3) + (p->name == "running_var");
        const Tensor x = randomInput(model.inputShape(), 3);
        auto analytic = probabilityGradient(model, x, target);
        QVERIFY(analytic.ok());
        QCOMPARE(analytic->shape(), x.shape());

        constexpr double h = 1e-2;
        double rms = 0.0, worst = 0.0;
        std::vector<double> numeric(x.size());
        for (std::size_t i = 0; i < x.size(); ++i) {
            Tensor plus = x, minus = x;
            plus[i] += static_cast<float>(h);
            minus[i] -= static_cast<float>(h);
            numeric[i] = (probability(model, plus, target) - probability(model, minus, target)) / (2 * h);
            rms += numeric[i] * numeric[i];
        }
        rms = std::sqrt(rms / static_cast<double>(x.size()));
        QVERIFY2(rms > 1e-4, "the probability must depend on the input for the check to mean anything");
        for (std::size_t i = 0; i < x.size(); ++i)
            worst = std::max(worst, std::abs((*analytic)[i] - numeric[i]) / (1e-3 * rms + 1e-2 * std::abs(numeric[i])));
        qInfo("rms |dp/dx| %.3g, worst mismatch %.3f of the tolerance", rms, worst);
        QVERIFY(worst <= 1.0);

        // The map is max over channels of |dp/dx|, divided by its maximum.
        SaliencyOptions options;
        options.method = SaliencyMethod::Gradient;
        options.targetClass = target;
        auto map = computeSaliency(model, x, options);
        QVERIFY(map.ok());
        const int c = x.dim(1), plane = x.dim(2) * x.dim(3);
        std::vector<double> expected(static_cast<std::size_t>(plane), 0.0);
        for (int ch = 0; ch < c; ++ch)
            for (int k = 0; k < plane; ++k)
                expected[static_cast<std::size_t>(k)] =
                    std::max<double>(expected[static_cast<std::size_t>(k)],
                                     std::abs((*analytic)[static_cast<std::size_t>(ch * plane + k)]));
        const double top = *std::max_element(expected.begin(), expected.end());
        QCOMPARE(map->values.size(), expected.size());
        for (std::size_t k = 0; k < expected.size(); ++k)
            QCOMPARE(map->values[k], static_cast<float>(expected[k] / top));
        QCOMPARE(map->targetClass, target);
        QCOMPARE(map->probability, predictPrepared(model, x, 0).probabilities[static_cast<std::size_t>(target)]);
    }

    void occlusionEqualsNaiveLoop_data() {
        QTest::addColumn<QString>("preset");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("patch");
        QTest::addColumn<int>("stride");
        QTest::newRow("lenet 28x28, default 4/2") << "lenet" << 1 << 28 << 28 << 0 << 0;
        QTest::newRow("lenet 28x28, patch 5 stride 3 (edge patches)") << "lenet" << 1 << 28 << 28 << 5 << 3;
        QTest::newRow("cnn RGB 12x10, patch 3 stride 3 (no overlap)") << "cnn" << 3 << 12 << 10 << 3 << 3;
    }

    void occlusionEqualsNaiveLoop() {
        QFETCH(QString, preset);
        QFETCH(int, channels);
        QFETCH(int, height);
        QFETCH(int, width);
        QFETCH(int, patch);
        QFETCH(int, stride);
        const Model model = presetModel(preset.toStdString(), {channels, height, width}, 5, 2);
        const Tensor x = randomInput(model.inputShape(), 4);
        SaliencyOptions options;
        options.patch = patch;
        options.stride = stride;
        options.targetClass = 2;
        auto map = computeSaliency(model, x, options);
        QVERIFY2(map.ok(), map.ok() ? "" : map.error().what().c_str());
        QCOMPARE(map->height, height);
        QCOMPARE(map->width, width);
        const int p = patch > 0 ? patch : 4, s = stride > 0 ? stride : 2;
        const std::vector<float> naive = naiveOcclusion(model, x, 2, p, s);
        QVERIFY(*std::max_element(naive.begin(), naive.end()) == 1.0f);
        QVERIFY(map->values == naive);
    }

    void sameMapForAnyThreadCount() {
        const Model model = presetModel("lenet", {1, 28, 28}, 8, 3);
        const Tensor x = randomInput(model.inputShape(), 9);
        ThreadPool one(1), two(2);
        for (SaliencyMethod method : {SaliencyMethod::Occlusion, SaliencyMethod::Gradient}) {
            SaliencyOptions options;
            options.method = method;
            auto serial = computeSaliency(model, x, options, nullptr);
            QVERIFY(serial.ok());
            for (ThreadPool* pool : {&one, &two}) {
                auto m = computeSaliency(model, x, options, pool);
                QVERIFY(m.ok());
                QVERIFY(m->values == serial->values);
                QCOMPARE(m->probability, serial->probability);
            }
        }
    }

    void trainedLenetLooksAtTheShape() {
        auto bundle = generateDataset("shapes", 7, 4000);
        QVERIFY(bundle.ok());
        auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));
        TrainingSetup setup;
        setup.data = data;
        setup.config.epochs = 3;
        setup.config.schedule.kind = "cosine";
        setup.config.schedule.baseLr = 3e-3f;
        setup.split =
            splitDataset(*data, setup.config.validationFraction, setup.config.testFraction, setup.config.seed);
        setup.spec = *presetSpec("lenet", data->pool.sampleShape(), data->pool.classCount());
        auto outcome = trainToEnd(setup);
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().what().c_str());
        QVERIFY(outcome->finished.testAccuracy > 0.85);
        const ModelSnapshot& snapshot = *outcome->snapshot;

        // New drawings (another seed). Mass share on the shape (grown by 1 pixel for occlusion's
        // patches and anti-aliased edges) against the share of the area it covers; a map that
        // ignored the shape would put as much mass there as the area share.
        auto fresh = generateDataset("shapes", 99, 48);
        QVERIFY(fresh.ok());
        const Dataset& d = fresh->pool;
        for (SaliencyMethod method : {SaliencyMethod::Occlusion, SaliencyMethod::Gradient}) {
            double massShare = 0.0, areaShare = 0.0;
            for (int i = 0; i < d.size(); ++i) {
                const DecodedImage img{1, 28, 28, std::vector<std::uint8_t>(d.pixels(i), d.pixels(i) + 784)};
                SaliencyOptions options;
                options.method = method;
                options.targetClass = d.label(i);
                auto map = imageSaliency(snapshot, img, options);
                QVERIFY(map.ok());
                const std::vector<bool> mask = shapeMask(d.pixels(i), 28, 1);
                double on = 0.0, all = 0.0;
                int area = 0;
                for (std::size_t k = 0; k < mask.size(); ++k) {
                    all += map->values[k];
                    on += mask[k] ? map->values[k] : 0.0;
                    area += mask[k];
                }
                massShare += all > 0.0 ? on / all : 0.0;
                areaShare += area / 784.0;
            }
            massShare /= d.size();
            areaShare /= d.size();
            qInfo("%s: %.1f%% of the saliency on the shape, which covers %.1f%% of the image",
                  saliencyMethodName(method), 100 * massShare, 100 * areaShare);
            // Occlusion: 70 % on a third of the image. Plain gradients are known to be diffuse (they
            // also answer "which background pixel could start to look like an edge"): 43 %, still
            // well above the 32 % a map blind to the shape would put there.
            if (method == SaliencyMethod::Occlusion) {
                QVERIFY(massShare > 0.6);
                QVERIFY(massShare > 1.8 * areaShare);
            } else {
                QVERIFY(massShare > 1.25 * areaShare);
            }
        }
    }

    void letterboxCropMatchesFitImage() {
        for (auto [height, width] : {std::pair{20, 50}, {50, 20}, {13, 41}, {40, 40}}) {
            Preprocessing pre = Preprocessing::identity({1, 28, 28}, true);
            pre.resize = "pad";
            auto view = modelView(pre, solidImage(1, height, width, 255));
            QVERIFY(view.ok());
            SaliencyMap map;  // 0.5 on the image's part of the input, 0 on the bars
            map.height = map.width = 28;
            int inside = 0;
            for (std::uint8_t v : view->chw) {
                map.values.push_back(v > 0 ? 0.5f : 0.0f);
                inside += v > 0;
            }
            const SaliencyMap framed = mapToImageFrame(map, pre, height, width);
            QCOMPARE(framed.height * framed.width, inside);
            QVERIFY(std::all_of(framed.values.begin(), framed.values.end(), [](float v) { return v == 1.0f; }));
            pre.resize = "stretch";
            QVERIFY(mapToImageFrame(map, pre, height, width).values == map.values);
        }
    }

    void overlayAndHeatmap() {
        const std::vector<float> map = {0.0f, 0.25f, 0.5f, 0.75f, 1.0f, 0.0f};  // 2×3
        const DecodedImage heat = heatmapImage(map, 2, 3);
        QCOMPARE(heat.channels, 3);
        QCOMPARE(heat.height, 2);
        QCOMPARE(heat.width, 3);
        QCOMPARE(heat.chw.size(), std::size_t(18));
        QCOMPARE(int(heat.chw[0]), 0);  // inferno: black-violet at 0, pale yellow at 1
        QCOMPARE(int(heat.chw[2 * 6]), 4);
        QCOMPARE(int(heat.chw[4]), 252);
        QCOMPARE(int(heat.chw[6 + 4]), 255);
        QCOMPARE(int(heat.chw[12 + 4]), 164);
        auto luminance = [&](int k) { return heat.chw[k] * 0.3 + heat.chw[6 + k] * 0.59 + heat.chw[12 + k] * 0.11; };
        for (int k = 0; k < 4; ++k) QVERIFY(luminance(k) < luminance(k + 1));  // monotonic: readable in gray

        for (int channels : {1, 3}) {
            const DecodedImage img = solidImage(channels, 40, 60, 100);
            const DecodedImage over = heatmapOverlay(img, map, 2, 3, 0.4f);
            QCOMPARE(over.channels, 3);
            QCOMPARE(over.height, 40);
            QCOMPARE(over.width, 60);
            QCOMPARE(over.chw.size(), std::size_t(3 * 40 * 60));
            const DecodedImage none = heatmapOverlay(img, map, 2, 3, 0.0f);
            QVERIFY(std::all_of(none.chw.begin(), none.chw.end(), [](std::uint8_t v) { return v == 100; }));
        }
        // Same size, alpha 1: the heatmap itself.
        QVERIFY(heatmapOverlay(solidImage(1, 2, 3, 7), map, 2, 3, 1.0f).chw == heat.chw);
    }

    void modelViewIsWhatTheModelSees() {
        Preprocessing pre = Preprocessing::identity({3, 16, 12}, true);
        DecodedImage img = solidImage(1, 30, 20, 0);
        for (std::size_t k = 0; k < img.chw.size(); ++k) img.chw[k] = static_cast<std::uint8_t>(k * 7);
        auto view = modelView(pre, img);
        QVERIFY(view.ok());
        QCOMPARE(view->channels, 3);
        QCOMPARE(view->height, 16);
        QCOMPARE(view->width, 12);
        QVERIFY(view->chw == fitImage(img, 3, 16, 12, "stretch").chw);
        auto x = prepareImage(pre, img);  // identity normalization: the view · (1/255)
        QVERIFY(x.ok());
        for (std::size_t k = 0; k < x->size(); ++k)
            QCOMPARE((*x)[k], static_cast<float>(view->chw[k]) * (1.0f / 255.0f));
        QVERIFY(!modelView(Preprocessing::identity({4}, false), img).ok());
    }

    void badInputsAreErrors() {
        const Model lenet = presetModel("lenet", {1, 28, 28}, 6, 1);
        const Tensor x = randomInput(lenet.inputShape(), 1);
        SaliencyOptions options;
        for (SaliencyMethod method : {SaliencyMethod::Occlusion, SaliencyMethod::Gradient}) {
            options.method = method;
            options.targetClass = 6;
            auto r = computeSaliency(lenet, x, options);
            QVERIFY(!r.ok());
            QVERIFY2(r.error().message().find("Class 6") != std::string::npos, r.error().what().c_str());
            QVERIFY(!r.error().hint().empty());
        }
        QVERIFY(!probabilityGradient(lenet, x, -1).ok());
        options = {};
        options.patch = 29;
        QVERIFY(!computeSaliency(lenet, x, options).ok());
        options.patch = 4;
        for (int stride : {-1, 5}) {
            options.stride = stride;
            QVERIFY(!computeSaliency(lenet, x, options).ok());
        }

        const Model mlp = presetModel("mlp", {4}, 3, 1);
        auto features = computeSaliency(mlp, Tensor({1, 4}), SaliencyOptions{});
        QVERIFY(!features.ok());
        QVERIFY(features.error().message().find("feature vectors") != std::string::npos);
        const ModelSnapshot snapshot{mlp, Preprocessing::identity({4}, false), {"a", "b", "c"}, "f", {}, {}, 1};
        QVERIFY(!imageSaliency(snapshot, solidImage(1, 4, 4, 1), SaliencyOptions{}).ok());

        auto method = parseSaliencyMethod("heat");
        QVERIFY(!method.ok());
        QVERIFY(method.error().message().find("heat") != std::string::npos);
        QVERIFY(*parseSaliencyMethod("gradient") == SaliencyMethod::Gradient);
        QVERIFY(*parseSaliencyMethod("occlusion") == SaliencyMethod::Occlusion);
    }
};

QTEST_APPLESS_MAIN(SaliencyTest)
#include "tst_saliency.moc"
