#pragma once
// OptionSchema: every option of a run, described once (ARCHITECTURE.md "Runs"; STYLE.md 12).
// The studio's settings form, the CLI's flags and --help, project files, the run store's
// option records and sweep spaces are all generated from or validated against this table, so
// a name, default or range exists in exactly one place.
//
//   options (flat JSON object, keys below)  ── normalizeOptions ──▶ every key, defaults filled
//        └── trainConfigFromOptions ──▶ TrainConfig    └── applyModelOptions ──▶ ModelSpec
//
// Keys are snake_case; the CLI flag is "--" + key with '_' → '-' (lr → --lr, val_split →
// --val-split). Older names (project files written before the schema) are accepted as aliases.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/dataset_catalog.h"
#include "engine/nn/model_spec.h"
#include "engine/train/train_config.h"

namespace studio {

struct OptionInfo {
    /// Path: a file name as text ("" = none), e.g. the distillation teacher's model file.
    /// Text: a short word (a CSV table's label column: a name or a number; "" = the default).
    enum class Type { Integer, Number, Boolean, Choice, Path, Text };
    /// What the option shapes: the training loop, the data (split, preprocessing, augmentation),
    /// the model (layer options), or only how it runs (speed, storage: never the result).
    enum class Scope { Training, Data, Model, Runtime };

    std::string key;    // "lr"
    std::string label;  // "Learning rate"
    std::string group;  // "Optimizer": the form's section
    Type type = Type::Number;
    Scope scope = Scope::Training;
    nlohmann::json fallback;            // default; null = "the model's own" (dropout)
    double min = 0, max = 0;            // Integer/Number, inclusive
    std::vector<std::string> choices;   // Choice
    bool logScale = false;              // sweeps sample it log-uniformly; plots use log axes
    bool liveEditable = false;          // may change while a run trains (recorded with its step)
    std::string help;                   // one sentence: tooltips, --help, sweep docs
    std::vector<std::string> concerns;  // optimizer/schedule kinds or layer kinds it applies to ({} = all)
    std::vector<std::string> aliases;   // older keys accepted on input
    double step = 0;                    // form hint: spin-box step (0 = by decimals)
    int decimals = 3;                   // form hint
    std::string fileFilter;             // Path: the file dialog's filter, e.g. "Models (*.tsmodel)"

    std::string flag() const;  // "--val-split"
    bool isNumeric() const { return type == Type::Integer || type == Type::Number; }
};

/// The table, in form order.
const std::vector<OptionInfo>& optionSchema();
/// By key or alias; nullptr when unknown.
const OptionInfo* findOption(std::string_view keyOrAlias);

/// Checks one value against its option (type, range, choices). The error names the option,
/// the value and the allowed range.
Status checkOption(const OptionInfo& option, const nlohmann::json& value);
/// Reads a command-line word as the option's type ("0.01", "adam", "true").
Result<nlohmann::json> parseOptionText(const OptionInfo& option, const std::string& text);

/// Every key of the schema, each value checked; aliases renamed; missing keys take their
/// defaults. Unknown keys are errors listing the known ones.
Result<nlohmann::json> normalizeOptions(const nlohmann::json& given);
/// The defaults alone (normalizeOptions({})).
nlohmann::json defaultOptions();

/// The engine's config from normalized (or partial) options, with the cross-option checks
/// (warm-up shorter than the run, splits leave data to train on).
Result<TrainConfig> trainConfigFromOptions(const nlohmann::json& options);
/// The dataset-building options (generated size, folder image size, colour, CSV label column
/// and header, seed, threads).
DatasetOptions datasetOptionsFromOptions(const nlohmann::json& options);
/// Model-scope options applied to a spec (dropout rate into every dropout layer when set).
ModelSpec applyModelOptions(ModelSpec spec, const nlohmann::json& options);

/// Keys whose values differ between option objects (for tables and Compare), in schema order;
/// runtime options (threads, checkpoints kept) never change a result and are left out.
std::vector<std::string> differingOptions(const std::vector<nlohmann::json>& options);

}  // namespace studio
