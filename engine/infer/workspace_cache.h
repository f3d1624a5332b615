#pragma once
// A reusable inference Workspace per thread, so a batch-1 prediction allocates nothing after
// the first call. Keyed by the model's address and structure: a different model (even one
// built later at the same address with other layers) gets a fresh workspace.

#include "engine/nn/model.h"

namespace studio {

/// The calling thread's workspace for `model`. Valid until the next call on this thread.
/// Threads: each thread has its own; never share the reference across threads.
Workspace& threadWorkspace(const Model& model);

}  // namespace studio
