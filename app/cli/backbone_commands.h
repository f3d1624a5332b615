#pragma once
// train --backbone: the part of `train` that puts a frozen ONNX backbone in front of the head.

#include <memory>
#include <string>

#include "app/cli/arguments.h"
#include "engine/store/experiment.h"

namespace studio::cli {

/// The flags `train` accepts for a backbone (besides --model for the head).
inline const char* const kBackboneTrainFlags[] = {"--backbone", "--feature-layer", "--backbone-mean",
                                                   "--backbone-std"};

/// Trains request.model as a head on the cached features of --backbone, then saves the whole
/// model (--save). Returns the exit code.
int trainWithBackbone(const Arguments& a, const std::string& storePath, std::unique_ptr<RunStore> store,
                      const NewRun& request);

}  // namespace studio::cli
