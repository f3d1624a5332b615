#pragma once
// Predictions for the rows of a CSV table, through the model's own preprocessing (the training
// split's feature means and spreads). Which cells are the features:
//   - the model was trained on a table (Preprocessing::table) and the first row holds every one
//     of its feature names → those columns, by name (the label and other columns are ignored);
//   - else, without a header, a row of exactly F cells is the F features in order, and a row of
//     the training table's width drops the label column where training had it;
//   - a model of a built-in 2-D set (no table) takes rows of F numbers; a first row of words is
//     taken as a header and skipped.
// Missing and non-numeric cells are errors naming the line and column, as for loading.

#include <string>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/infer/predictor.h"
#include "engine/io/csv_table.h"

namespace studio {

struct TableRows {
    Tensor features;         // (N, F), raw — as in the file, before Preprocessing::normalize
    std::vector<int> lines;  // the file line of each row
};

/// The feature rows of `table` for a model with this preprocessing (see above).
Result<TableRows> tableFeatureRows(const CsvTable& table, const Preprocessing& preprocessing, const std::string& label);

struct TablePrediction {
    int line = 0;  // the row's line in the file
    Prediction prediction;
};

/// Reads the CSV file, normalizes its rows and predicts them with predictBatch (results do not
/// depend on the pool's threads; pool may be null). Errors: an image model, the file, its cells.
Result<std::vector<TablePrediction>> predictTableFile(const ModelSnapshot& snapshot, const std::string& path, int topK,
                                                      ThreadPool* pool);

}  // namespace studio
