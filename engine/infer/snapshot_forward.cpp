#include "engine/infer/snapshot_forward.h"

#include <cstring>

#include "engine/core/assert.h"
#include "engine/deploy/backbone.h"
#include "engine/deploy/quantized_model.h"
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

// A frozen backbone first: x:(N, C, H, W) → OpenCV DNN → normalized features:(N, F) → the head.
// The backbone was validated on this input shape when it loaded, so a failure here is a bug.
void backboneLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits) {
    thread_local Tensor features;
    const Status status = snapshot.backbone->headInput(x, features);
    STUDIO_ASSERT(status.ok(), status.ok() ? "" : status.error().what().c_str());
    floatLogits(snapshot.model, features, logits);
}

}  // namespace

void snapshotLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits) {
    if (snapshot.backbone) return backboneLogits(snapshot, x, logits);
    if (snapshot.quantized) return snapshot.quantized->forward(x, logits);  // the integer kernels
    floatLogits(snapshot.model, x, logits);
}

int snapshotClasses(const ModelSnapshot& snapshot) { return snapshot.model.outputSize(); }

}  // namespace studio
