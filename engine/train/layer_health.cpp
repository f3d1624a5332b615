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
        std::size_t values = 1;
        for (const auto d : shape) values *= static_cast<std::size_t>(d);
        m_perSample.push_back(values);
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
    const std::size_t n = m_probe.size();
    m_acc.assign(m_layers.size(), Accumulator{});
    m_filled.assign(n, 0);
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        Accumulator& a = m_acc[l];
        a.sum.assign(n, 0.0);
        a.sumSquares.assign(n, 0.0);
        a.min.assign(n, std::numeric_limits<float>::infinity());
        a.max.assign(n, -std::numeric_limits<float>::infinity());
        a.alive.assign(n * m_units[l], 0);
        a.stride = std::max<std::size_t>(1, n * m_perSample[l] / kHistogramValues);
        a.values.assign((n * m_perSample[l] + a.stride - 1) / a.stride, std::numeric_limits<float>::quiet_NaN());
    }
}

namespace {

struct RowStats {
    double sum = 0.0, squares = 0.0;
    float lo = 0.0f, hi = 0.0f;  // finite values only (+inf/-inf when there are none)
    float rawMax = 0.0f;         // an infinity included: > 0 means the unit is alive here
};

// Σx, Σx² and the min/max of x[0..n). Blocks of up to 512 values are summed in eight float lanes
// (which the compiler vectorizes) and each block's sums are added in double, so precision does
// not fall with the row's length; the order is fixed, so the result is the same on every run.
RowStats rowStats(const float* x, std::size_t n) {
    constexpr float kInf = std::numeric_limits<float>::infinity();
    constexpr std::size_t kLanes = 8, kBlock = 512;
    float lo[kLanes], hi[kLanes];
    for (std::size_t k = 0; k < kLanes; ++k) lo[k] = kInf, hi[k] = -kInf;
    double sum = 0.0, squares = 0.0;
    std::size_t i = 0;
    while (i + kLanes <= n) {
        float s[kLanes] = {}, q[kLanes] = {};
        const std::size_t end = i + std::min(kBlock, (n - i) / kLanes * kLanes);
        for (; i < end; i += kLanes)
            for (std::size_t k = 0; k < kLanes; ++k) {
                const float v = x[i + k];
                s[k] += v;
                q[k] += v * v;
                lo[k] = v < lo[k] ? v : lo[k];  // a NaN compares false and is skipped
                hi[k] = v > hi[k] ? v : hi[k];
            }
        float bs = 0.0f, bq = 0.0f;
        for (std::size_t k = 0; k < kLanes; ++k) bs += s[k], bq += q[k];
        sum += bs;
        squares += bq;
    }
    for (; i < n; ++i) {
        sum += x[i];
        squares += static_cast<double>(x[i]) * x[i];
        lo[0] = x[i] < lo[0] ? x[i] : lo[0];
        hi[0] = x[i] > hi[0] ? x[i] : hi[0];
    }
    RowStats r{sum, squares, kInf, -kInf, -kInf};
    for (std::size_t k = 0; k < kLanes; ++k) r.lo = std::min(r.lo, lo[k]), r.hi = std::max(r.hi, hi[k]);
    r.rawMax = r.hi;
    if (std::isinf(r.lo) || std::isinf(r.hi)) {
        // A diverging run: infinities count in the sums (which show it) but not in the range.
        r.lo = kInf;
        r.hi = -kInf;
        for (std::size_t j = 0; j < n; ++j)
            if (std::isfinite(x[j])) {
                r.lo = std::min(r.lo, x[j]);
                r.hi = std::max(r.hi, x[j]);
            }
    }
    return r;
}

}  // namespace

