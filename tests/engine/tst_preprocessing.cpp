// Split, preprocessing statistics, augmentation and batch assembly.

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "engine/data/augment.h"
#include "engine/data/data_loader.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"

using namespace studio;

namespace {

// n images of C×H×W whose pixels follow a fixed pattern; labels i % classes, or `labels`.
Dataset patternImages(int n, int c, int h, int w, int classes) {
    std::vector<std::string> names;
    for (int k = 0; k < classes; ++k) names.push_back(std::to_string(k).insert(0, 1, 'c'));
    Dataset d = Dataset::images("pattern", c, h, w, names);
    std::vector<std::uint8_t> px(static_cast<std::size_t>(c * h * w));
    for (int i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < px.size(); ++k) px[k] = static_cast<std::uint8_t>((i * 37 + k * 11 + (k / (h * w)) * 60) % 256);
        d.addImage(px.data(), i % classes);
    }
    return d;
}

double centreOfMassX(const std::vector<float>& img, int h, int w) {
    double m = 0, mx = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            m += img[static_cast<std::size_t>(y * w + x)];
            mx += x * img[static_cast<std::size_t>(y * w + x)];
        }
    return mx / m;
}

double stddevOf(const std::vector<float>& v) {
    const double mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double s = 0;
    for (float x : v) s += (x - mean) * (x - mean);
    return std::sqrt(s / static_cast<double>(v.size()));
}

}  // namespace

