// Evaluator: a hand-made model whose logits are its inputs, so every prediction, the confusion
// matrix and each metric are known in advance; and 1 vs 2 threads giving identical reports.

#include <QTest>

#include <cmath>

#include "engine/data/data_loader.h"
#include "engine/loss/softmax_cross_entropy.h"
#include "engine/train/evaluator.h"

using namespace studio;

namespace {

// logits = x (a 3→3 dense layer with identity weights and zero bias).
Model identityModel() {
    ModelSpec spec;
    spec.input = {3};
    spec.classes = 3;
    spec.layers = {{"dense", {{"units", "classes"}}}};
    auto m = Model::build(spec);
    if (!m.ok()) qFatal("%s", m.error().what().c_str());
    auto params = m->params();
    params[0]->value.zero();
    for (int i = 0; i < 3; ++i) params[0]->value[static_cast<std::size_t>(4 * i)] = 1.0f;
    params[1]->value.zero();
    return std::move(*m);
}

struct Toy {
    float x[3];
    int label;
};
// predicted (arg-max, ties → lower class) in the comments
const Toy kToy[] = {
    {{2, 0, 0}, 0},  // 0 ✓
    {{0, 3, 0}, 0},  // 1
    {{1, 0, 0}, 0},  // 0 ✓
    {{0, 2, 0}, 1},  // 1 ✓
    {{0, 0, 1}, 1},  // 2
    {{0, 0, 2}, 2},  // 2 ✓
    {{3, 0, 0}, 2},  // 0
    {{0, 0, 0}, 2},  // 0 (a three-way tie)
};

Dataset toyData() {
    Dataset d = Dataset::features("toy", 3, {"a", "b", "c"});
    for (const Toy& t : kToy) d.addFeatures(t.x, t.label);
    return d;
}

}  // namespace

class TestEvaluator : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void knownConfusionAndMetrics() {
        const Model model = identityModel();
        const Dataset data = toyData();
        ThreadPool pool(2);
        const std::vector<int> all{0, 1, 2, 3, 4, 5, 6, 7};
        const EvaluationReport r = evaluate(model, Preprocessing::identity({3}, false), data, all, pool, 2);
        QCOMPARE(r.samples, 8);
        const std::vector<std::vector<int>> confusion{{2, 1, 0}, {0, 1, 1}, {2, 0, 1}};
        QCOMPARE(r.confusion, confusion);
        QCOMPARE(r.accuracy, 0.5);
        // Top-2: the four right ones and sample 1 (label 0 ranks second); sample 4's label ties
        // class 0 from above, samples 6 and 7 lose their ties to lower classes.
        QCOMPARE(r.topKAccuracy, 5.0 / 8.0);
        const double precision[] = {0.5, 0.5, 0.5}, recall[] = {2.0 / 3, 0.5, 1.0 / 3};
        const double f1[] = {4.0 / 7, 0.5, 0.4};
        const int support[] = {3, 2, 3};
        for (int c = 0; c < 3; ++c) {
            const ClassMetrics& m = r.perClass[static_cast<std::size_t>(c)];
            QVERIFY(std::abs(m.precision - precision[c]) < 1e-12);
            QVERIFY(std::abs(m.recall - recall[c]) < 1e-12);
            QVERIFY(std::abs(m.f1 - f1[c]) < 1e-12);
            QCOMPARE(m.support, support[c]);
        }
        QVERIFY(std::abs(r.macroF1 - (4.0 / 7 + 0.5 + 0.4) / 3) < 1e-12);

