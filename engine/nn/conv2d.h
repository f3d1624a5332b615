#pragma once
#include "engine/core/im2col.h"
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

class DnnlConv;

// Conv2D: y[n,f] = Σ_c W[f,c] ⋆ x[n,c] + b[f]   (cross-correlation, zero padding, square kernel)
//   x:(N,C,H,W)  W:(F,C,K,K)  b:(F)  y:(N,F,OH,OW)   OH = (H + 2·pad − K)/stride + 1
//
// Computed as matrix products over groups of samples (im2col.h):
//   cols:(C·K·K, G·OH·OW) = im2col(x[group])      Y:(F, G·OH·OW) = W·cols (+ b)
// The group size G depends only on the layer's shapes (never on threads), chosen so that cols
// stays in the core's L2 cache; for the large layers G = 1 and the product writes y[n] in place.
//
// Where oneDNN has a JIT kernel for the CPU (AVX2, AVX-512), forward and backward run on it
// instead (dnnl_conv.h), one prepared set of primitives per shard size in the LayerScratch; the
// im2col path above stays the fallback and the reference the tests hold the fast one to.
class Conv2D final : public Layer {
public:
    enum class Kernel { Auto, Im2col };
    /// Auto: oneDNN where it has a JIT kernel (the default; the environment variable
    /// TRAINING_STUDIO_CONV=im2col starts a process on Im2col, for measurements).
    static void setKernel(Kernel kernel);
    static Kernel kernel();
    /// The kernel a shard of n samples runs on here: "im2col" or oneDNN's name ("brg:avx512_core").
    std::string kernelName(int n) const;

    static Result<std::unique_ptr<Layer>> create(const nlohmann::json& options, const Shape& input,
                                                 ParamStorage storage = ParamStorage::Allocate);

    std::string kind() const override { return "conv2d"; }
    nlohmann::json options() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Conv2D>(*this); }
    void initialize(Rng& rng) override;
    std::int64_t flops() const override {
        return 2ll * m_filters * m_geom.rows() * m_geom.outPixels();
    }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    // dy:(N,F,OH,OW) → dW += dY·colsᵀ, db += Σ dY, dcols = Wᵀ·dY → dx = col2im(dcols) (overwritten).
    // cols are rebuilt group by group from x (cheaper than keeping the whole shard's cols).
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;

    const ConvGeometry& geometry() const { return m_geom; }
    int filters() const { return m_filters; }
    /// Samples per im2col group for a shard of n samples.
    int groupSize(int n) const;

private:
    /// The oneDNN plan for n samples in this scratch (made on first use), or nullptr: im2col.
    DnnlConv* fastKernel(LayerScratch& scratch, int n) const;

    ConvGeometry m_geom;
    int m_filters = 0;
    bool m_bias = true;
    std::string m_init = "he";
};

}  // namespace studio
