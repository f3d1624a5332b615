#pragma once
// Training a prepared run from the command line: per-epoch lines while it trains, the summary,
// the saved model and the final JSON line. Shared by train, train --resume and fork.

#include <functional>
#include <string>

#include "app/cli/arguments.h"
#include "engine/core/result.h"
#include "engine/store/experiment.h"

namespace studio::cli {

/// The CLI's dataset loader: skipped files are reported on stderr.
DatasetLoader reportingLoader();
/// --save FILE (or another output, `what`) is checked before training: the folder must exist
/// and be writable.
Status checkSaveTarget(const std::string& path, const std::string& what = "the model");
/// Trains, prints, saves (--save), prints the JSON line (--json); returns the exit code.
/// `toSave` (optional) turns the trained snapshot into the one saved (a head → head + backbone).
int trainAndReport(const std::string& storePath, PreparedRun run, const Arguments& args,
                   const std::function<SnapshotPtr(const ModelSnapshot&)>& toSave = {});

}  // namespace studio::cli
