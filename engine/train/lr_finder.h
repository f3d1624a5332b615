#pragma once
// Learning-rate range test (L. Smith, "Cyclical Learning Rates for Training Neural Networks",
// 2017): train a throwaway copy of the model for a few hundred steps while the learning rate
// rises exponentially from startLr to endLr, and record the loss of every step. The loss falls
// once the rate is large enough to learn, bottoms out, and blows up when the rate is too large;
// a good rate lies on the falling slope, well before the bottom.
//
//   step i of n:  lr_i = startLr·(endLr/startLr)^(i/(n−1))        (a constant ratio per step)
//                 loss_i = mean cross-entropy of batch i before its update with lr_i
//                 smoothed_i = mean of loss_j for |j − i| ≤ k over the steps taken, k = max(2, n/40)
//                 (centred, so it does not lag: a moving average that trails by 10 steps of a
//                 200-step test moves the minimum right by 0.4 decades)
//   stop early:   loss not finite, or the mean of the last 2k+1 losses exceeds divergence × the
//                 smallest such mean so far
//   suggestion:   the good range is the rates whose smoothed loss is within a fifth of the
//                 whole fall (first → minimum) of the minimum: from the first such rate a to the
//                 last b of the stretch that holds the minimum. The suggestion is a third of the
//                 way from a to b in log lr: well inside the range, on its safe side.
//                 Why not Smith's and fastai's "minimum / 10": on Fashion-MNIST lenet (seed 1)
//                 it gave 3.8e-4, which trained to 0.871 where the 5-point grid's best, 3e-3,
//                 reached 0.894: the minimum of a noisy, flat valley floor lands anywhere on it
//                 (4e-3 to 2e-2 over seeds 1-3), while the range's ends move less. Over those
//                 seeds this rule gave 2.4e-3, 3.5e-3 and 4.2e-3 (a tenth instead of a fifth:
//                 3.5e-3, 4.6e-3, 1.3e-2).
//
// The steps are the training loop's (engine/train/training_run.h): the same shards of the same
// size, gradients summed in shard order, the same optimizer, batches and augmentation from the
// same seed, so the curve is the same whatever the thread count. The model in the setup is never
// changed: the finder trains a copy and drops it.

#include <functional>
#include <optional>
#include <vector>

#include "engine/core/result.h"
#include "engine/train/trainer.h"

namespace studio {

struct LrFinderConfig {
    double startLr = 1e-7;
    double endLr = 10.0;
    int steps = 200;           // rates tried; fewer when the loss diverges first
    double divergence = 4.0;   // stop when the recent losses' mean exceeds this × its minimum so far
    int smoothingSteps = 0;    // k, the half-width of the centred average; 0: max(2, steps/40)

    /// Messages name the setting ("The finder's end rate 1e-8 must be above its start rate 1e-7.").
    Status validate() const;
    /// lr of step i (0-based).
    double lrAt(int step) const;
    int halfWidth() const;
};

struct LrCurvePoint {
    double lr = 0.0;
    double loss = 0.0;      // this step's batch loss
    double smoothed = 0.0;  // centred average (above); in progress reports, of the steps so far
};

struct LrFinding {
    std::vector<LrCurvePoint> curve;
    std::optional<double> suggestedLr;  // none when the loss never fell (suggestLearningRateIndex)
    int suggestedIndex = -1;            // the curve point suggested
    double minimumLr = 0.0;  // lr at the smallest smoothed loss
    double rangeLow = 0.0, rangeHigh = 0.0;  // the good range a..b (above); 0 without a suggestion
    bool diverged = false;   // stopped early because the loss blew up
};

/// After each step on the calling thread: the step (1-based), the planned steps and its point.
/// Return false to cancel (findLearningRate then returns a Cancelled error).
using LrFinderProgress = std::function<bool(int step, int steps, const LrCurvePoint& point)>;

/// Runs the range test on `setup` (its data, split, preprocessing, config; its initialModel when
/// set, else its spec initialized from config.seed). config.schedule and config.epochs are not
/// used: the finder sets the rate of every step. Distillation and backbones are not supported
/// (the error says so). Blocks; the work runs on config.threads threads.
Result<LrFinding> findLearningRate(const TrainingSetup& setup, const LrFinderConfig& config,
                                   const LrFinderProgress& progress = {});

/// Fills in every point's `smoothed` from the losses (the centred average above).
void smoothLrCurve(std::vector<LrCurvePoint>& curve, int halfWidth);
struct LrSuggestion {
    int index = 0;              // the suggested point
    int rangeLow = 0, rangeHigh = 0;  // a and b (above)
};
/// The suggestion from a smoothed curve (the rule above); nullopt when the curve has fewer than
/// 5 points or never falls by more than 1 %.
std::optional<LrSuggestion> suggestLearningRate(const std::vector<LrCurvePoint>& curve);

}  // namespace studio
