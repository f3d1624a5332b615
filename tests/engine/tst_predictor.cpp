// Predictor: the image path equals the training path bit for bit, probabilities are the softmax
// of the model's logits, batches do not depend on the thread count, errors name the file, and
// batch-1 latency is measured (printed; bounded loosely so a busy machine does not fail it).

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/data/data_loader.h"
#include "engine/infer/predictor.h"

using namespace studio;

namespace {

ModelSnapshot makeSnapshot(const std::string& preset, const Shape& input, int classes, std::uint64_t seed) {
    auto spec = presetSpec(preset, input, classes);
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    Preprocessing pre = Preprocessing::identity(input, input.size() == 3);
    for (std::size_t c = 0; c < pre.mean.size(); ++c) {
        pre.mean[c] = 0.25f + 0.1f * static_cast<float>(c);
        pre.stddev[c] = 0.3f;
    }
    std::vector<std::string> names;
    for (int k = 0; k < classes; ++k) names.push_back(std::string(1, 'c').append(std::to_string(k)));
    return ModelSnapshot{std::move(*model),        pre, names, "synthetic", nlohmann::json::object(),
                         nlohmann::json::object(), 1};
}

DecodedImage randomImage(int c, int h, int w, std::uint64_t seed) {
    DecodedImage img;
    img.channels = c;
    img.height = h;
    img.width = w;
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 3);
    for (int i = 0; i < c * h * w; ++i) img.chw.push_back(static_cast<std::uint8_t>(rng.below(256)));
    return img;
}

Tensor randomBatch(const Shape& sample, int n, std::uint64_t seed) {
    Shape shape{n};
    shape.insert(shape.end(), sample.begin(), sample.end());
    Tensor x(shape);
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 4);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

double medianMicroseconds(const ModelSnapshot& s, const Tensor& x, int runs) {
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) t.push_back(predictPrepared(s.model, x, 5).microseconds);
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

