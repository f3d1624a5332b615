#pragma once
// Learning-rate schedules, evaluated per optimizer step, with linear warm-up.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

struct LrSchedule {
    std::string kind = "constant";  // constant | step | exponential | cosine
    float baseLr = 1e-3f;
    int warmupEpochs = 0;           // linear from baseLr/steps… to baseLr over these epochs
    int stepEpochs = 10;            // step: every stepEpochs epochs multiply by gamma
    float gamma = 0.1f;             // step: factor; exponential: per-epoch factor (0.95 default there)
    float minLr = 0.0f;             // cosine floor

    /// lr at a step (0-based) with `stepsPerEpoch` steps in each of `epochs` epochs.
    float at(std::int64_t step, std::int64_t stepsPerEpoch, int epochs) const;
    nlohmann::json toJson() const;
    static Result<LrSchedule> fromJson(const nlohmann::json& j);
    static std::vector<std::string> kinds();
};

}  // namespace studio
