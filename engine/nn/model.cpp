#include "engine/nn/model.h"

#include "engine/nn/layer_registry.h"

namespace studio {

Workspace::Workspace(const Model& model) {
    m_acts.resize(static_cast<std::size_t>(model.layerCount()) + 1);
    m_scratch.resize(static_cast<std::size_t>(model.layerCount()));
    for (const Param* p : model.params()) m_grads.emplace_back(p->value.shape());
}

void Workspace::zeroGrads() {
    for (Tensor& g : m_grads) g.zero();
}

Result<Model> Model::build(const ModelSpec& spec) {
    const SpecReport report = analyzeSpec(spec);
    if (!report.ok())
        return Error::invalid("The architecture is not valid:\n" + report.problemText(),
                              "Fix the layers named above.");
    Model m;
    m.m_spec = spec;
    Shape shape = spec.input;
    std::size_t offset = 0;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        auto layer = createLayer(spec.layers[i].type, spec.resolvedOptions(i), shape);
        STUDIO_ASSERT(layer.ok(), "analyzeSpec accepted a layer that createLayer rejects");
        shape = (*layer)->outputShape();
        m.m_paramOffset.push_back(offset);
        offset += (*layer)->params().size();
        m.m_layers.push_back(std::move(*layer));
    }
    return m;
}

Model::Model(const Model& other) : m_spec(other.m_spec), m_paramOffset(other.m_paramOffset) {
    for (const auto& l : other.m_layers) m_layers.push_back(l->clone());
}

Model& Model::operator=(const Model& other) {
    if (this != &other) {
        Model copy(other);
        *this = std::move(copy);
    }
    return *this;
}

int Model::outputSize() const {
    return m_layers.empty() ? static_cast<int>(shapeSize(m_spec.input))
                            : static_cast<int>(shapeSize(m_layers.back()->outputShape()));
}

void Model::initialize(std::uint64_t seed) {
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        Rng rng = Rng::forStream(seed, RngPurpose::Init, i);
        m_layers[i]->initialize(rng);
    }
}

std::int64_t Model::paramCount() const {
    std::int64_t n = 0;
    for (const auto& l : m_layers) n += l->paramCount();
    return n;
}

std::int64_t Model::flops() const {
    std::int64_t n = 0;
    for (const auto& l : m_layers) n += l->flops();
    return n;
}

std::vector<Param*> Model::params() {
    std::vector<Param*> out;
    for (auto& l : m_layers)
        for (Param& p : l->params()) out.push_back(&p);
    return out;
}

std::vector<const Param*> Model::params() const {
    std::vector<const Param*> out;
    for (const auto& l : m_layers)
        for (const Param& p : l->params()) out.push_back(&p);
    return out;
}

void Model::forward(Workspace& ws, const RunContext& ctx) const {
    RunContext c = ctx;
    for (std::size_t i = 0; i < m_layers.size(); ++i) {
        c.layerIndex = static_cast<int>(i);
        m_layers[i]->forward(ws.m_acts[i], ws.m_acts[i + 1], ws.m_scratch[i], c);
    }
}

void Model::backward(Workspace& ws, const Tensor& dOut, const RunContext& ctx, Tensor* dInput) const {
    RunContext c = ctx;
    const Tensor* dy = &dOut;
    Tensor* bufs[2] = {&ws.m_dA, &ws.m_dB};
    int flip = 0;
    for (std::size_t k = m_layers.size(); k-- > 0;) {
        c.layerIndex = static_cast<int>(k);
        const Layer& layer = *m_layers[k];
        Tensor* dx = k == 0 ? dInput : bufs[flip];
        std::span<Tensor> grads(ws.m_grads.data() + m_paramOffset[k], layer.params().size());
        layer.backward(ws.m_acts[k], ws.m_acts[k + 1], *dy, dx, grads, ws.m_scratch[k], c);
        dy = dx;
        flip ^= 1;
    }
}

void Model::updateStatistics(const std::vector<Tensor>& summed, int shards) {
    for (std::size_t k = 0; k < m_layers.size(); ++k) {
        auto& layer = *m_layers[k];
        bool hasStats = false;
        for (const Param& p : layer.params()) hasStats |= !p.trainable;
        if (hasStats)
            layer.updateStatistics(std::span<const Tensor>(summed.data() + m_paramOffset[k], layer.params().size()),
                                   shards);
    }
}

void Model::predictLogits(const Tensor& x, Tensor& logits) const {
    Workspace ws(*this);
    ws.input() = x;
    RunContext ctx;
    ctx.training = false;
    forward(ws, ctx);
    logits = ws.output();
}

}  // namespace studio
