#pragma once
// Learning-rate schedules, evaluated per optimizer step, with linear warm-up.
//   W = warmupEpochs·stepsPerEpoch warm-up steps, T = epochs·stepsPerEpoch − W decay steps,
//   s = step − W (steps since warm-up), e = s / stepsPerEpoch (epochs since warm-up, fractional).
//   warm-up (step < W)   lr = baseLr·(step+1)/W                 reaches baseLr on its last step
//   constant             lr = baseLr
//   step                 lr = baseLr·gamma^⌊e / stepEpochs⌋     (whole epochs)
//   exponential          lr = baseLr·gamma^e                    (smooth: fractional epochs)
//   cosine               lr = minLr + (baseLr − minLr)·½(1 + cos(π·s/T))
// Every decay starts at baseLr right after warm-up, so the schedule is continuous there.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

struct LrSchedule {
    std::string kind = "constant";  // constant | step | exponential | cosine
    float baseLr = 1e-3f;
    int warmupEpochs = 0;  // linear from baseLr/W to baseLr over these epochs
    int stepEpochs = 10;   // step: every stepEpochs epochs multiply by gamma
    float gamma = 0.1f;    // step: factor; exponential: per-epoch factor (0.95 default there)
    float minLr = 0.0f;    // cosine floor

    /// lr at a step (0-based) with `stepsPerEpoch` steps in each of `epochs` epochs.
    /// stepsPerEpoch and epochs below 1 count as 1; steps past the end keep the last value.
    float at(std::int64_t step, std::int64_t stepsPerEpoch, int epochs) const;
    nlohmann::json toJson() const;
    /// Missing keys keep their defaults (gamma defaults to 0.95 for exponential); errors name the
    /// option ("Learning-rate schedule: 'gamma' is 2 but must be between …").
    static Result<LrSchedule> fromJson(const nlohmann::json& j);
    static std::vector<std::string> kinds();
};

}  // namespace studio
