#include "engine/nn/layer.h"

namespace studio {

std::int64_t Layer::storedValueCount() const {
    std::int64_t n = 0;
    for (const Param& p : m_params) n += static_cast<std::int64_t>(p.value.size());
    return n;
}

std::int64_t Layer::paramCount() const {
    std::int64_t n = 0;
    for (const Param& p : m_params)
        if (p.trainable) n += static_cast<std::int64_t>(p.value.size());
    return n;
}

void Layer::initialize(Rng& rng) { (void)rng; }

}  // namespace studio
