#pragma once
// The one inference entry point for a whole ModelSnapshot: prediction, batch prediction,
// evaluation and the inference benchmark all run through it, so every model variant (float,
// INT8, with a frozen backbone) is served and measured by the same code.

#include "engine/core/tensor.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// x:(N, preprocessing input...) prepared as for training (pixels·(1/255), normalized)
/// → logits:(N, classes), resized here. Inference mode: dropout off, BatchNorm running stats.
/// Threads: any thread, concurrently; uses the calling thread's cached workspace.
void snapshotLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits);

/// The number of logits snapshotLogits writes per sample.
int snapshotClasses(const ModelSnapshot& snapshot);

}  // namespace studio