        // Per-sample records and the mean loss: −log softmax(x)[label].
        double lossSum = 0.0;
        for (int i = 0; i < 8; ++i) {
            const Toy& t = kToy[i];
            const double z = std::exp(t.x[0]) + std::exp(t.x[1]) + std::exp(t.x[2]);
            const double loss = std::log(z) - t.x[t.label];
            lossSum += loss;
            const SampleRecord& rec = r.records[static_cast<std::size_t>(i)];
            QCOMPARE(rec.index, i);
            QCOMPARE(rec.trueClass, t.label);
            const int predicted = i == 1 || i == 3 ? 1 : (i == 4 || i == 5 ? 2 : 0);
            QCOMPARE(rec.predicted, predicted);
            QVERIFY(std::abs(rec.loss - loss) < 1e-6);
            QVERIFY(std::abs(rec.confidence - std::exp(t.x[predicted]) / z) < 1e-6);
        }
        QVERIFY(std::abs(r.loss - lossSum / 8) < 1e-6);
        QCOMPARE(r.classNames, (std::vector<std::string>{"a", "b", "c"}));
    }

    void subsetAndOrderFollowTheIndices() {
        const Model model = identityModel();
        const Dataset data = toyData();
        ThreadPool pool(1);
        const EvaluationReport r = evaluate(model, Preprocessing::identity({3}, false), data, {6, 0}, pool, 1);
        QCOMPARE(r.samples, 2);
        QCOMPARE(r.records[0].index, 6);
        QCOMPARE(r.records[1].index, 0);
        QCOMPARE(r.accuracy, 0.5);
        QCOMPARE(r.topKAccuracy, 0.5);  // top-1 is accuracy
        // Class b occurs neither as truth nor as prediction: left out of the macro average.
        QCOMPARE(r.perClass[1].support, 0);
        QVERIFY(std::abs(r.macroF1 - (2.0 / 3 + 0.0) / 2) < 1e-12);

        const EvaluationReport empty = evaluate(model, Preprocessing::identity({3}, false), data, {}, pool);
        QCOMPARE(empty.samples, 0);
        QCOMPARE(empty.accuracy, 0.0);
        QCOMPARE(empty.confusion.size(), std::size_t(3));
    }

    void sameReportWithOneAndTwoThreads() {
        // 300 random 1×8×8 images (several chunks and a partial one), an initialized mlp.
        auto spec = presetSpec("mlp", {1, 8, 8}, 10);
        QVERIFY(spec.ok());
        auto model = Model::build(*spec);
        QVERIFY(model.ok());
        model->initialize(3);
        std::vector<std::string> names;
        for (int k = 0; k < 10; ++k) names.push_back(std::string(1, static_cast<char>('a' + k)));
        Dataset data = Dataset::images("random", 1, 8, 8, names);
        Rng rng = Rng::forStream(1, RngPurpose::Test, 5);
        std::vector<std::uint8_t> px(64);
        for (int i = 0; i < 300; ++i) {
            for (auto& p : px) p = static_cast<std::uint8_t>(rng.below(256));
            data.addImage(px.data(), static_cast<std::int32_t>(rng.below(10)));
        }
        std::vector<int> indices;
        for (int i = 0; i < 300; ++i) indices.push_back((i * 7) % 300);
        const Preprocessing pre = Preprocessing::fitted(data, indices);
        ThreadPool one(1), two(2);
        const EvaluationReport a = evaluate(*model, pre, data, indices, one);
        const EvaluationReport b = evaluate(*model, pre, data, indices, two);
        QVERIFY(a.toJson() == b.toJson());
        QVERIFY(a.toJson().dump() == b.toJson().dump());

        // The mean loss and accuracy agree with the training loss on the same batch.
        Tensor x, logits;
        std::vector<std::int32_t> labels;
        assembleBatch(data, indices, pre, nullptr, 0, 0, x, labels);
        model->predictLogits(x, logits);
        const LossSum sum = softmaxCrossEntropy(logits, labels, 0.0f, 1.0f, nullptr);
        QVERIFY(std::abs(a.loss - sum.loss / 300) < 1e-5);
        QCOMPARE(a.accuracy, sum.correct / 300.0);
        int total = 0;
        for (const auto& row : a.confusion)
            for (int v : row) total += v;
        QCOMPARE(total, 300);
        QVERIFY(a.topKAccuracy >= a.accuracy);
    }

    void json() {
        const Model model = identityModel();
        ThreadPool pool(1);
        const auto j =
            evaluate(model, Preprocessing::identity({3}, false), toyData(), {0, 1, 2, 3, 4, 5, 6, 7}, pool, 2).toJson();
        QCOMPARE(j["samples"].get<int>(), 8);
        QCOMPARE(j["accuracy"].get<double>(), 0.5);
        QCOMPARE(j["topK"].get<int>(), 2);
        QVERIFY(j["confusion"] == nlohmann::json({{2, 1, 0}, {0, 1, 1}, {2, 0, 1}}));
        QCOMPARE(j["perClass"][2]["class"].get<std::string>(), std::string("c"));
        QCOMPARE(j["perClass"][2]["support"].get<int>(), 3);
        QCOMPARE(j["records"].size(), std::size_t(8));
        QCOMPARE(j["records"][6]["predicted"].get<int>(), 0);
        QCOMPARE(j["records"][6]["true"].get<int>(), 2);
        QVERIFY(j.contains("macroF1") && j.contains("loss") && j.contains("topKAccuracy"));
    }
};

QTEST_APPLESS_MAIN(TestEvaluator)
#include "tst_evaluator.moc"
