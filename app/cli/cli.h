#pragma once
// training-studio-cli: train, predict, evaluate, datasets, bench — a stable interface for scripts.
namespace studio::cli {
/// Runs the command line; returns the process exit code. Errors: one line on stderr, non-zero.
int run(int argc, char** argv);
}  // namespace studio::cli
