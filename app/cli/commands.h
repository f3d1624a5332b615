#pragma once
// The subcommands of training-studio-cli. Each takes the arguments after its name and returns
// the process exit code; errors are one line on stderr (cli_common.h).

#include <string>
#include <vector>

namespace studio::cli {

using Args = std::vector<std::string>;

int trainCommand(const Args& args);
int backboneLayersCommand(const Args& args);
int predictCommand(const Args& args);
int evaluateCommand(const Args& args);
int datasetsCommand(const Args& args);
int benchCommand(const Args& args);
int benchInferCommand(const Args& args);
int forkCommand(const Args& args);
int runsCommand(const Args& args);
int sweepCommand(const Args& args);
int workerCommand(const Args& args);
int pruneCommand(const Args& args);
int quantizeCommand(const Args& args);
int exportCommand(const Args& args);
int reportCommand(const Args& args);
int lrFindCommand(const Args& args);

}  // namespace studio::cli
