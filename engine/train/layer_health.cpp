#include "engine/train/layer_health.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace studio {

namespace {

bool isActivation(const std::string& kind) {
    return kind == "relu" || kind == "leakyrelu" || kind == "elu" || kind == "gelu" || kind == "tanh" ||
           kind == "sigmoid";
}

}  // namespace

std::vector<HealthLayer> healthLayers(const Model& model) {
    std::vector<HealthLayer> out;
    int convs = 0, denses = 0;
    std::size_t param = 0;
    for (int i = 0; i < model.layerCount(); ++i) {
        const Layer& layer = model.layer(i);
        const std::size_t count = layer.params().size();
        const std::string kind = layer.kind();
        if (kind == "conv2d" || kind == "dense") {
            HealthLayer h;
            h.name = kind == "conv2d" ? "conv" + std::to_string(++convs) : "dense" + std::to_string(++denses);
            h.layer = h.block = i;
            h.firstParam = param;
            h.paramCount = count;
            h.weightParam = param;
            for (std::size_t p = 0; p < count; ++p)
                if (layer.params()[p].name == "weight") h.weightParam = param + p;
            for (int j = i + 1; j < model.layerCount(); ++j) {
                const std::string next = model.layer(j).kind();
                if (next == "batchnorm" || next == "dropout") continue;
                if (isActivation(next)) {
                    h.block = j;
                    h.relu = next == "relu";
                }
                break;
            }
            out.push_back(std::move(h));
        }
        param += count;
    }
    return out;
}

std::vector<int> probeSamples(const std::vector<int>& train, int size) {
    const std::size_t n = train.size();
    const std::size_t k = std::min(n, static_cast<std::size_t>(std::max(0, size)));
    std::vector<int> probe(k);
    for (std::size_t i = 0; i < k; ++i) probe[i] = train[i * n / k];
    return probe;
}

LayerHealthMonitor::LayerHealthMonitor(const Model& model, const std::vector<int>& train, int every)
    : m_layers(healthLayers(model)), m_probe(probeSamples(train, kProbeSize)), m_every(every) {
    for (const HealthLayer& h : m_layers) {
        const Shape& shape = model.layer(h.block).outputShape();
        m_units.push_back(shape.empty() ? 1 : static_cast<std::size_t>(shape[0]));
    }
}

bool LayerHealthMonitor::due(std::int64_t stepsTaken, bool lastOfEpoch) const {
    return m_every > 0 && !m_layers.empty() && (lastOfEpoch || stepsTaken % m_every == 0);
}

void LayerHealthMonitor::captureGradients(const std::vector<Tensor>& summed) {
    m_gradientNorms.assign(m_layers.size(), 0.0);
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        double sum = 0.0;
        for (std::size_t p = m_layers[l].firstParam; p < m_layers[l].firstParam + m_layers[l].paramCount; ++p) {
            const float* g = summed[p].data();
            for (std::size_t e = 0; e < summed[p].size(); ++e) sum += static_cast<double>(g[e]) * g[e];
        }
        m_gradientNorms[l] = std::sqrt(sum);
    }
}

void LayerHealthMonitor::begin() {
    m_acc.assign(m_layers.size(), Accumulator{});
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        m_acc[l].alive.assign(m_units[l], 0);
        m_acc[l].min = std::numeric_limits<float>::infinity();
        m_acc[l].max = -std::numeric_limits<float>::infinity();
    }
}

void LayerHealthMonitor::addShard(const Workspace& ws) {
    const std::size_t probeValues = m_probe.size();
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        const Tensor& y = ws.layerOutput(m_layers[l].block);  // (n, units, positions...)
        Accumulator& a = m_acc[l];
        const std::size_t units = m_units[l];
        const std::size_t perSample = y.sampleSize();
        const std::size_t positions = perSample / units;
        // Every layer keeps about kHistogramValues values over the whole probe, at a fixed stride.
        const std::size_t stride = std::max<std::size_t>(1, probeValues * perSample / kHistogramValues);
        const float* v = y.data();
        const std::size_t samples = perSample > 0 ? y.size() / perSample : 0;
        double sum = 0.0, squares = 0.0;
        std::size_t index = a.count;
        for (std::size_t s = 0; s < samples; ++s)
            for (std::size_t u = 0; u < units; ++u) {
                const float* row = v + s * perSample + u * positions;
                bool alive = false;
                for (std::size_t p = 0; p < positions; ++p, ++index) {
                    const float x = row[p];
                    sum += x;
                    squares += static_cast<double>(x) * x;
                    alive = alive || x > 0.0f;
                    // A diverging run's activations overflow: they count in the mean (which
                    // shows it) but not in the histogram's range.
                    if (!std::isfinite(x)) continue;
                    a.min = std::min(a.min, x);
                    a.max = std::max(a.max, x);
                    if (index % stride == 0) a.values.push_back(x);
                }
                if (alive) a.alive[u] = 1;
            }
        a.sum += sum;
        a.sumSquares += squares;
        a.count += y.size();
    }
}

LayerHealth LayerHealthMonitor::finish(int epoch, std::int64_t step, bool epochEnd, const std::vector<Param*>& params,
                                       const std::vector<Tensor>& before) {
    LayerHealth health;
    health.epoch = epoch;
    health.step = step;
    health.epochEnd = epochEnd;
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        const HealthLayer& h = m_layers[l];
        const Accumulator& a = m_acc[l];
        LayerHealthRow row;
        row.layer = h.name;
        row.index = h.layer;
        if (a.count > 0) {
            row.activationMean = a.sum / static_cast<double>(a.count);
            row.activationStd =
                std::sqrt(std::max(0.0, a.sumSquares / static_cast<double>(a.count) - row.activationMean * row.activationMean));
        }
        const bool anyFinite = a.min <= a.max;
        row.histogramMin = anyFinite ? a.min : 0.0;
        row.histogramMax = anyFinite ? a.max : 0.0;
        if (h.relu && !a.alive.empty())
            row.deadFraction = static_cast<double>(std::count(a.alive.begin(), a.alive.end(), 0)) /
                               static_cast<double>(a.alive.size());
        row.gradientNorm = l < m_gradientNorms.size() ? m_gradientNorms[l] : 0.0;
        const Tensor& w = params[h.weightParam]->value;
        const Tensor& w0 = before[h.weightParam];
        double change = 0.0, size = 0.0;
        for (std::size_t e = 0; e < w.size(); ++e) {
            const double d = static_cast<double>(w.data()[e]) - w0.data()[e];
            change += d * d;
            size += static_cast<double>(w0.data()[e]) * w0.data()[e];
        }
        row.updateRatio = size > 0.0 ? std::sqrt(change / size) : 0.0;
        row.histogram.assign(kHistogramBins, 0.0f);
        const double span = row.histogramMax - row.histogramMin;  // may overflow to +inf
        for (float x : a.values) {
            const double at = span > 0.0 && std::isfinite(span) ? (x - row.histogramMin) / span * kHistogramBins : 0.0;
            const int bin = std::clamp(static_cast<int>(std::min<double>(at, kHistogramBins - 1)), 0, kHistogramBins - 1);
            row.histogram[static_cast<std::size_t>(bin)] += 1.0f;
        }
        if (!a.values.empty())
            for (float& f : row.histogram) f /= static_cast<float>(a.values.size());
        health.layers.push_back(std::move(row));
    }
    return health;
}

}  // namespace studio
