#pragma once
// The training options each model preset is tuned with (epochs, learning rate, schedule …):
// time to accuracy is what a person feels, and a preset trained with the generic defaults
// (10 constant-rate epochs at 1e-3) learns slower than it can. The values were chosen by
// measurement; the README's "Time to accuracy" table has each run's command, accuracy and time.
//
// The CLI (and every NewRun: sweeps, workers) trains with them wherever no flag or option gives
// a value; the studio fills them into its form when a preset is chosen. A run records every
// option it used, so changing a recommendation later never changes a stored run.

#include <string_view>

#include <nlohmann/json.hpp>

namespace studio {

/// Options (schema keys) a preset recommends; an empty object for a spec file or unknown name.
nlohmann::json presetTrainingOptions(std::string_view preset);

/// `given` over the preset's recommendations (a given key always wins).
nlohmann::json withPresetOptions(std::string_view preset, const nlohmann::json& given);

/// Options a built-in dataset needs to be learnt (the 2-D teaching sets need many short epochs:
/// spirals with the generic 10 epochs ends near chance; a .csv table small batches and more
/// epochs); an empty object for other data.
nlohmann::json datasetTrainingOptions(std::string_view dataset);

/// `given` over the dataset's recommendations over the preset's: the data decide how long a
/// toy set trains, the preset how it steps, and a given key always wins.
nlohmann::json withRecommendedOptions(std::string_view preset, std::string_view dataset, const nlohmann::json& given);

}  // namespace studio
