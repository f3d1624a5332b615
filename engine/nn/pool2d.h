#pragma once
#include "engine/core/result.h"
#include "engine/nn/layer.h"

namespace studio {

// Pool2D: max or average over size×size windows, per channel, no padding.
//   x:(N,C,H,W) → y:(N,C,OH,OW)   OH = (H − size)/stride + 1
//   max: y = max of the window; the arg-max (index into the sample) is kept in scratch.indices
//        and backward routes dy there (first maximum wins on ties).
//   avg: y = mean of the window; backward spreads dy/size² over it.
class Pool2D final : public Layer {
public:
    enum class Mode { Max, Average };
    static Result<std::unique_ptr<Layer>> create(Mode mode, const nlohmann::json& options, const Shape& input);

    std::string kind() const override { return m_mode == Mode::Max ? "maxpool2d" : "avgpool2d"; }
    nlohmann::json options() const override;
    std::unique_ptr<Layer> clone() const override { return std::make_unique<Pool2D>(*this); }
    /// One comparison or addition per window element.
    std::int64_t flops() const override {
        return static_cast<std::int64_t>(shapeSize(m_out)) * m_size * m_size;
    }

    void forward(const Tensor& x, Tensor& y, LayerScratch& scratch, const RunContext& ctx) const override;
    // dy:(N,C,OH,OW) → dx:(N,C,H,W) overwritten (zero where no window's maximum was).
    void backward(const Tensor& x, const Tensor& y, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                  LayerScratch& scratch, const RunContext& ctx) const override;

private:
    Mode m_mode = Mode::Max;
    int m_size = 2;
    int m_stride = 2;
};

}  // namespace studio
