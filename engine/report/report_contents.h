#pragma once
// Everything a run report shows (for teachers and graders), gathered from a model, the data it
// was trained on and — when the model belongs to a recorded run — the run's history. Rendering
// is report_html.h; this file only collects and measures. Qt-free: the CLI's `report` and the
// studio's File ▸ Export ▸ Run report… gather the same contents.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"
#include "engine/nn/model_spec.h"
#include "engine/report/machine_info.h"
#include "engine/store/run_store.h"
#include "engine/train/evaluator.h"

namespace studio {

/// What the run store knows about the run the model came from (all empty for a bare model file).
struct RunHistory {
    std::optional<RunRecord> run;
    std::vector<EpochRecord> epochs;
    std::vector<OptionEdit> edits;
    std::string storeLocation;  // redacted, for the report's "source" line
};

struct ReportMistake {
    SampleRecord record;
    DecodedImage image;            // the sample as stored (empty for feature vectors)
    std::vector<float> features;   // feature vectors: the values (empty for images)
};

struct ReportClassSample {
    int classIndex = 0;
    DecodedImage image;  // the first sample of the class in the pool (empty: none, or features)
};

struct RunReportContents {
    std::string title;        // the run's name, else the model file's name
    std::string source;       // "model file X" / "run 3 in runs.sqlite"
    double generatedAt = 0;   // Unix seconds

    // Dataset
    std::string datasetName;
    Shape sampleShape;
    std::vector<std::string> classNames;
    std::vector<int> poolCounts;   // per class, the pool (train + validation [+ test split])
    std::vector<int> testCounts;   // per class, what the evaluation ran on
    int trainSize = 0, validationSize = 0, testSize = 0;
    std::string evaluatedOn;       // "official test set" / "test split (seed 1)"
    std::vector<ReportClassSample> classSamples;
    nlohmann::json preprocessing = nlohmann::json::object();

    // Architecture, options
    ModelSpec spec;
    SpecReport architecture;
    nlohmann::json options = nlohmann::json::object();  // every option the run/model records
    std::vector<OptionEdit> edits;                      // live edits during the run

    // Curves and results
    std::vector<EpochRecord> epochs;  // empty: no history recorded
    nlohmann::json finalMetrics = nlohmann::json::object();
    EvaluationReport evaluation;
    std::vector<ReportMistake> mistakes;  // most confident first

    /// The training doctor's alerts as recorded (run.final["alerts"] or the model's
    /// metrics["alerts"]); null when neither records any.
    nlohmann::json alerts;

    MachineInfo machine;
    // Timings
    double trainWallSeconds = -1, trainCpuSeconds = -1, trainSamplesPerSecond = -1;
    int trainThreads = 0;
    std::int64_t peakRssBytes = 0;
    double evaluationSeconds = 0;
    int evaluationThreads = 0;
};

struct ReportOptions {
    int mistakes = 12;  // how many of the most confident mistakes to show
};

/// Evaluates `snapshot` on its test data (the bundle's official test set, else the test split
/// its train config describes) and collects the rest. `title`/`source` name the model.
/// Errors: the data do not fit the model; the split leaves no test samples.
/// Threads: evaluation in chunks on `pool`; the result does not depend on its size.
Result<RunReportContents> gatherRunReport(const ModelSnapshot& snapshot, const DatasetBundle& bundle,
                                          const RunHistory& history, const std::string& title,
                                          const std::string& source, ThreadPool& pool,
                                          const ReportOptions& options = {});

/// The run's history from an open store (its record, epochs and live edits).
Result<RunHistory> readRunHistory(RunStore& store, std::int64_t runId);
/// The history of the run a model came from (its metrics' run_id), when the store at
/// `storePath` exists and holds that run with the model's architecture; empty otherwise (a
/// model from another store or trained elsewhere simply has no curves).
RunHistory findModelHistory(const ModelSnapshot& snapshot, const std::string& storePath);

}  // namespace studio
