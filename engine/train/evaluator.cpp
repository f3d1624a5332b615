#include "engine/train/evaluator.h"

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/data/data_loader.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/infer/workspace_cache.h"

namespace studio {

namespace {

constexpr int kChunk = 64;

// One row of logits → a record: arg-max, its probability, −log p(label), top-k membership.
// The same arithmetic as softmaxCrossEntropy (max-shifted, sums in double).
SampleRecord score(const float* z, int classes, int label, int topK) {
    SampleRecord r;
    r.trueClass = label;
    int arg = 0;
    float zmax = z[0];
    for (int j = 1; j < classes; ++j)
        if (z[j] > zmax) {
            zmax = z[j];
            arg = j;
        }
    double sum = 0.0;
    for (int j = 0; j < classes; ++j) sum += std::exp(static_cast<double>(z[j] - zmax));
    const double logSum = std::log(sum);
    r.predicted = arg;
    r.confidence = static_cast<float>(1.0 / sum);  // exp(zmax − zmax) / sum
    r.loss = logSum - static_cast<double>(z[label] - zmax);
    // Rank of the label: classes strictly more likely, or as likely with a lower index.
    int above = 0;
    for (int j = 0; j < classes; ++j)
        if (z[j] > z[label] || (z[j] == z[label] && j < label)) ++above;
    r.inTopK = above < topK;
    return r;
}

}  // namespace

void summarize(EvaluationReport& report, int classes) {
    const auto k = static_cast<std::size_t>(classes);
    report.samples = static_cast<int>(report.records.size());
    report.confusion.assign(k, std::vector<int>(k, 0));
    report.perClass.assign(k, ClassMetrics{});
    double lossSum = 0.0;
    int correct = 0, top = 0;
    for (const SampleRecord& r : report.records) {
        lossSum += r.loss;
        correct += r.predicted == r.trueClass;
        top += r.inTopK;
        ++report.confusion[static_cast<std::size_t>(r.trueClass)][static_cast<std::size_t>(r.predicted)];
    }
    const double n = std::max(report.samples, 1);
    report.loss = report.samples ? lossSum / n : 0.0;
    report.accuracy = report.samples ? correct / n : 0.0;
    report.topKAccuracy = report.samples ? top / n : 0.0;

    double f1Sum = 0.0;
    int present = 0;
    for (std::size_t c = 0; c < k; ++c) {
        int predictedAs = 0;
        for (std::size_t t = 0; t < k; ++t) predictedAs += report.confusion[t][c];
        int support = 0;
        for (int v : report.confusion[c]) support += v;
        const int tp = report.confusion[c][c];
        ClassMetrics& m = report.perClass[c];
        m.support = support;
        m.precision = predictedAs ? static_cast<double>(tp) / predictedAs : 0.0;
        m.recall = support ? static_cast<double>(tp) / support : 0.0;
        m.f1 = m.precision + m.recall > 0.0 ? 2.0 * m.precision * m.recall / (m.precision + m.recall) : 0.0;
        if (support > 0 || predictedAs > 0) {
            f1Sum += m.f1;
            ++present;
        }
    }
    report.macroF1 = present ? f1Sum / present : 0.0;
}

namespace {

// The shared loop: `logitsOf(part, labels)` assembles the chunk's samples and returns their logits.
template <typename LogitsOf>
EvaluationReport evaluateWith(int classes, const Dataset& data, const std::vector<int>& indices, ThreadPool& pool,
                              int topK, LogitsOf logitsOf) {
    EvaluationReport report;
    report.topK = topK;
    report.classNames = data.classNames();
    report.records.resize(indices.size());
    const int n = static_cast<int>(indices.size());
    const int chunks = (n + kChunk - 1) / kChunk;
    pool.forEach(chunks, [&](int c) {
        const int first = c * kChunk, count = std::min(kChunk, n - first);
        const std::span<const int> part(indices.data() + first, static_cast<std::size_t>(count));
        std::vector<std::int32_t> labels;
        const Tensor& logits = logitsOf(part, labels);
        for (int i = 0; i < count; ++i) {
            const int label = labels[static_cast<std::size_t>(i)];
            STUDIO_ASSERT(label >= 0 && label < classes, "evaluate: a label is outside the model's outputs");
            SampleRecord r = score(logits.sample(i), classes, label, topK);
            r.index = part[static_cast<std::size_t>(i)];
            report.records[static_cast<std::size_t>(first + i)] = r;
        }
    });
    summarize(report, classes);
    return report;
}

}  // namespace

EvaluationReport evaluate(const Model& model, const Preprocessing& preprocessing, const Dataset& data,
                          const std::vector<int>& indices, ThreadPool& pool, int topK) {
    STUDIO_ASSERT(preprocessing.inputShape == data.sampleShape() && data.sampleShape() == model.inputShape(),
                  "evaluate: the model, preprocessing and dataset disagree on the input shape");
    return evaluateWith(model.outputSize(), data, indices, pool, topK,
                        [&](std::span<const int> part, std::vector<std::int32_t>& labels) -> const Tensor& {
                            Workspace& ws = threadWorkspace(model);
                            assembleBatch(data, part, preprocessing, nullptr, 0, 0, ws.input(), labels);
                            RunContext ctx;
                            ctx.training = false;
                            model.forward(ws, ctx);
                            return ws.output();
                        });
}

EvaluationReport evaluate(const ModelSnapshot& snapshot, const Dataset& data, const std::vector<int>& indices,
                          ThreadPool& pool, int topK) {
    STUDIO_ASSERT(snapshot.preprocessing.inputShape == data.sampleShape(),
                  "evaluate: the snapshot's preprocessing and the dataset disagree on the input shape");
    return evaluateWith(snapshotClasses(snapshot), data, indices, pool, topK,
                        [&](std::span<const int> part, std::vector<std::int32_t>& labels) -> const Tensor& {
                            thread_local Tensor x, logits;
                            assembleBatch(data, part, snapshot.preprocessing, nullptr, 0, 0, x, labels);
                            snapshotLogits(snapshot, x, logits);
                            return logits;
                        });
}

nlohmann::json EvaluationReport::toJson() const {
    nlohmann::json perClassJson = nlohmann::json::array();
    for (std::size_t c = 0; c < perClass.size(); ++c) {
        const ClassMetrics& m = perClass[c];
        perClassJson.push_back({{"class", c < classNames.size() ? classNames[c] : std::to_string(c)},
                                {"precision", m.precision},
                                {"recall", m.recall},
                                {"f1", m.f1},
                                {"support", m.support}});
    }
    nlohmann::json recordsJson = nlohmann::json::array();
    for (const SampleRecord& r : records)
        recordsJson.push_back({{"index", r.index},
                               {"true", r.trueClass},
                               {"predicted", r.predicted},
                               {"confidence", r.confidence},
                               {"loss", r.loss},
                               {"inTopK", r.inTopK}});
    return {{"samples", samples},           {"loss", loss},           {"accuracy", accuracy},     {"topK", topK},
            {"topKAccuracy", topKAccuracy}, {"confusion", confusion}, {"perClass", perClassJson}, {"macroF1", macroF1},
            {"classNames", classNames},     {"records", recordsJson}};
}

}  // namespace studio
