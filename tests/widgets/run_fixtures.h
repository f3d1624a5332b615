#pragma once
// Nine realistic runs of a small sweep (learning rate 1e-4 … 1e-2, batch 32/64/128, validation
// accuracy 0.6 … 0.92), shared by the Runs widget tests and the screenshot test.

#include "widgets/run_rows.h"

#include <QColor>
#include <QList>
#include <QPointF>
#include <cmath>

namespace studio::widgets::fixtures {

inline const QList<OptionColumn> kOptionColumns{
    {"learning_rate", "Learning rate", true},
    {"batch_size", "Batch size", false},
    {"optimizer", "Optimizer", false},
    {"epochs", "Epochs", false},
};

inline QColor runColor(int i) {
    static const QColor palette[] = {{31, 119, 180}, {255, 127, 14},  {44, 160, 44},   {214, 39, 40}, {148, 103, 189},
                                     {140, 86, 75},  {227, 119, 194}, {127, 127, 127}, {188, 189, 34}};
    return palette[i % 9];
}

inline double sampleLearningRate(int i) {
    return std::pow(10.0, -4.0 + 2.0 * i / 8.0);
}
inline int sampleBatch(int i) {
    return QList<int>{32, 64, 128}[i % 3];
}
inline double sampleAccuracy(int i) {
    // Best near lr 1e-3, a little better with small batches.
    const double lr = std::log10(sampleLearningRate(i)) + 3.0;
    return 0.92 - 0.12 * lr * lr - 0.02 * (i % 3);
}

inline QList<RunRow> sampleRuns() {
    static const char* statuses[] = {"finished", "finished", "finished", "stopped", "finished",
                                     "running",  "paused",   "failed",   "queued"};
    QList<RunRow> runs;
    for (int i = 0; i < 9; ++i) {
        RunRow r;
        r.id = i + 1;
        r.name = QStringLiteral("lr%1-b%2").arg(sampleLearningRate(i), 0, 'g', 2).arg(sampleBatch(i));
        r.color = runColor(i);
        r.status = statuses[i];
        r.epochsPlanned = 10;
        r.epochsDone = r.status == "queued" ? 0 : r.status == "running" ? 4 : r.status == "paused" ? 6 : 10;
        if (r.status == "stopped") {
            r.epochsDone = 3;
            r.stopReason = "pruned";
        }
        r.options = {{"learning_rate", sampleLearningRate(i)},
                     {"batch_size", sampleBatch(i)},
                     {"optimizer", i < 6 ? "adam" : "sgd"},
                     {"epochs", 10},
                     {"seed", 42}};
        if (r.epochsDone > 0) {
            r.bestValAccuracy = sampleAccuracy(i);
            r.bestValLoss = 1.2 - r.bestValAccuracy;
            r.seconds = 6.5 * r.epochsDone * (128.0 / sampleBatch(i));
            r.samplesPerSecond = 800.0 * sampleBatch(i) / 32.0;
        }
        r.sweepId = 1;
        runs.append(r);
    }
    return runs;
}

/// Validation/training curves over `epochs` epochs that end near the run's best accuracy.
inline QList<QPointF> sampleCurve(int i, int epochs, bool accuracy, bool train) {
    QList<QPointF> points;
    const double best = sampleAccuracy(i);
    for (int e = 1; e <= epochs; ++e) {
        const double t = 1.0 - std::exp(-0.45 * e);
        const double acc = 0.1 + (best - 0.1) * t + (train ? 0.03 * t : 0.0);
        points.append({double(e), accuracy ? acc : 2.3 * (1.0 - acc) + (train ? -0.05 : 0.05)});
    }
    return points;
}

}  // namespace studio::widgets::fixtures
