#pragma once
// Pieces every subcommand shares: error lines, dataset loading with skipped-file reports,
// model spec resolution, number formatting.

#include <cstdio>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/snapshot.h"
#include "engine/nn/model_spec.h"

#include "app/cli/arguments.h"

namespace studio::cli {

class Arguments;

/// Exit codes: 0 success, 1 a failure (missing file, bad model, numerical), 2 a usage mistake.
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// Prints the error as ONE line on stderr ("training-studio-cli: <message> <hint>") and returns
/// the exit code for it.
int reportError(const Error& error);

/// Loads a dataset by name or path. Skipped files are not fatal: stderr gets their count and
/// the first few; the whole list with reasons goes to the file set by setSkippedListFile.
Result<DatasetBundle> loadDatasetReporting(const std::string& nameOrPath, const DatasetOptions& options);
/// --skipped FILE: where loadDatasetReporting writes every skipped file (path TAB reason).
void setSkippedListFile(const std::string& path);

/// How every command starts: `args` parsed against `spec` (a mistake is reported), --help prints
/// `help` and ends the command, and --skipped FILE (when the command takes it) names the list of
/// skipped dataset files. The arguments, or the exit code when the command ends here.
///   auto start = startCommand(args, spec, "lr-find", kHelp);
///   if (const int* done = std::get_if<int>(&start)) return *done;
///   const Arguments& a = std::get<Arguments>(start);
std::variant<Arguments, int> startCommand(const std::vector<std::string>& args, const OptionSpec& spec,
                                          const std::string& command, const std::string& help);

/// The loading options of the data `model` was trained on (its file's record), with --samples and
/// --image-size overriding them and `threads` for loading. Errors: a flag out of range.
Result<DatasetOptions> modelDatasetOptions(const Arguments& a, const ModelSnapshot& model, int threads);

/// A preset name (mlp, lenet, cnn, cnn-bn) or a spec JSON file; input and classes are filled in
/// from the dataset when the file leaves them out.
Result<ModelSpec> resolveModelSpec(const std::string& presetOrPath, const Dataset& data);

/// "%.4f"-style formatting without locale surprises.
std::string fixed(double v, int decimals);
std::string general(double v);
/// Prints a JSON object on one line to stdout (NaN becomes null).
void printJsonLine(const nlohmann::json& j);
/// NaN → null for JSON output.
nlohmann::json numberOrNull(double v);

}  // namespace studio::cli
