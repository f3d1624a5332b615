#pragma once
// `predict` on CSV tables: each row of each table classified with a feature model (by column
// name or position, engine/infer/table_predict.h), printed, as JSON, or written as CSV.

#include <string>
#include <vector>

#include "app/cli/arguments.h"
#include "engine/infer/snapshot.h"

namespace studio::cli {

/// True when every path is a .csv file; predict then calls predictTables.
bool allTables(const std::vector<std::string>& paths);
/// Prints one line per row ("TABLE line N: class p, …"), or with --json one JSON line, and
/// writes --csv OUT (table,line,predicted,confidence). Returns the exit code.
int predictTables(const Arguments& a, const ModelSnapshot& snapshot, const std::string& modelPath, int topK,
                  int threads);

}  // namespace studio::cli
