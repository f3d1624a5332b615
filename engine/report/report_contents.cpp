#include "engine/report/report_contents.h"

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "engine/train/train_config.h"

namespace studio {

namespace {

DecodedImage sampleImage(const Dataset& data, int index) {
    DecodedImage img;
    if (data.storage() != Dataset::Storage::Pixels8 || data.sampleShape().size() != 3) return img;
    img.channels = data.sampleShape()[0];
    img.height = data.sampleShape()[1];
    img.width = data.sampleShape()[2];
    const std::uint8_t* p = data.pixels(index);
    img.chw.assign(p, p + data.sampleSize());
    return img;
}

Status checkFits(const ModelSnapshot& snapshot, const Dataset& data) {
    if (snapshot.preprocessing.inputShape != data.sampleShape())
        return Error::invalid("The model takes inputs of " + shapeToString(snapshot.preprocessing.inputShape) +
                                  " but dataset '" + data.name() + "' has samples of " +
                                  shapeToString(data.sampleShape()) + ".",
                              "Report on the data the model was trained on.");
    if (snapshot.model.outputSize() != data.classCount())
        return Error::invalid("The model knows " + std::to_string(snapshot.model.outputSize()) + " classes but dataset '" +
                                  data.name() + "' has " + std::to_string(data.classCount()) + ".",
                              "Report on the data the model was trained on.");
    return Status::success();
}

// The doctor's alerts: the run's final record first, then the model's own metrics. Null: none.
nlohmann::json recordedAlerts(const ModelSnapshot& snapshot, const RunHistory& history) {
    if (history.run && history.run->final.is_object() && history.run->final.contains("alerts"))
        return history.run->final["alerts"];
    if (snapshot.metrics.is_object() && snapshot.metrics.contains("alerts")) return snapshot.metrics["alerts"];
    return nullptr;
}

}  // namespace

Result<RunReportContents> gatherRunReport(const ModelSnapshot& snapshot, const DatasetBundle& bundle,
                                          const RunHistory& history, const std::string& title,
                                          const std::string& source, ThreadPool& pool, const ReportOptions& options) {
    RunReportContents r;
    r.title = title;
    r.source = source;
    r.generatedAt = unixNow();

    TrainConfig config;
    if (auto c = TrainConfig::fromJson(snapshot.trainConfig)) config = *c;
    const bool official = bundle.test.has_value();
    const Dataset& testData = official ? *bundle.test : bundle.pool;
    STUDIO_TRY(checkFits(snapshot, testData));
    const DataSplit split = splitDataset(bundle, config.validationFraction, config.testFraction, config.seed);
    std::vector<int> indices;
    if (official) {
        indices.resize(static_cast<std::size_t>(testData.size()));
        for (int i = 0; i < testData.size(); ++i) indices[static_cast<std::size_t>(i)] = i;
    } else {
        indices = split.test;
    }
    if (indices.empty())
        return Error::invalid("Dataset '" + testData.name() + "' leaves no test samples for this model (its test fraction is 0).",
                              "Report on a dataset with an official test set, or train with a test fraction.");

    // Dataset
    r.datasetName = bundle.pool.name();
    r.sampleShape = bundle.pool.sampleShape();
    r.classNames = bundle.pool.classNames();
    r.poolCounts = bundle.pool.classCounts();
    r.trainSize = static_cast<int>(split.train.size());
    r.validationSize = static_cast<int>(split.validation.size());
    r.testSize = static_cast<int>(indices.size());
    r.evaluatedOn = official ? "official test set" : "test split (seed " + std::to_string(config.seed) + ")";
    r.testCounts.assign(r.classNames.size(), 0);
    for (int i : indices) ++r.testCounts[static_cast<std::size_t>(testData.label(i))];
    for (int c = 0; c < bundle.pool.classCount(); ++c) {
        ReportClassSample s{c, {}};
        for (int i = 0; i < bundle.pool.size(); ++i)
            if (bundle.pool.label(i) == c) {
                s.image = sampleImage(bundle.pool, i);
                break;
            }
        r.classSamples.push_back(std::move(s));
    }
    r.preprocessing = snapshot.preprocessing.toJson();

    // Architecture and options
    r.spec = snapshot.model.spec();
    r.architecture = analyzeSpec(r.spec);
    r.options = history.run ? history.run->options : snapshot.trainConfig;
    r.edits = history.edits;

    // Curves and results
    r.epochs = history.epochs;
    r.finalMetrics = history.run ? history.run->final : snapshot.metrics;
    const auto start = std::chrono::steady_clock::now();
    r.evaluation = evaluate(snapshot, testData, indices, pool, std::min(5, snapshot.model.outputSize()));
    r.evaluationSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.evaluationThreads = pool.threads();

    std::vector<const SampleRecord*> wrong;
    for (const auto& rec : r.evaluation.records)
        if (rec.predicted != rec.trueClass) wrong.push_back(&rec);
    // Most confident first; ties by dataset index, so the list is the same on every run.
    std::stable_sort(wrong.begin(), wrong.end(), [](const SampleRecord* a, const SampleRecord* b) {
        return a->confidence != b->confidence ? a->confidence > b->confidence : a->index < b->index;
    });
    for (std::size_t k = 0; k < wrong.size() && static_cast<int>(k) < options.mistakes; ++k) {
        ReportMistake m;
        m.record = *wrong[k];
        m.image = sampleImage(testData, m.record.index);
        if (testData.storage() == Dataset::Storage::Features) {
            const float* row = testData.featureRow(m.record.index);
            m.features.assign(row, row + testData.sampleSize());
        }
        r.mistakes.push_back(std::move(m));
    }

    r.alerts = recordedAlerts(snapshot, history);
    r.machine = readMachineInfo();
    if (history.run) {
        r.trainWallSeconds = history.run->wallSeconds;
        r.trainCpuSeconds = history.run->cpuSeconds;
        r.trainSamplesPerSecond = history.run->samplesPerSecond;
        r.trainThreads = history.run->threads;
        r.peakRssBytes = history.run->peakRssBytes;
    }
    return r;
}

Result<RunHistory> readRunHistory(RunStore& store, std::int64_t runId) {
    RunHistory h;
    auto run = store.run(runId);
    if (!run) return run.error();
    h.run = *run;
    auto epochs = store.epochs(runId);
    if (!epochs) return epochs.error();
    h.epochs = std::move(*epochs);
    auto edits = store.edits(runId);
    if (!edits) return edits.error();
    h.edits = std::move(*edits);
    h.storeLocation = redactedStoreLocation(store.location());
    return h;
}

RunHistory findModelHistory(const ModelSnapshot& snapshot, const std::string& storePath) {
    RunHistory none;
    const auto id = snapshot.metrics.is_object() ? snapshot.metrics.value("run_id", static_cast<std::int64_t>(0)) : 0;
    std::error_code ec;
    if (id <= 0 || storePath.empty() || (!isPostgresUrl(storePath) && !std::filesystem::exists(storePath, ec)))
        return none;
    auto store = openRunStore(storePath);
    if (!store) return none;
    auto history = readRunHistory(**store, id);
    if (!history || history->run->spec != snapshot.model.spec().toJson()) return none;
    return *history;
}

}  // namespace studio
