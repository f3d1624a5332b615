#include "engine/infer/snapshot_forward.h"

#include <cstring>

#include "engine/core/assert.h"
#include "engine/infer/workspace_cache.h"

namespace studio {

namespace {

// The float model: x → the calling thread's workspace → logits.
void floatLogits(const Model& model, const Tensor& x, Tensor& logits) {
    STUDIO_ASSERT(x.rank() >= 1 && x.sampleSize() == shapeSize(model.inputShape()),
                  "snapshotLogits: x does not match the model's input");
    Workspace& ws = threadWorkspace(model);
    ws.input() = x;
    RunContext ctx;
    ctx.training = false;
    model.forward(ws, ctx);
    logits = ws.output();
}

}  // namespace

void snapshotLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits) {
    floatLogits(snapshot.model, x, logits);
}

int snapshotClasses(const ModelSnapshot& snapshot) { return snapshot.model.outputSize(); }

}  // namespace studio
