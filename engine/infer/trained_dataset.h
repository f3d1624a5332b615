#pragma once
// Which data a saved model was trained on, as its file records it: the name or path and the
// loading options (generated-set size and seed, image side, a CSV table's label column and
// header) that a run writes into metrics.dataset_options (datasetOptionsRecord). What evaluate,
// export, quantize, prune and the studio reload it with.

#include <string>

#include "engine/data/dataset_catalog.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// The loading options of the model's dataset (defaults for what the file does not record; the
/// seed falls back to the train config's). `threads` is left at its default.
DatasetOptions trainedDatasetOptions(const ModelSnapshot& snapshot);
/// The name or path the model's dataset was loaded by (metrics.dataset_options.name, else
/// datasetName; "" when the file says neither).
std::string trainedDatasetName(const ModelSnapshot& snapshot);

/// What metrics.dataset_options records for data loaded from `source` with `options` (the
/// reverse of the two above): name, samples, imageSize and seed, and the noise factor, label
/// column and header choice when they are not the defaults.
nlohmann::json datasetOptionsRecord(const std::string& source, const DatasetOptions& options);

}  // namespace studio
