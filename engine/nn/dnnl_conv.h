#pragma once
// DnnlConv: Conv2D's fast path on oneDNN (Debian's libdnnl, the library PyTorch's CPU
// convolutions use), for one layer geometry and one shard size.
//
// Our tensors stay (N,C,H,W) and (F,C,K,K); oneDNN picks its blocked layouts (format `any`) and
// each call reorders into and out of them, as PyTorch does for plain tensors.
//
// Determinism: every primitive runs on the calling thread only (Debian builds oneDNN on OpenMP;
// each calling thread's OpenMP team is set to one thread), so a result depends on the shapes and
// the CPU's instruction set, never on how many threads train. Shards have a fixed size, so the
// same primitive computes the same shard whatever the thread count.
//
// Threads: one DnnlConv per LayerScratch, used by one thread at a time.

#include <memory>

#include "engine/core/im2col.h"

namespace studio {

class DnnlConv {
public:
    /// nullptr when oneDNN has only its reference (slow) kernels for this CPU or shape; Conv2D
    /// then keeps its own im2col path.
    static std::unique_ptr<DnnlConv> create(const ConvGeometry& g, int filters, bool bias, int samples);
    ~DnnlConv();

    /// y:(N,F,OH,OW) = conv(x:(N,C,H,W), w) + b (b may be null when the layer has no bias).
    void forward(const float* x, const float* w, const float* b, float* y);
    /// dW += ∂L/∂W, db += ∂L/∂b (db null without bias), dx = ∂L/∂x (overwritten; null: not needed).
    void backward(const float* x, const float* w, const float* dy, float* dx, float* dW, float* db);
    /// oneDNN's name for the forward kernel ("jit:avx512_core", "brgconv:avx2", ...).
    const char* kernelName() const;

private:
    struct Impl;
    explicit DnnlConv(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace studio
