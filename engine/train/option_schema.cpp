#include "engine/train/option_schema.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"

namespace studio {

using nlohmann::json;

namespace {

using T = OptionInfo::Type;
using S = OptionInfo::Scope;

OptionInfo opt(std::string key, std::string label, std::string group, T type, S scope, json fallback,
               std::string help) {
    OptionInfo o;
    o.key = std::move(key);
    o.label = std::move(label);
    o.group = std::move(group);
    o.type = type;
    o.scope = scope;
    o.fallback = std::move(fallback);
    o.help = std::move(help);
    return o;
}

OptionInfo integer(std::string key, std::string label, std::string group, S scope, long long lo, long long hi,
                   long long def, std::string help) {
    OptionInfo o = opt(std::move(key), std::move(label), std::move(group), T::Integer, scope, def, std::move(help));
    o.min = static_cast<double>(lo);
    o.max = static_cast<double>(hi);
    o.step = 1;
    o.decimals = 0;
    return o;
}

OptionInfo number(std::string key, std::string label, std::string group, S scope, double lo, double hi, json def,
                  std::string help, double step, int decimals) {
    OptionInfo o =
        opt(std::move(key), std::move(label), std::move(group), T::Number, scope, std::move(def), std::move(help));
    o.min = lo;
    o.max = hi;
    o.step = step;
    o.decimals = decimals;
    return o;
}

OptionInfo choice(std::string key, std::string label, std::string group, S scope, std::vector<std::string> choices,
                  std::string def, std::string help) {
    OptionInfo o = opt(std::move(key), std::move(label), std::move(group), T::Choice, scope, def, std::move(help));
    o.choices = std::move(choices);
    return o;
}

OptionInfo boolean(std::string key, std::string label, std::string group, S scope, bool def, std::string help) {
    return opt(std::move(key), std::move(label), std::move(group), T::Boolean, scope, def, std::move(help));
}

OptionInfo text(std::string key, std::string label, std::string group, S scope, std::string help) {
    return opt(std::move(key), std::move(label), std::move(group), T::Text, scope, "", std::move(help));
}

OptionInfo path(std::string key, std::string label, std::string group, S scope, std::string filter,
                std::string help) {
    OptionInfo o = opt(std::move(key), std::move(label), std::move(group), T::Path, scope, "", std::move(help));
    o.fileFilter = std::move(filter);
    return o;
}

// A path is text a person typed or picked; anything longer is not a file name.
constexpr std::size_t kMaxPathOption = 4096;
// A column name; a header cell is at most 64 KiB but nobody types one that long.
constexpr std::size_t kMaxTextOption = 1024;

template <typename F>
OptionInfo with(OptionInfo o, F&& change) {
    change(o);
    return o;
}

std::vector<OptionInfo> makeSchema() {
    const std::string run = "Run", optim = "Optimizer", sched = "Learning-rate schedule", reg = "Regularization",
                      stop = "Early stopping", split = "Split", prep = "Preprocessing", aug = "Augmentation",
                      distill = "Distillation";
    return {
        integer("epochs", "Epochs", run, S::Training, 1, 100000, 10,
                "How many times training walks through the whole training split."),
        integer("batch_size", "Batch size", run, S::Training, 1, 65536, 64,
                "Samples averaged into one gradient step; larger batches are smoother but take fewer steps."),
        integer("seed", "Seed", run, S::Training, 0, 9007199254740991LL, 1,
                "Drives initialization, the split, shuffling, dropout and augmentation: the same seed gives the same "
                "weights on any thread count."),
        integer("threads", "Threads", run, S::Runtime, 0, 1024, 0,
                "Worker threads for training (0 uses every core); never changes the result."),
        integer("keep_checkpoints", "Checkpoints kept", run, S::Runtime, 1, 100000, 3,
                "How many of the latest epoch checkpoints a run keeps (the best epoch's is kept too); older ones "
                "are deleted."),
        with(integer("health_every", "Layer health every (steps)", run, S::Runtime, 0, 1000000, 50,
                     "Measures each layer's activations, dead units, gradient and update size on a fixed probe "
                     "batch every this many steps and at each epoch's end (0 turns it off); never changes the "
                     "weights."),
             [](OptionInfo& o) { o.step = 10; }),
        integer("shard_size", "Shard size", run, S::Training, 1, 65536, 32,
                "Samples per parallel work unit; also the group BatchNorm computes its statistics over."),
        choice("optimizer", "Optimizer", optim, S::Training, OptimizerConfig::kinds(), "adam",
               "The rule that turns gradients into weight updates; Adam is a robust default."),
        with(number("lr", "Learning rate", optim, S::Training, 1e-7, 10.0, 1e-3,
                    "Size of each update step; too large diverges (NaN loss), too small learns slowly.", 0, 6),
             [](OptionInfo& o) {
                 o.logScale = true;
                 o.liveEditable = true;
                 o.aliases = {"learning_rate"};
             }),
        with(number("momentum", "Momentum", optim, S::Training, 0.0, 0.999999, 0.9,
                    "For momentum and Nesterov SGD: how much of the previous update carries over.", 0.01, 3),
             [](OptionInfo& o) {
                 o.liveEditable = true;
                 o.concerns = {"momentum", "nesterov"};
             }),
        with(number("beta1", "Adam β₁", optim, S::Training, 0.0, 0.999999, 0.9,
                    "Adam/AdamW: decay of the running mean of gradients.", 0.01, 3),
             [](OptionInfo& o) {
                 o.concerns = {"adam", "adamw"};
             }),
        with(number("beta2", "Adam β₂", optim, S::Training, 0.0, 0.999999, 0.999,
                    "Adam/AdamW: decay of the running mean of squared gradients.", 0.001, 4),
             [](OptionInfo& o) {
                 o.concerns = {"adam", "adamw"};
             }),
        with(number("epsilon", "Epsilon", optim, S::Training, 1e-12, 1e-2, 1e-8,
                    "Adam/AdamW/RMSProp: added to the denominator so tiny gradients cannot blow up a step.", 0, 10),
             [](OptionInfo& o) {
                 o.logScale = true;
                 o.concerns = {"adam", "adamw", "rmsprop"};
             }),
        with(number("rms_alpha", "RMSProp α", optim, S::Training, 0.0, 0.999999, 0.99,
                    "RMSProp: decay of the running mean of squared gradients.", 0.01, 3),
             [](OptionInfo& o) { o.concerns = {"rmsprop"}; }),
        with(number("clip_norm", "Gradient clipping", optim, S::Training, 0.0, 1000.0, 0.0,
                    "Scales the gradient down when its overall norm exceeds this (0 turns clipping off).", 0.5, 2),
             [](OptionInfo& o) { o.liveEditable = true; }),
        choice("schedule", "Schedule", sched, S::Training, LrSchedule::kinds(), "constant",
               "How the learning rate changes over the run after the warm-up."),
        integer("warmup_epochs", "Warm-up epochs", sched, S::Training, 0, 100000, 0,
                "Epochs over which the rate rises linearly from almost zero, which steadies early training."),
        with(integer("step_epochs", "Step every (epochs)", sched, S::Training, 1, 100000, 3,
                     "Step schedule: the rate is multiplied by γ every this many epochs."),
             [](OptionInfo& o) { o.concerns = {"step"}; }),
        with(number("gamma", "Step factor γ", sched, S::Training, 1e-6, 1.0, 0.1,
                    "Step schedule: the factor the rate is multiplied by at each step.", 0.05, 3),
             [](OptionInfo& o) { o.concerns = {"step"}; }),
        with(number("decay_per_epoch", "Decay per epoch", sched, S::Training, 1e-6, 1.0, 0.95,
                    "Exponential schedule: the factor the rate is multiplied by over each epoch.", 0.01, 3),
             [](OptionInfo& o) { o.concerns = {"exponential"}; }),
        with(number("min_lr", "Minimum rate", sched, S::Training, 0.0, 1.0, 0.0,
                    "Cosine schedule: the rate it decays to at the end of the run.", 1e-5, 6),
             [](OptionInfo& o) { o.concerns = {"cosine"}; }),
        with(number("weight_decay", "Weight decay", reg, S::Training, 0.0, 1.0, 0.0,
                    "Pulls weights towards zero each step (L2; decoupled for AdamW) to reduce overfitting.", 1e-4, 5),
             [](OptionInfo& o) { o.liveEditable = true; }),
        with(number("label_smoothing", "Label smoothing", reg, S::Training, 0.0, 0.99, 0.0,
                    "Trains towards slightly softened targets so the model is less over-confident.", 0.05, 2),
             [](OptionInfo& o) { o.liveEditable = true; }),
        with(number("dropout", "Dropout rate", reg, S::Model, 0.0, 0.99, nullptr,
                    "Fraction of values every dropout layer of the model zeroes while training (unset: the model's "
                    "own rate).",
                    0.05, 2),
             [](OptionInfo& o) { o.concerns = {"dropout"}; }),
        with(path("distill_teacher", "Teacher model", distill, S::Training, "Models (*.tsmodel)",
                  "A saved model whose softened predictions this model also learns from (knowledge distillation); "
                  "empty trains on the labels alone."),
             [](OptionInfo& o) { o.aliases = {"teacher"}; }),
        number("distill_temperature", "Temperature T", distill, S::Training, 0.01, 100.0, 4.0,
               "Distillation: both models' logits are divided by T before the softmax, so a higher T passes on "
               "more of how the teacher ranks the wrong classes.",
               0.5, 2),
        number("distill_alpha", "Soft-loss weight α", distill, S::Training, 0.0, 1.0, 0.5,
               "Distillation: the share of the loss that follows the teacher (the rest follows the labels); 0 "
               "ignores the teacher.",
               0.05, 2),
        with(integer("patience", "Patience (epochs)", stop, S::Training, 0, 100000, 0,
                     "Stops after this many epochs without a better validation score (0 never stops early)."),
             [](OptionInfo& o) { o.liveEditable = true; }),
        choice("early_metric", "Early-stop metric", stop, S::Training, {"val_loss", "val_accuracy"}, "val_loss",
               "The validation score that decides improvement and which epoch's weights are kept."),
        number("min_delta", "Minimum improvement", stop, S::Training, 0.0, 1.0, 0.0,
               "An epoch must beat the best score by more than this to count as better.", 0.001, 4),
        with(number("val_split", "Validation split", split, S::Data, 0.0, 0.9, 0.1,
                    "Fraction of each class held out to measure generalization after every epoch.", 0.05, 2),
             [](OptionInfo& o) { o.aliases = {"validation_fraction"}; }),
        with(number("test_split", "Test split", split, S::Data, 0.0, 0.9, 0.1,
                    "Fraction held out for the final score (only when the dataset has no official test set).", 0.05, 2),
             [](OptionInfo& o) { o.aliases = {"test_fraction"}; }),
        with(integer("samples", "Generated samples", prep, S::Data, 0, 1000000, 0,
                     "Size of a built-in generated set (0 uses the set's default)."),
             [](OptionInfo& o) { o.step = 500; }),
        number("noise", "Generator noise (×)", prep, S::Data, 0.0, 10.0, 1.0,
               "Built-in 2-D sets: the random jitter of every point as a multiple of the set's own (0 draws the clean "
               "pattern, 2 doubles the spread).",
               0.25, 2),
        with(integer("image_size", "Image size", prep, S::Data, 8, 512, 32,
                     "Image folders: the side, in pixels, every image is resized to."),
             [](OptionInfo& o) { o.step = 4; }),
        text("label_column", "Label column", prep, S::Data,
             "CSV tables: the column that names each row's class, by header name or number (1 = the first); "
             "empty uses the last column."),
        choice("csv_header", "Header row", prep, S::Data, {"auto", "yes", "no"}, "auto",
               "CSV tables: whether the first row names the columns (auto: when it holds words where numbers go)."),
        choice("channels", "Colour", prep, S::Data, {"auto", "gray", "colour"}, "auto",
               "Image folders: keep colour, convert to gray, or decide from the images."),
        choice("resize", "Resize new images", prep, S::Data, {"stretch", "pad"}, "stretch",
               "How images of another size are fitted for prediction: stretch, or pad keeping the aspect."),
        choice("normalization", "Normalization", prep, S::Data, {"per-channel", "none"}, "per-channel",
               "Subtract each channel's mean and divide by its spread, measured on the training split."),
        number("aug_shift", "Shift", aug, S::Data, 0.0, 0.5, 0.0,
               "Moves each training image by up to this fraction of its side.", 0.05, 2),
        boolean("aug_flip_h", "Flip horizontally", aug, S::Data, false,
                "Mirrors half of the training images left to right."),
        boolean("aug_flip_v", "Flip vertically", aug, S::Data, false,
                "Mirrors half of the training images top to bottom."),
        number("aug_rotate", "Rotate (±°)", aug, S::Data, 0.0, 180.0, 0.0,
               "Rotates each training image by a random angle up to this many degrees.", 5, 0),
        number("aug_brightness", "Brightness (±)", aug, S::Data, 0.0, 1.0, 0.0,
               "Adds a random brightness offset up to this much (images are 0…1).", 0.05, 2),
        number("aug_contrast", "Contrast (±)", aug, S::Data, 0.0, 1.0, 0.0,
               "Scales contrast by a random factor within ±this fraction.", 0.05, 2),
        number("aug_noise", "Noise σ", aug, S::Data, 0.0, 0.5, 0.0,
               "Adds Gaussian noise with this standard deviation to each pixel.", 0.01, 2),
    };
}

std::string formatNumber(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

Error optionError(const OptionInfo& o, const std::string& what) {
    return Error::invalid("Option '" + o.key + "' " + what + ".",
                          o.help + " See `training-studio-cli train --help` for every option.");
}

}  // namespace

std::string OptionInfo::flag() const {
    std::string f = "--" + key;
    std::replace(f.begin(), f.end(), '_', '-');
    return f;
}

const std::vector<OptionInfo>& optionSchema() {
    static const std::vector<OptionInfo> schema = makeSchema();
    return schema;
}

const OptionInfo* findOption(std::string_view key) {
    for (const OptionInfo& o : optionSchema()) {
        if (o.key == key) return &o;
        for (const auto& a : o.aliases)
            if (a == key) return &o;
    }
    return nullptr;
}

Status checkOption(const OptionInfo& o, const json& v) {
    switch (o.type) {
        case T::Boolean:
            if (!v.is_boolean()) return optionError(o, "must be true or false");
            return Status::success();
        case T::Choice: {
            std::string list;
            for (const auto& c : o.choices) list += (list.empty() ? "" : ", ") + c;
            if (!v.is_string()) return optionError(o, "must be one of " + list);
            if (std::find(o.choices.begin(), o.choices.end(), v.get<std::string>()) == o.choices.end())
                return optionError(o, "is '" + v.get<std::string>() + "' but must be one of " + list);
            return Status::success();
        }
        case T::Text:
            if (!v.is_string()) return optionError(o, "must be text");
            if (v.get<std::string>().size() > kMaxTextOption)
                return optionError(o, "is longer than " + std::to_string(kMaxTextOption) + " characters");
            return Status::success();
        case T::Path:
            if (!v.is_string()) return optionError(o, "must be a file path (text)");
            if (v.get<std::string>().size() > kMaxPathOption)
                return optionError(o, "is longer than " + std::to_string(kMaxPathOption) + " characters");
            return Status::success();
        case T::Integer:
        case T::Number: {
            if (v.is_null() && o.fallback.is_null()) return Status::success();  // "the model's own"
            if (!v.is_number())
                return optionError(o, o.type == T::Integer ? "must be a whole number" : "must be a number");
            const double d = v.get<double>();
            if (o.type == T::Integer && (v.is_number_float() && d != std::floor(d)))
                return optionError(o, "is " + formatNumber(d) + " but must be a whole number");
            if (!std::isfinite(d) || d < o.min || d > o.max)
                return optionError(o, "is " + formatNumber(d) + " but must be between " + formatNumber(o.min) +
                                          " and " + formatNumber(o.max));
            return Status::success();
        }
    }
    return Status::success();
}

Result<json> parseOptionText(const OptionInfo& o, const std::string& text) {
    switch (o.type) {
        case T::Boolean:
            if (text == "true" || text == "1" || text == "yes" || text == "on") return json(true);
            if (text == "false" || text == "0" || text == "no" || text == "off") return json(false);
            return optionError(o, "is '" + text + "' but must be true or false");
        case T::Choice:
        case T::Path:
        case T::Text:
            return json(text);
        case T::Integer: {
            errno = 0;
            char* end = nullptr;
            const long long v = std::strtoll(text.c_str(), &end, 10);
            if (text.empty() || *end != '\0' || errno == ERANGE)
                return Error::invalid("Option " + o.flag() + " '" + text + "' is not a whole number.",
                                      "For example: " + o.flag() + " " + o.fallback.dump() + ".");
            return json(v);
        }
        case T::Number: {
            errno = 0;
            char* end = nullptr;
            const double v = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
                return Error::invalid("Option " + o.flag() + " '" + text + "' is not a number.",
                                      "For example: " + o.flag() + " " +
                                          (o.fallback.is_null() ? std::string("0.5") : o.fallback.dump()) + ".");
            return json(v);
        }
    }
    return json();
}

Result<json> normalizeOptions(const json& given) {
    if (!given.is_null() && !given.is_object())
        return Error::invalid("Options must be a JSON object of option names and values.",
                              "For example: {\"lr\": 0.01, \"epochs\": 5}.");
    json out = json::object();
    if (given.is_object()) {
        for (auto it = given.begin(); it != given.end(); ++it) {
            const OptionInfo* o = findOption(it.key());
            if (!o) {
                std::string list;
                for (const auto& k : optionSchema()) list += (list.empty() ? "" : ", ") + k.key;
                return Error::invalid("Unknown option '" + it.key() + "'.", "Known options: " + list + ".");
            }
            STUDIO_TRY(checkOption(*o, it.value()));
            // A whole number given as 3.0 is stored as 3, so records compare equal.
            out[o->key] = o->type == T::Integer ? json(it.value().get<long long>()) : it.value();
        }
    }
    for (const OptionInfo& o : optionSchema())
        if (!out.contains(o.key)) out[o.key] = o.fallback;
    return out;
}

json defaultOptions() {
    return *normalizeOptions(json::object());
}

Result<TrainConfig> trainConfigFromOptions(const json& given) {
    auto normalized = normalizeOptions(given);
    if (!normalized) return normalized.error();
    const json& o = *normalized;
    auto f = [&](const char* k) { return o[k].get<float>(); };
    auto i = [&](const char* k) { return o[k].get<int>(); };
    TrainConfig c;
    c.epochs = i("epochs");
    c.batchSize = i("batch_size");
    c.seed = o["seed"].get<std::uint64_t>();
    c.threads = i("threads");
    c.shardSize = i("shard_size");
    c.healthEvery = i("health_every");
    c.optimizer.kind = o["optimizer"].get<std::string>();
    c.optimizer.momentum = f("momentum");
    c.optimizer.beta1 = f("beta1");
    c.optimizer.beta2 = f("beta2");
    c.optimizer.epsilon = f("epsilon");
    c.optimizer.rmsAlpha = f("rms_alpha");
    c.optimizer.clipNorm = f("clip_norm");
    c.optimizer.weightDecay = f("weight_decay");
    c.schedule.kind = o["schedule"].get<std::string>();
    c.schedule.baseLr = f("lr");
    c.schedule.warmupEpochs = i("warmup_epochs");
    c.schedule.stepEpochs = i("step_epochs");
    c.schedule.gamma = c.schedule.kind == "exponential" ? f("decay_per_epoch") : f("gamma");
    c.schedule.minLr = f("min_lr");
    c.labelSmoothing = f("label_smoothing");
    c.earlyStopping.patience = i("patience");
    c.earlyStopping.metric = o["early_metric"].get<std::string>();
    c.earlyStopping.minDelta = f("min_delta");
    c.validationFraction = o["val_split"].get<double>();
    c.testFraction = o["test_split"].get<double>();
    c.augment.shift = f("aug_shift");
    c.augment.flipHorizontal = o["aug_flip_h"].get<bool>();
    c.augment.flipVertical = o["aug_flip_v"].get<bool>();
    c.augment.rotateDegrees = f("aug_rotate");
    c.augment.brightness = f("aug_brightness");
    c.augment.contrast = f("aug_contrast");
    c.augment.noise = f("aug_noise");
    c.distillation.teacher = o["distill_teacher"].get<std::string>();
    c.distillation.temperature = f("distill_temperature");
    c.distillation.alpha = f("distill_alpha");
    if (c.schedule.warmupEpochs >= c.epochs)
        return Error::invalid("Option 'warmup_epochs' (" + std::to_string(c.schedule.warmupEpochs) +
                                  ") must be smaller than 'epochs' (" + std::to_string(c.epochs) + ").",
                              "Use fewer warm-up epochs or train for more epochs.");
    if (c.validationFraction + c.testFraction >= 0.95)
        return Error::invalid("Options 'val_split' and 'test_split' together leave almost nothing to train on.",
                              "Keep their sum below 0.95.");
    STUDIO_TRY(c.validate());
    return c;
}

DatasetOptions datasetOptionsFromOptions(const json& given) {
    auto normalized = normalizeOptions(given);
    const json o = normalized ? *normalized : defaultOptions();
    DatasetOptions d;
    d.seed = o["seed"].get<std::uint64_t>();
    d.samples = o["samples"].get<int>();
    d.noise = o["noise"].get<double>();
    d.imageSize = o["image_size"].get<int>();
    const std::string channels = o["channels"].get<std::string>();
    d.channels = channels == "gray" ? 1 : channels == "colour" ? 3 : 0;
    d.threads = o["threads"].get<int>();
    d.labelColumn = o["label_column"].get<std::string>();
    d.csvHeader = o["csv_header"].get<std::string>();
    return d;
}

ModelSpec applyModelOptions(ModelSpec spec, const json& options) {
    if (options.is_object() && options.contains("dropout") && options["dropout"].is_number())
        for (LayerSpec& layer : spec.layers)
            if (layer.type == "dropout") layer.options["rate"] = options["dropout"].get<double>();
    return spec;
}

std::vector<std::string> differingOptions(const std::vector<json>& options) {
    std::vector<std::string> keys;
    if (options.size() < 2) return keys;
    for (const OptionInfo& o : optionSchema()) {
        if (o.scope == OptionInfo::Scope::Runtime) continue;  // never changes a result
        auto valueOf = [&](const json& j) { return j.is_object() && j.contains(o.key) ? j[o.key] : o.fallback; };
        const json first = valueOf(options.front());
        for (std::size_t k = 1; k < options.size(); ++k)
            if (valueOf(options[k]) != first) {
                keys.push_back(o.key);
                break;
            }
    }
    return keys;
}

}  // namespace studio
