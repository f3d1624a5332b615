#include "engine/nn/flatten.h"

#include <algorithm>

#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> Flatten::create(const nlohmann::json& options, const Shape& input) {
    SpecReader r(options);
    if (auto e = r.finish()) return Error::invalid(*e);
    if (shapeSize(input) == 0) return Error::invalid("its input is empty");
    auto f = std::make_unique<Flatten>();
    f->m_in = input;
    f->m_out = {static_cast<int>(shapeSize(input))};
    return std::unique_ptr<Layer>(std::move(f));
}

void Flatten::forward(const Tensor& x, Tensor& y, LayerScratch&, const RunContext&) const {
    y.resize({x.dim(0), m_out[0]});
    std::copy(x.data(), x.data() + x.size(), y.data());
}

void Flatten::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor>,
                       LayerScratch&, const RunContext&) const {
    if (!dx) return;
    dx->resize(x.shape());
    std::copy(dy.data(), dy.data() + dy.size(), dx->data());
}

}  // namespace studio
