#pragma once
// TrainingDoctor: reads a run's events as they happen and raises plain-language alerts, each
// with the epoch and step it was seen at and a suggested action. The training run feeds it on
// its driver thread and pushes its alerts into the same queue, so the CLI, the studio and the
// run store all see the same alerts. Qt-free and deterministic: the same events give the same
// alerts (tests feed it synthetic streams and real runs).
//
//   diverging            the smoothed loss rose to twice its lowest (and by > 0.1), or the loss
//                        or gradients became NaN/infinite         → lower the learning rate
//   stalled              the smoothed loss moved < 1% over N steps while still ≥ 90% of where
//                        it started (and the rate was not warming up) → raise it
//   overfitting          validation loss ≥ 10% (and 0.02) above its lowest (epoch b) for 2 epochs while
//                        the training loss kept falling: began at epoch b + 1
//   dead_units           a ReLU block with ≥ 75% dead units in 3 health samples running (the
//                        lowest such layer: the ones above it starve). Not 50%: a ReLU fed only
//                        non-negative inputs starts about half dead (the cnn preset's dense1 is
//                        59-66% dead on shapes while it learns well)
//   vanishing_gradients  layers 1..k all with gradient norms < 1e-4 × the largest layer's (and
//                        > 0), in 3 health samples running, no layer dead: "below layer k + 1"
//   After "diverging" the layer alerts are not raised: the layers' state is its consequence.
//   imbalance            the largest class has ≥ 10× the training samples of the smallest
// Each kind is raised once per run (dead_units once per layer).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "engine/train/metrics.h"

namespace studio {

struct DoctorLimits {
    double lossSmoothing = 0.05;  // exponential moving average weight of a new batch loss
    int warmupSteps = 10;         // steps before the smoothed loss is judged
    double divergeFactor = 2.0;
    double divergeMargin = 0.1;
    int stallSteps = 100;
    double stallChange = 0.01;
    double stallOfStart = 0.9;
    double overfitRise = 0.10;
    double overfitMargin = 0.02;  // and by this much: 0.015 → 0.018 on an easy set is noise
    int overfitEpochs = 2;
    double deadFraction = 0.75;
    double vanishRatio = 1e-4;
    int healthSamplesRunning = 3;
    double imbalanceRatio = 10.0;
};

class TrainingDoctor {
public:
    explicit TrainingDoctor(DoctorLimits limits = {}) : m_limits(limits) {}
    /// Alerts this event raises (most raise none).
    std::vector<TrainingAlert> observe(const TrainingEvent& event);

private:
    void onStarted(const RunStarted& e, std::vector<TrainingAlert>& out);
    void onBatch(const BatchMetrics& e, std::vector<TrainingAlert>& out);
    void onEpoch(const EpochMetrics& e, std::vector<TrainingAlert>& out);
    void onHealth(const LayerHealth& e, std::vector<TrainingAlert>& out);
    void onFailed(const Failed& e, std::vector<TrainingAlert>& out);
    bool raise(std::vector<TrainingAlert>& out, TrainingAlert alert);

    DoctorLimits m_limits;
    std::set<std::string> m_raised;  // kind, or kind + ":" + layer
    int m_epoch = 1;
    std::int64_t m_step = 0;
    double m_learningRate = 0.0;
    // Smoothed loss per step since the run (or its session) started, and its lowest point.
    std::vector<double> m_smoothed;
    std::vector<double> m_rates;
    double m_lowest = 0.0;
    std::int64_t m_lowestStep = 0;
    std::vector<EpochMetrics> m_epochs;
    std::vector<int> m_deadRunning;  // per health row: samples in a row over the limit
    int m_vanishRunning = 0;
};

}  // namespace studio
