#include "engine/optim/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine/nn/spec_reader.h"

namespace studio {

float LrSchedule::at(std::int64_t step, std::int64_t stepsPerEpoch, int epochs) const {
    const std::int64_t perEpoch = std::max<std::int64_t>(stepsPerEpoch, 1);
    const std::int64_t total = perEpoch * std::max(epochs, 1);
    const std::int64_t warmup = std::min<std::int64_t>(perEpoch * std::max(warmupEpochs, 0), total);
    step = std::max<std::int64_t>(step, 0);
    const double base = baseLr;
    if (step < warmup) return static_cast<float>(base * static_cast<double>(step + 1) / static_cast<double>(warmup));

    const std::int64_t decaySteps = std::max<std::int64_t>(total - warmup, 1);
    const std::int64_t s = std::min(step - warmup, decaySteps);
    double lr = base;
    if (kind == "step") {
        const std::int64_t epochsDone = s / perEpoch;
        lr = base * std::pow(static_cast<double>(gamma), static_cast<double>(epochsDone / std::max(stepEpochs, 1)));
    } else if (kind == "exponential") {
        lr = base * std::pow(static_cast<double>(gamma), static_cast<double>(s) / static_cast<double>(perEpoch));
    } else if (kind == "cosine") {
        const double lo = minLr;
        const double progress = static_cast<double>(s) / static_cast<double>(decaySteps);
        lr = lo + (base - lo) * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
    }
    return static_cast<float>(lr);
}

nlohmann::json LrSchedule::toJson() const {
    return {{"kind", kind},   {"baseLr", baseLr}, {"warmupEpochs", warmupEpochs}, {"stepEpochs", stepEpochs},
            {"gamma", gamma}, {"minLr", minLr}};
}

Result<LrSchedule> LrSchedule::fromJson(const nlohmann::json& j) {
    const char* hint =
        "A schedule looks like {\"kind\": \"cosine\", \"baseLr\": 0.001, \"warmupEpochs\": 1, "
        "\"minLr\": 0}; kinds: constant, step, exponential, cosine.";
    if (!j.is_object()) return Error::invalid("Learning-rate schedule must be a JSON object.", hint);
    SpecReader r(j);
    if (r.has("type")) r.problem("unknown option 'type' (did you mean 'kind'?)");
    LrSchedule s;
    s.kind = r.text("kind", s.kind, kinds());
    s.baseLr = static_cast<float>(r.number("baseLr", s.baseLr, 1e-12, 100.0));
    s.warmupEpochs = r.integer("warmupEpochs", s.warmupEpochs, 0, 10000);
    s.stepEpochs = r.integer("stepEpochs", s.stepEpochs, 1, 10000);
    s.gamma = static_cast<float>(r.number("gamma", s.kind == "exponential" ? 0.95 : 0.1, 1e-6, 1.0));
    s.minLr = static_cast<float>(r.number("minLr", s.minLr, 0.0, 100.0));
    if (s.minLr > s.baseLr)
        r.problem("'minLr' (" + nlohmann::json(s.minLr).dump() + ") is above 'baseLr' (" +
                  nlohmann::json(s.baseLr).dump() + ")");
    if (auto e = r.finish()) return Error::invalid("Learning-rate schedule: " + *e + ".", hint);
    return s;
}

std::vector<std::string> LrSchedule::kinds() {
    return {"constant", "step", "exponential", "cosine"};
}

}  // namespace studio
