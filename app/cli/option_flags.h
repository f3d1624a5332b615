#pragma once
// The training options as command-line flags, generated from the engine's option schema
// (engine/train/option_schema.h): one flag per option (--lr, --batch-size, …) plus --augment LIST
// as a short form of the aug_* options. Names, defaults and ranges come from the schema alone.

#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "app/cli/arguments.h"
#include "engine/core/result.h"

namespace studio::cli {

/// Every option flag ("--lr", "--augment", …).
std::set<std::string> optionFlags();
/// The options given on the command line (only those), parsed and checked against the schema.
Result<nlohmann::json> optionsFromArguments(const Arguments& args);
/// The options' --help section, grouped as the studio's settings form.
std::string optionsHelp();

}  // namespace studio::cli
