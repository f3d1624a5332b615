#include "engine/train/train_config.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <type_traits>

namespace studio {

using nlohmann::json;

namespace {

const char* kFix = "See `training-studio-cli train --help` for the options and their ranges.";

Error optionError(const std::string& key, const std::string& what) {
    return Error::invalid("Training option '" + key + "' " + what + ".", kFix);
}

// Reads j[key] into `out` when present; the type must match.
template <typename T>
Status readField(const json& j, const std::string& key, T& out) {
    if (!j.contains(key)) return Status::success();
    const json& v = j[key];
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean()) return optionError(key, "must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number_integer()) return optionError(key, "must be a whole number");
        if (std::is_unsigned_v<T> && v.get<long long>() < 0 && !v.is_number_unsigned())
            return optionError(key, "must not be negative");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number()) return optionError(key, "must be a number");
    } else {
        if (!v.is_string()) return optionError(key, "must be text");
    }
    out = v.get<T>();
    return Status::success();
}

Status rejectUnknown(const json& j, const std::set<std::string>& known, const std::string& where) {
    for (auto& [k, v] : j.items()) {
        (void)v;
        if (!known.count(k)) {
            std::string list;
            for (const auto& name : known) list += (list.empty() ? "" : ", ") + name;
            return Error::invalid("Unknown " + where + " option '" + k + "'.", "Known options: " + list + ".");
        }
    }
    return Status::success();
}

}  // namespace

json EarlyStopping::toJson() const {
    return {{"metric", metric}, {"patience", patience}, {"minDelta", minDelta}};
}

json DistillationConfig::toJson() const {
    return {{"teacher", teacher}, {"temperature", temperature}, {"alpha", alpha}};
}

json TrainConfig::toJson() const {
    return {{"epochs", epochs},
            {"batchSize", batchSize},
            {"shardSize", shardSize},
            {"optimizer", optimizer.toJson()},
            {"schedule", schedule.toJson()},
            {"labelSmoothing", labelSmoothing},
            {"earlyStopping", earlyStopping.toJson()},
            {"seed", seed},
            {"threads", threads},
            {"augment", augment.toJson()},
            {"validationFraction", validationFraction},
            {"testFraction", testFraction},
            {"distillation", distillation.toJson()},
            {"healthEvery", healthEvery}};
}

Result<TrainConfig> TrainConfig::fromJson(const json& j) {
    if (!j.is_object()) return Error::invalid("The training configuration must be a JSON object.", kFix);
    STUDIO_TRY(rejectUnknown(j,
                             {"epochs", "batchSize", "shardSize", "optimizer", "schedule", "labelSmoothing",
                              "earlyStopping", "seed", "threads", "augment", "validationFraction", "testFraction",
                              "distillation", "healthEvery"},
                             "training"));
    TrainConfig c;
    STUDIO_TRY(readField(j, "epochs", c.epochs));
    STUDIO_TRY(readField(j, "batchSize", c.batchSize));
    STUDIO_TRY(readField(j, "shardSize", c.shardSize));
    STUDIO_TRY(readField(j, "labelSmoothing", c.labelSmoothing));
    STUDIO_TRY(readField(j, "seed", c.seed));
    STUDIO_TRY(readField(j, "threads", c.threads));
    STUDIO_TRY(readField(j, "validationFraction", c.validationFraction));
    STUDIO_TRY(readField(j, "testFraction", c.testFraction));
    STUDIO_TRY(readField(j, "healthEvery", c.healthEvery));
    if (j.contains("optimizer")) {
        auto o = OptimizerConfig::fromJson(j["optimizer"]);
        if (!o) return o.error();
        c.optimizer = *o;
    }
    if (j.contains("schedule")) {
        auto s = LrSchedule::fromJson(j["schedule"]);
        if (!s) return s.error();
        c.schedule = *s;
    }
    if (j.contains("augment")) {
        auto a = AugmentConfig::fromJson(j["augment"]);
        if (!a) return a.error();
        c.augment = *a;
    }
    if (j.contains("earlyStopping")) {
        const json& e = j["earlyStopping"];
        if (!e.is_object())
            return optionError("earlyStopping", "must be an object {\"metric\", \"patience\", \"minDelta\"}");
        STUDIO_TRY(rejectUnknown(e, {"metric", "patience", "minDelta"}, "early stopping"));
        STUDIO_TRY(readField(e, "metric", c.earlyStopping.metric));
        STUDIO_TRY(readField(e, "patience", c.earlyStopping.patience));
        STUDIO_TRY(readField(e, "minDelta", c.earlyStopping.minDelta));
    }
    if (j.contains("distillation")) {
        const json& d = j["distillation"];
        if (!d.is_object())
            return optionError("distillation", "must be an object {\"teacher\", \"temperature\", \"alpha\"}");
        STUDIO_TRY(rejectUnknown(d, {"teacher", "temperature", "alpha"}, "distillation"));
        STUDIO_TRY(readField(d, "teacher", c.distillation.teacher));
        STUDIO_TRY(readField(d, "temperature", c.distillation.temperature));
        STUDIO_TRY(readField(d, "alpha", c.distillation.alpha));
    }
    STUDIO_TRY(c.validate());
    return c;
}

Status TrainConfig::validate() const {
    auto range = [](const std::string& key, double v, double lo, double hi) -> Status {
        if (!(v >= lo && v <= hi) || !std::isfinite(v)) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "is %g but must be between %g and %g", v, lo, hi);
            return optionError(key, buf);
        }
        return Status::success();
    };
    STUDIO_TRY(range("epochs", epochs, 1, 100000));
    STUDIO_TRY(range("batchSize", batchSize, 1, 65536));
    STUDIO_TRY(range("shardSize", shardSize, 1, 65536));
    STUDIO_TRY(range("labelSmoothing", labelSmoothing, 0.0, 0.99));
    STUDIO_TRY(range("threads", threads, 0, 1024));
    STUDIO_TRY(range("validationFraction", validationFraction, 0.0, 0.9));
    STUDIO_TRY(range("testFraction", testFraction, 0.0, 0.9));
    STUDIO_TRY(range("healthEvery", healthEvery, 0, 1000000));
    if (validationFraction + testFraction >= 0.95)
        return optionError("validationFraction", "plus 'testFraction' leaves almost nothing to train on");
    if (earlyStopping.metric != "val_loss" && earlyStopping.metric != "val_accuracy")
        return optionError("earlyStopping.metric",
                           "is '" + earlyStopping.metric + "' but must be val_loss or val_accuracy");
    STUDIO_TRY(range("earlyStopping.patience", earlyStopping.patience, 0, 100000));
    STUDIO_TRY(range("earlyStopping.minDelta", earlyStopping.minDelta, 0.0, 1e6));
    STUDIO_TRY(range("distillation.temperature", distillation.temperature, 0.01, 100.0));
    STUDIO_TRY(range("distillation.alpha", distillation.alpha, 0.0, 1.0));
    if (!(schedule.baseLr > 0.0f) || !std::isfinite(schedule.baseLr))
        return optionError("learning rate", "must be a positive number, e.g. 0.001");
    // The optimizer and schedule carry their own checks; run them here too so a bad config is
    // refused before a thread starts.
    auto o = OptimizerConfig::fromJson(optimizer.toJson());
    if (!o) return o.error();
    auto s = LrSchedule::fromJson(schedule.toJson());
    if (!s) return s.error();
    return Status::success();
}

}  // namespace studio
