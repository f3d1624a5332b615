#include "engine/nn/dense.h"

#include <cmath>

#include <Eigen/Core>

#include "engine/core/sgemm.h"
#include "engine/nn/spec_reader.h"

namespace studio {

Result<std::unique_ptr<Layer>> Dense::create(const nlohmann::json& options, const Shape& input, ParamStorage storage) {
    SpecReader r(options);
    auto d = std::make_unique<Dense>();
    d->m_units = r.integer("units", std::nullopt, 1, 1 << 20);
    d->m_bias = r.boolean("bias", true);
    d->m_init = r.text("init", "he", {"he", "glorot"});
    if (auto e = r.finish()) return Error::invalid(*e);
    const std::size_t in = shapeSize(input);
    if (in == 0) return Error::invalid("its input is empty");
    if (static_cast<double>(in) * d->m_units > 256.0 * 1024 * 1024)
        return Error::invalid("a " + shapeToString(input) + " input to " + std::to_string(d->m_units) +
                              " units needs more than 256M weights; pool or shrink the input first");
    d->m_inFeatures = static_cast<int>(in);
    d->m_in = input;
    d->m_out = {d->m_units};
    d->m_params.push_back({"weight", paramTensor({d->m_units, d->m_inFeatures}, 0.0f, storage), true, true});
    if (d->m_bias) d->m_params.push_back({"bias", paramTensor({d->m_units}, 0.0f, storage), true, false});
    return std::unique_ptr<Layer>(std::move(d));
}

nlohmann::json Dense::options() const {
    nlohmann::json o = {{"units", m_units}};
    if (!m_bias) o["bias"] = false;
    if (m_init != "he") o["init"] = m_init;
    return o;
}

void Dense::initialize(Rng& rng) {
    const float stddev = m_init == "glorot" ? std::sqrt(2.0f / static_cast<float>(m_inFeatures + m_units))
                                            : std::sqrt(2.0f / static_cast<float>(m_inFeatures));
    Tensor& w = m_params[0].value;
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = rng.normal(0.0f, stddev);
    if (m_bias) m_params[1].value.zero();
}

void Dense::forward(const Tensor& x, Tensor& y, LayerScratch&, const RunContext&) const {
    const int n = x.dim(0);
    STUDIO_ASSERT(x.sampleSize() == static_cast<std::size_t>(m_inFeatures), "Dense: input width mismatch");
    y.resize({n, m_units});
    // Y:(n, units) = X:(n, in) · Wᵀ, then + b on every row.
    sgemm(false, true, n, m_units, m_inFeatures, 1.0f, x.data(), m_inFeatures, m_params[0].value.data(),
          m_inFeatures, 0.0f, y.data(), m_units);
    if (m_bias) {
        const float* b = m_params[1].value.data();
        for (int r = 0; r < n; ++r) {
            float* row = y.data() + static_cast<std::size_t>(r) * m_units;
            for (int u = 0; u < m_units; ++u) row[u] += b[u];
        }
    }
}

void Dense::backward(const Tensor& x, const Tensor&, const Tensor& dy, Tensor* dx, std::span<Tensor> grads,
                     LayerScratch&, const RunContext&) const {
    const int n = x.dim(0);
    // dW:(units, in) += dYᵀ · X
    sgemm(true, false, m_units, m_inFeatures, n, 1.0f, dy.data(), m_units, x.data(), m_inFeatures, 1.0f,
          grads[0].data(), m_inFeatures);
    if (m_bias) {
        using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        Eigen::Map<const RowMatrix> dY(dy.data(), n, m_units);
        Eigen::Map<Eigen::RowVectorXf> db(grads[1].data(), m_units);
        db.noalias() += dY.colwise().sum();
    }
    if (dx) {
        dx->resize(x.shape());
        // dX:(n, in) = dY · W
        sgemm(false, false, n, m_inFeatures, m_units, 1.0f, dy.data(), m_units, m_params[0].value.data(),
              m_inFeatures, 0.0f, dx->data(), m_inFeatures);
    }
}

}  // namespace studio
