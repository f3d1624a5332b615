#pragma once
// Evaluation of a model on a set of samples: loss, accuracy, top-k, confusion matrix,
// per-class precision/recall/F1 and one record per sample for galleries ("most confident
// mistakes"). Deterministic: fixed chunks of samples, results combined in sample order, so the
// report is identical for any thread count.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/parallel.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"
#include "engine/infer/snapshot.h"
#include "engine/nn/model.h"

namespace studio {

struct SampleRecord {
    int index = 0;  // into the dataset
    int trueClass = 0;
    int predicted = 0;        // arg-max (lower class on ties)
    float confidence = 0.0f;  // probability of `predicted`
    double loss = 0.0;        // −log p(trueClass), from the logits in double
    bool inTopK = false;      // trueClass among the k most likely
};

struct ClassMetrics {
    double precision = 0.0;  // TP / (TP + FP); 0 when the class was never predicted
    double recall = 0.0;     // TP / support;   0 when the class has no samples
    double f1 = 0.0;         // 2PR / (P + R);  0 when P + R = 0
    int support = 0;         // samples whose true class this is
};

struct EvaluationReport {
    int samples = 0;
    int topK = 5;
    double loss = 0.0;                        // mean cross-entropy
    double accuracy = 0.0;                    // fraction with predicted == true
    double topKAccuracy = 0.0;                // fraction whose true class is among the k most likely
    std::vector<std::vector<int>> confusion;  // [true][predicted], classes × classes
    std::vector<ClassMetrics> perClass;
    double macroF1 = 0.0;               // mean F1 over the classes that occur as truth or prediction
    std::vector<SampleRecord> records;  // in the order of `indices`
    std::vector<std::string> classNames;

    nlohmann::json toJson() const;
};

/// Requires: preprocessing.inputShape == data.sampleShape() == model.inputShape(), labels < the
/// model's outputs. Runs the model in inference mode (dropout off, BatchNorm running stats).
/// Threads: chunks of 64 samples in parallel on `pool`; each writes only its own samples' records.
EvaluationReport evaluate(const Model& model, const Preprocessing& preprocessing, const Dataset& data,
                          const std::vector<int>& indices, ThreadPool& pool, int topK = 5);

/// The same for a whole snapshot, any variant (float, INT8, with a backbone), through
/// snapshotLogits. Requires: snapshot.preprocessing.inputShape == data.sampleShape().
EvaluationReport evaluate(const ModelSnapshot& snapshot, const Dataset& data, const std::vector<int>& indices,
                          ThreadPool& pool, int topK = 5);

/// Fills every metric from report.records (in record order) for `classes` classes.
void summarize(EvaluationReport& report, int classes);

}  // namespace studio