void LayerHealthMonitor::addShard(const Workspace& ws, std::size_t firstSample) {
    const std::size_t probeSize = m_probe.size();
    for (std::size_t l = 0; l < m_layers.size(); ++l) {
        const Tensor& y = ws.layerOutput(m_layers[l].block);  // (n, units, positions...)
        Accumulator& a = m_acc[l];
        const std::size_t units = m_units[l];
        const std::size_t perSample = y.sampleSize();
        STUDIO_ASSERT(perSample == m_perSample[l], "LayerHealthMonitor: the layer's output size changed");
        if (perSample == 0) continue;
        const std::size_t positions = perSample / units;
        const std::size_t samples = std::min(y.size() / perSample, probeSize - std::min(probeSize, firstSample));
        // Every layer keeps about kHistogramValues values over the whole probe, at a fixed stride
        // of the probe's value index (sample · perSample + offset), wherever the shards split it.
        const std::size_t stride = a.stride;
        const float* v = y.data();
        for (std::size_t s = 0; s < samples; ++s) {
            const std::size_t sample = firstSample + s;
            const float* x = v + s * perSample;
            if (l == 0) m_filled[sample] = 1;
            double sum = 0.0, squares = 0.0;
            float lo = std::numeric_limits<float>::infinity(), hi = -lo;
            for (std::size_t u = 0; u < units; ++u) {
                const RowStats r = rowStats(x + u * positions, positions);
                sum += r.sum;
                squares += r.squares;
                lo = std::min(lo, r.lo);
                hi = std::max(hi, r.hi);
                if (r.rawMax > 0.0f) a.alive[sample * units + u] = 1;
            }
            a.sum[sample] = sum;
            a.sumSquares[sample] = squares;
            a.min[sample] = lo;
            a.max[sample] = hi;
            const std::size_t from = sample * perSample, to = from + perSample;
            for (std::size_t g = (from + stride - 1) / stride * stride; g < to; g += stride) {
                const float value = x[g - from];
                a.values[g / stride] = std::isfinite(value) ? value : std::numeric_limits<float>::quiet_NaN();
            }
        }
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
        // Sums in probe order, over the samples that were added.
        double sum = 0.0, squares = 0.0;
        float lo = std::numeric_limits<float>::infinity(), hi = -lo;
        std::size_t samples = 0;
        const std::size_t units = m_units[l];
        std::vector<char> alive(units, 0);
        for (std::size_t s = 0; s < m_filled.size(); ++s) {
            if (!m_filled[s]) continue;
            ++samples;
            sum += a.sum[s];
            squares += a.sumSquares[s];
            lo = std::min(lo, a.min[s]);
            hi = std::max(hi, a.max[s]);
            for (std::size_t u = 0; u < units; ++u) alive[u] |= a.alive[s * units + u];
        }
        const std::size_t count = samples * m_perSample[l];
        if (count > 0) {
            row.activationMean = sum / static_cast<double>(count);
            row.activationStd =
                std::sqrt(std::max(0.0, squares / static_cast<double>(count) - row.activationMean * row.activationMean));
        }
        const bool anyFinite = lo <= hi;
        row.histogramMin = anyFinite ? lo : 0.0;
        row.histogramMax = anyFinite ? hi : 0.0;
        if (h.relu && samples > 0)
            row.deadFraction = static_cast<double>(std::count(alive.begin(), alive.end(), 0)) /
                               static_cast<double>(alive.size());
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
        std::size_t kept = 0;
        for (std::size_t i = 0; i < a.values.size(); ++i) {
            const float x = a.values[i];
            if (std::isnan(x) || !m_filled[i * a.stride / std::max<std::size_t>(1, m_perSample[l])]) continue;
            const double at = span > 0.0 && std::isfinite(span) ? (x - row.histogramMin) / span * kHistogramBins : 0.0;
            const int bin = std::clamp(static_cast<int>(std::min<double>(at, kHistogramBins - 1)), 0, kHistogramBins - 1);
            row.histogram[static_cast<std::size_t>(bin)] += 1.0f;
            ++kept;
        }
        if (kept > 0)
            for (float& f : row.histogram) f /= static_cast<float>(kept);
        health.layers.push_back(std::move(row));
    }
    return health;
}

}  // namespace studio