class TestPredictor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void prepareImageIsTheTrainingPath() {
        for (int channels : {1, 3}) {
            const Shape shape{channels, 12, 10};
            const ModelSnapshot s = makeSnapshot("lenet", {channels, 28, 28}, 4, 1);
            Preprocessing pre = Preprocessing::identity(shape, true);
            for (int c = 0; c < channels; ++c) {
                pre.mean[static_cast<std::size_t>(c)] = 0.1f * static_cast<float>(c + 1);
                pre.stddev[static_cast<std::size_t>(c)] = 0.2f + 0.05f * static_cast<float>(c);
            }
            const DecodedImage img = randomImage(channels, 12, 10, 7);
            Dataset data = Dataset::images("one", channels, 12, 10, {"a", "b"});
            data.addImage(img.chw.data(), 1);
            Tensor batch;
            std::vector<std::int32_t> labels;
            const std::vector<int> indices{0};
            assembleBatch(data, indices, pre, nullptr, 1, 0, batch, labels);
            auto x = prepareImage(pre, img);
            QVERIFY(x.ok());
            QCOMPARE(x->shape(), (Shape{1, channels, 12, 10}));
            QVERIFY(std::memcmp(x->data(), batch.data(), batch.size() * sizeof(float)) == 0);
        }
    }

    void prepareImageFitsSizeAndChannels() {
        Preprocessing pre = Preprocessing::identity({1, 28, 28}, true);
        auto x = prepareImage(pre, randomImage(3, 50, 37, 2));
        QVERIFY(x.ok());
        QCOMPARE(x->shape(), (Shape{1, 1, 28, 28}));
        for (std::size_t i = 0; i < x->size(); ++i) QVERIFY((*x)[i] >= 0.0f && (*x)[i] <= 1.0f);
        Preprocessing rgb = Preprocessing::identity({3, 8, 8}, true);
        auto y = prepareImage(rgb, randomImage(1, 20, 20, 3));
        QVERIFY(y.ok());
        QCOMPARE(y->shape(), (Shape{1, 3, 8, 8}));
        // Gray → RGB copies the plane into all three channels.
        QVERIFY(std::memcmp(y->data(), y->data() + 64, 64 * sizeof(float)) == 0);

        auto features = prepareImage(Preprocessing::identity({2}, false), randomImage(1, 4, 4, 1));
        QVERIFY(!features.ok());
        QVERIFY(features.error().message().find("feature vectors") != std::string::npos);
        DecodedImage broken = randomImage(1, 4, 4, 1);
        broken.chw.pop_back();
        QVERIFY(!prepareImage(pre, broken).ok());
    }

    void probabilitiesAreTheSoftmaxOfTheLogits() {
        const ModelSnapshot s = makeSnapshot("mlp", {1, 8, 8}, 6, 3);
        const Tensor x = randomBatch({1, 8, 8}, 1, 5);
        Tensor logits;
        s.model.predictLogits(x, logits);
        const Prediction p = predictPrepared(s.model, x, 3);
        QCOMPARE(p.probabilities.size(), std::size_t(6));
        double sum = 0.0, maxLogit = logits[0];
        for (int j = 0; j < 6; ++j) maxLogit = std::max<double>(maxLogit, logits[static_cast<std::size_t>(j)]);
        double z = 0.0;
        for (int j = 0; j < 6; ++j) z += std::exp(logits[static_cast<std::size_t>(j)] - maxLogit);
        for (int j = 0; j < 6; ++j) {
            const double expected = std::exp(logits[static_cast<std::size_t>(j)] - maxLogit) / z;
            QVERIFY(std::abs(p.probabilities[static_cast<std::size_t>(j)] - expected) < 1e-6);
            sum += p.probabilities[static_cast<std::size_t>(j)];
        }
        QVERIFY(std::abs(sum - 1.0) < 1e-5);
        QCOMPARE(p.top.size(), std::size_t(3));
        const int best = static_cast<int>(std::max_element(logits.data(), logits.data() + 6) - logits.data());
        QCOMPARE(p.top[0].first, best);
        QVERIFY(p.top[0].second >= p.top[1].second && p.top[1].second >= p.top[2].second);
        QVERIFY(p.microseconds > 0.0);
        QCOMPARE(predictPrepared(s.model, x, 100).top.size(), std::size_t(6));
        QCOMPARE(predictPrepared(s.model, x, 0).top.size(), std::size_t(0));
    }

    void topKBreaksTiesByLowerClass() {
        const float logits[] = {1.0f, 3.0f, 3.0f, -1.0f, 3.0f};
        Prediction p;
        fillPrediction(logits, 5, 4, p);
        QCOMPARE(p.top[0].first, 1);
        QCOMPARE(p.top[1].first, 2);
        QCOMPARE(p.top[2].first, 4);
        QCOMPARE(p.top[3].first, 0);
    }

    void cachedWorkspacesFollowTheModel() {
        // Alternate two models on one thread: each answer must be its own model's.
        const ModelSnapshot a = makeSnapshot("mlp", {1, 8, 8}, 3, 1);
        const ModelSnapshot b = makeSnapshot("lenet", {1, 28, 28}, 5, 2);
        const Tensor xa = randomBatch({1, 8, 8}, 1, 1), xb = randomBatch({1, 28, 28}, 1, 2);
        Tensor la, lb;
        a.model.predictLogits(xa, la);
        b.model.predictLogits(xb, lb);
        for (int round = 0; round < 3; ++round) {
            const Prediction pa = predictPrepared(a.model, xa, 1), pb = predictPrepared(b.model, xb, 1);
            QCOMPARE(pa.probabilities.size(), std::size_t(3));
            QCOMPARE(pb.probabilities.size(), std::size_t(5));
            QCOMPARE(pa.top[0].first, static_cast<int>(std::max_element(la.data(), la.data() + 3) - la.data()));
            QCOMPARE(pb.top[0].first, static_cast<int>(std::max_element(lb.data(), lb.data() + 5) - lb.data()));
        }
        // A copy lives elsewhere: same answers, own workspace.
        const Model copy = a.model;
        QVERIFY(predictPrepared(copy, xa, 3).probabilities == predictPrepared(a.model, xa, 3).probabilities);
    }

    void batchIsIndependentOfThreads() {
        const ModelSnapshot s = makeSnapshot("lenet", {1, 28, 28}, 10, 4);
        const Tensor x = randomBatch({1, 28, 28}, 70, 9);  // two full chunks and a partial one
        ThreadPool one(1), two(2);
        const auto serial = predictBatch(s, x, 3, nullptr);
        const auto p1 = predictBatch(s, x, 3, &one);
        const auto p2 = predictBatch(s, x, 3, &two);
        QCOMPARE(p1.size(), std::size_t(70));
        for (std::size_t i = 0; i < p1.size(); ++i) {
            QVERIFY(p1[i].probabilities == p2[i].probabilities);
            QVERIFY(p1[i].probabilities == serial[i].probabilities);
            QVERIFY(p1[i].top == p2[i].top);
        }
        // And agrees with one-at-a-time prediction of the same rows.
        for (int i : {0, 33, 69}) {
            Tensor row({1, 1, 28, 28});
            std::memcpy(row.data(), x.sample(i), row.size() * sizeof(float));
            const Prediction single = predictPrepared(s.model, row, 3);
            QCOMPARE(single.top[0].first, p1[static_cast<std::size_t>(i)].top[0].first);
            for (std::size_t j = 0; j < single.probabilities.size(); ++j)
                QVERIFY(std::abs(single.probabilities[j] - p1[static_cast<std::size_t>(i)].probabilities[j]) < 1e-5f);
        }
    }

    void predictFileAndBytes() {
        const ModelSnapshot s = makeSnapshot("lenet", {1, 28, 28}, 10, 5);
        QTemporaryDir dir;
        const std::string path = dir.filePath("digit.png").toStdString();
        const DecodedImage img = randomImage(1, 28, 28, 11);
        QVERIFY(writePng(path, img).ok());
        auto p = predictFile(s, path, 5);
        QVERIFY2(p.ok(), p.ok() ? "" : p.error().what().c_str());
        QCOMPARE(p->top.size(), std::size_t(5));
        // Same as preparing the decoded pixels by hand.
        auto x = prepareImage(s.preprocessing, img);
        QVERIFY(x.ok());
        QVERIFY(predictPrepared(s.model, *x, 5).probabilities == p->probabilities);

        const std::string missing = dir.filePath("nope.png").toStdString();
        auto m = predictFile(s, missing, 5);
        QVERIFY(!m.ok());
        QVERIFY(m.error().message().find(missing) != std::string::npos);
        const std::vector<std::uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        auto g = predictBytes(s, garbage, "clipboard", 5);
        QVERIFY(!g.ok());
        QVERIFY(g.error().message().find("clipboard") != std::string::npos);

        const ModelSnapshot f = makeSnapshot("mlp", {4}, 2, 1);
        auto notImage = predictFile(f, path, 1);
        QVERIFY(!notImage.ok());
    }

    void batchOneLatency() {
        const ModelSnapshot mlp = makeSnapshot("mlp", {1, 28, 28}, 10, 1);
        const ModelSnapshot lenet = makeSnapshot("lenet", {1, 28, 28}, 10, 1);
        const Tensor x = randomBatch({1, 28, 28}, 1, 3);
        medianMicroseconds(mlp, x, 20);  // warm the workspace and caches
        medianMicroseconds(lenet, x, 20);
        const double tMlp = medianMicroseconds(mlp, x, 300), tLenet = medianMicroseconds(lenet, x, 300);
        qInfo("batch-1 latency (median of 300): mlp %.1f µs, lenet %.1f µs", tMlp, tLenet);
        QVERIFY(tMlp < 5000.0);
        QVERIFY(tLenet < 20000.0);
    }
};

QTEST_APPLESS_MAIN(TestPredictor)
#include "tst_predictor.moc"