class TestPreprocessing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void splitIsStratifiedDisjointAndComplete() {
        DatasetBundle b;
        // Unbalanced classes: 100, 50, 7, 1 samples.
        b.pool = Dataset::images("s", 1, 2, 2, {"a", "b", "c", "d"});
        const std::uint8_t px[4] = {1, 2, 3, 4};
        for (int i = 0; i < 100; ++i) b.pool.addImage(px, 0);
        for (int i = 0; i < 50; ++i) b.pool.addImage(px, 1);
        for (int i = 0; i < 7; ++i) b.pool.addImage(px, 2);
        b.pool.addImage(px, 3);
        const DataSplit s = splitDataset(b, 0.1, 0.2, 42);
        QVERIFY(s.testFromPool);
        std::vector<int> perClassVal(4), perClassTest(4), perClassTrain(4);
        for (int i : s.validation) ++perClassVal[static_cast<std::size_t>(b.pool.label(i))];
        for (int i : s.test) ++perClassTest[static_cast<std::size_t>(b.pool.label(i))];
        for (int i : s.train) ++perClassTrain[static_cast<std::size_t>(b.pool.label(i))];
        QCOMPARE(perClassVal, (std::vector<int>{10, 5, 1, 0}));
        QCOMPARE(perClassTest, (std::vector<int>{20, 10, 2, 0}));
        QCOMPARE(perClassTrain, (std::vector<int>{70, 35, 4, 1}));  // the lone sample stays in training
        std::set<int> all;
        for (const auto* list : {&s.train, &s.validation, &s.test}) {
            QVERIFY(std::is_sorted(list->begin(), list->end()));
            all.insert(list->begin(), list->end());
        }
        QCOMPARE(static_cast<int>(all.size()), b.pool.size());  // disjoint and complete
    }

    void splitDependsOnlyOnSeed() {
        DatasetBundle b;
        b.pool = patternImages(200, 1, 2, 2, 4);
        const DataSplit a = splitDataset(b, 0.2, 0.1, 7), again = splitDataset(b, 0.2, 0.1, 7), other = splitDataset(b, 0.2, 0.1, 8);
        QCOMPARE(a.validation, again.validation);
        QCOMPARE(a.test, again.test);
        QCOMPARE(a.train, again.train);
        QVERIFY(a.validation != other.validation);
    }

    void splitUsesOfficialTest() {
        DatasetBundle b;
        b.pool = patternImages(40, 1, 2, 2, 2);
        b.test = patternImages(6, 1, 2, 2, 2);
        const DataSplit s = splitDataset(b, 0.25, 0.5, 1);
        QVERIFY(!s.testFromPool);
        QCOMPARE(s.test, (std::vector<int>{0, 1, 2, 3, 4, 5}));
        QCOMPARE(static_cast<int>(s.validation.size()), 10);
        QCOMPARE(static_cast<int>(s.train.size()), 30);
    }

    void fittedMatchesNaiveStatistics() {
        const Dataset d = patternImages(30, 2, 3, 4, 3);
        const std::vector<int> idx{0, 3, 5, 8, 13, 21, 29};
        const Preprocessing p = Preprocessing::fitted(d, idx);
        QCOMPARE(p.inputShape, (Shape{2, 3, 4}));
        QVERIFY(p.isImage);
        QCOMPARE(static_cast<int>(p.mean.size()), 2);
        for (int c = 0; c < 2; ++c) {
            double s = 0, s2 = 0, n = 0;
            for (int i : idx)
                for (int k = 0; k < 12; ++k) {
                    const double v = d.pixels(i)[c * 12 + k] / 255.0;
                    s += v;
                    s2 += v * v;
                    ++n;
                }
            const double mean = s / n, sd = std::sqrt(s2 / n - mean * mean);
            QVERIFY(std::abs(p.mean[static_cast<std::size_t>(c)] - mean) < 1e-6);
            QVERIFY(std::abs(p.stddev[static_cast<std::size_t>(c)] - sd) < 1e-6);
        }
    }

    void fittedFeaturesAndConstantChannels() {
        Dataset f = Dataset::features("f", 2, {"a", "b"});
        const float rows[4][2] = {{1, 5}, {3, 5}, {5, 5}, {7, 5}};
        for (int i = 0; i < 4; ++i) f.addFeatures(rows[i], i % 2);
        const Preprocessing p = Preprocessing::fitted(f, {0, 1, 2, 3});
        QVERIFY(!p.isImage);
        QCOMPARE(p.mean[0], 4.0f);
        QVERIFY(std::abs(p.stddev[0] - std::sqrt(5.0f)) < 1e-6f);
        QCOMPARE(p.mean[1], 5.0f);
        QCOMPARE(p.stddev[1], 1.0f);  // constant feature: std 1, never 0
    }

    void normalizeRoundTripAndStandardizes() {
        const Dataset d = patternImages(50, 3, 4, 4, 5);
        std::vector<int> all(50);
        std::iota(all.begin(), all.end(), 0);
        const Preprocessing p = Preprocessing::fitted(d, all);
        std::vector<double> sum(3, 0.0), sq(3, 0.0);
        std::vector<float> x(d.sampleSize()), raw(d.sampleSize());
        for (int i : all) {
            d.sampleAsFloat(i, raw.data());
            x = raw;
            p.normalize(x.data());
            for (int k = 0; k < 48; ++k) {
                sum[static_cast<std::size_t>(k / 16)] += x[static_cast<std::size_t>(k)];
                sq[static_cast<std::size_t>(k / 16)] += x[static_cast<std::size_t>(k)] * x[static_cast<std::size_t>(k)];
            }
            p.denormalize(x.data());
            for (std::size_t k = 0; k < x.size(); ++k) QVERIFY(std::abs(x[k] - raw[k]) < 1e-5f);
        }
        for (int c = 0; c < 3; ++c) {
            QVERIFY(std::abs(sum[static_cast<std::size_t>(c)] / 800.0) < 1e-4);
            QVERIFY(std::abs(sq[static_cast<std::size_t>(c)] / 800.0 - 1.0) < 1e-3);
        }
    }

    void jsonRoundTrip() {
        Preprocessing p = Preprocessing::fitted(patternImages(10, 3, 2, 2, 2), {0, 1, 2, 3, 4});
        p.resize = "pad";
        auto back = Preprocessing::fromJson(p.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->inputShape, p.inputShape);
        QCOMPARE(back->mean, p.mean);
        QCOMPARE(back->stddev, p.stddev);
        QCOMPARE(back->resize, std::string("pad"));
        QCOMPARE(back->isImage, true);
    }

    void jsonErrors_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("mean size") << "mean-size" << "'mean' has 2 values but the input has 3 channels";
        QTest::newRow("std zero") << "std-zero" << "'stddev' must be > 0";
        QTest::newRow("nan") << "nan" << "not a finite number";
        QTest::newRow("missing") << "missing" << "'stddev' is missing";
        QTest::newRow("rank") << "rank" << "needs 'inputShape' [C, H, W]";
        QTest::newRow("resize") << "resize" << "'resize' must be";
        QTest::newRow("not object") << "array" << "expected an object";
    }
    void jsonErrors() {
        QFETCH(QString, field);
        QFETCH(QString, expected);
        nlohmann::json j = Preprocessing::identity({3, 8, 8}, true).toJson();
        if (field == "mean-size") j["mean"] = {0.1, 0.2};
        if (field == "std-zero") j["stddev"][1] = 0.0;
        if (field == "nan") j["mean"][0] = std::nan("");
        if (field == "missing") j.erase("stddev");
        if (field == "rank") j["inputShape"] = {3, 8};
        if (field == "resize") j["resize"] = "crop";
        if (field == "array") j = nlohmann::json::array();
        auto r = Preprocessing::fromJson(j);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message().find(expected.toStdString()) != std::string::npos, r.error().message().c_str());
    }

    void augmentParseAndPrint() {
        auto a = AugmentConfig::parse("shift, flip ,rotate=10,noise=0.02");
        QVERIFY(a.ok());
        QCOMPARE(a->shift, 0.1f);
        QVERIFY(a->flipHorizontal);
        QVERIFY(!a->flipVertical);
        QCOMPARE(a->rotateDegrees, 10.0f);
        QCOMPARE(a->noise, 0.02f);
        QCOMPARE(a->toString(), std::string("shift=0.1,flip,rotate=10,noise=0.02"));
        auto again = AugmentConfig::parse(a->toString());
        QVERIFY(again.ok());
        QCOMPARE(again->toString(), a->toString());
        auto none = AugmentConfig::parse("none");
        QVERIFY(none.ok() && !none->any());
        QCOMPARE(none->toString(), std::string("none"));
        auto j = AugmentConfig::fromJson(a->toJson());
        QVERIFY(j.ok());
        QCOMPARE(j->toString(), a->toString());
    }

    void augmentParseErrors_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown") << "shift,zoom" << "Unknown augmentation 'zoom'";
        QTest::newRow("range") << "rotate=500" << "out of range";
        QTest::newRow("number") << "noise=abc" << "needs a number";
        QTest::newRow("flip value") << "flip=0.3" << "takes no number";
    }
    void augmentParseErrors() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        auto r = AugmentConfig::parse(text.toStdString());
        QVERIFY(!r.ok());
        QVERIFY2(r.error().message().find(expected.toStdString()) != std::string::npos, r.error().message().c_str());
        QVERIFY(!AugmentConfig::fromJson({{"zoom", 1}}).ok());
        QVERIFY(!AugmentConfig::fromJson({{"shift", -1}}).ok());
    }

    void flipTwiceIsIdentity() {
        const Shape shape{3, 5, 7};
        std::vector<float> x(shapeSize(shape));
        for (std::size_t k = 0; k < x.size(); ++k) x[k] = static_cast<float>(k);
        for (bool horizontal : {true, false}) {
            std::vector<float> y = x;
            flipSample(y.data(), shape, horizontal);
            QVERIFY(y != x);
            QCOMPARE(y[0], horizontal ? 6.0f : 28.0f);  // first row reversed / last row first
            flipSample(y.data(), shape, horizontal);
            QCOMPARE(y, x);
        }
    }

    void shiftMovesMassAndRotationTurns() {
        const Shape shape{1, 9, 9};
        std::vector<float> x(81, 0.0f);
        x[4 * 9 + 2] = 1.0f;  // a dot at (x=2, y=4)
        std::vector<float> y = x;
        warpSample(y.data(), shape, 3, 0, 0.0f);
        QCOMPARE(y[4 * 9 + 5], 1.0f);
        QCOMPARE(std::accumulate(y.begin(), y.end(), 0.0f), 1.0f);
        // A quarter turn counter-clockwise about the centre (4,4): (2,4) → (4,6) on screen.
        y = x;
        warpSample(y.data(), shape, 0, 0, 90.0f);
        QVERIFY(std::abs(y[6 * 9 + 4] - 1.0f) < 1e-4f);

        // Random shifts move the centre of mass by whole pixels, by up to 20% of the side.
        std::vector<float> img(28 * 28, 0.0f);
        for (int yy = 10; yy < 18; ++yy)
            for (int xx = 10; xx < 18; ++xx) img[static_cast<std::size_t>(yy * 28 + xx)] = 1.0f;
        AugmentConfig shift;
        shift.shift = 0.2f;
        int moved = 0;
        for (int i = 0; i < 20; ++i) {
            std::vector<float> z = img;
            Rng rng = Rng::forStream(1, RngPurpose::Augment, 0, static_cast<std::uint64_t>(i));
            augmentSample(z.data(), {1, 28, 28}, shift, rng);
            const double dx = centreOfMassX(z, 28, 28) - centreOfMassX(img, 28, 28);
            QVERIFY(std::abs(dx) <= std::round(0.2 * 28) + 1e-9);
            QVERIFY(std::abs(dx - std::round(dx)) < 1e-6);
            moved += std::abs(dx) > 0.5;
        }
        QVERIFY(moved >= 10);
    }

    void noiseAddsExpectedStddev() {
        const Shape shape{3, 32, 32};
        std::vector<float> x(shapeSize(shape), 0.5f);
        AugmentConfig noise;
        noise.noise = 0.1f;
        Rng rng = Rng::forStream(3, RngPurpose::Augment, 0, 0);
        augmentSample(x.data(), shape, noise, rng);
        const double sd = stddevOf(x);
        QVERIFY2(std::abs(sd - 0.1) < 0.006, qPrintable(QString::number(sd)));
    }

    void augmentIsDeterministic() {
        AugmentConfig all;
        auto parsed = AugmentConfig::parse("shift,flip,vflip,rotate,brightness,contrast,noise");
        QVERIFY(parsed.ok());
        all = *parsed;
        const Shape shape{3, 16, 16};
        std::vector<float> base(shapeSize(shape));
        for (std::size_t k = 0; k < base.size(); ++k) base[k] = static_cast<float>((k * 7) % 17) / 17.0f;
        auto run = [&](std::uint64_t sample) {
            std::vector<float> x = base;
            Rng rng = Rng::forStream(9, RngPurpose::Augment, 2, sample);
            augmentSample(x.data(), shape, all, rng);
            return x;
        };
        const auto a = run(5), b = run(5), c = run(6);
        QCOMPARE(a, b);
        QVERIFY(a != c);
        QVERIFY(a != base);
        for (float v : a) QVERIFY(v >= 0.0f && v <= 1.0f);
    }

    void assembleBatchShapesLabelsAndValues() {
        const Dataset d = patternImages(20, 1, 4, 4, 4);
        const Preprocessing p = Preprocessing::fitted(d, {0, 1, 2, 3, 4, 5, 6, 7});
        const std::vector<int> idx{7, 2, 13};
        Tensor x;
        std::vector<std::int32_t> labels;
        assembleBatch(d, idx, p, nullptr, 1, 0, x, labels);
        QCOMPARE(x.shape(), (Shape{3, 1, 4, 4}));
        QCOMPARE(labels, (std::vector<std::int32_t>{3, 2, 1}));
        std::vector<float> expected(16);
        d.sampleAsFloat(13, expected.data());
        p.normalize(expected.data());
        for (int k = 0; k < 16; ++k) QCOMPARE(x.sample(2)[k], expected[static_cast<std::size_t>(k)]);

        // Augmentation depends on (seed, epoch, sample index), not on the batch it lands in.
        AugmentConfig aug;
        aug.noise = 0.05f;
        aug.shift = 0.25f;
        Tensor a, b;
        assembleBatch(d, std::vector<int>{13, 4}, p, &aug, 5, 3, a, labels);
        assembleBatch(d, std::vector<int>{4, 9, 13}, p, &aug, 5, 3, b, labels);
        for (int k = 0; k < 16; ++k) QCOMPARE(a.sample(0)[k], b.sample(2)[k]);
        Tensor nextEpoch;
        assembleBatch(d, std::vector<int>{13}, p, &aug, 5, 4, nextEpoch, labels);
        bool differs = false;
        for (int k = 0; k < 16; ++k) differs = differs || nextEpoch.sample(0)[k] != a.sample(0)[k];
        QVERIFY(differs);
    }

    void epochOrderIsASeededPermutation() {
        std::vector<int> idx(100);
        std::iota(idx.begin(), idx.end(), 1000);
        const auto e0 = epochOrder(idx, 1, 0), again = epochOrder(idx, 1, 0), e1 = epochOrder(idx, 1, 1);
        QCOMPARE(e0, again);
        QVERIFY(e0 != e1);
        QVERIFY(e0 != idx);
        auto sorted = e0;
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, idx);
    }
};

QTEST_APPLESS_MAIN(TestPreprocessing)
#include "tst_preprocessing.moc"
