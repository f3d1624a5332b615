#include "widgets/spike_clipping.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace studio::widgets {

namespace {

// Nearest-rank percentile of sorted values, p in [0, 1].
double percentile(const std::vector<double>& sorted, double p) {
    const auto last = static_cast<double>(sorted.size() - 1);
    return sorted[static_cast<std::size_t>(std::lround(p * last))];
}

}  // namespace

ClippedRange spikeClippedRange(const QList<double>& values) {
    std::vector<double> sorted;
    sorted.reserve(static_cast<std::size_t>(values.size()));
    for (double v : values)
        if (std::isfinite(v)) sorted.push_back(v);
    ClippedRange r;
    r.fence = std::numeric_limits<double>::infinity();
    if (sorted.empty()) return r;
    std::sort(sorted.begin(), sorted.end());
    r.empty = false;
    r.lo = sorted.front();
    r.hi = sorted.back();
    if (sorted.size() < 8) return r;
    const double low = percentile(sorted, 0.01), high = percentile(sorted, 0.95);
    double spread = high - low;
    if (!(spread > 0.0)) spread = high != 0.0 ? std::abs(high) * 0.5 : 1.0;
    // At least 3× the 95th percentile: a run stuck on a plateau has a tiny spread, and its first
    // steps (the untrained model's loss, 2-3× the plateau) are its story, not spikes.
    const double fence = high + std::max(3.0 * spread, 2.0 * std::abs(high));
    if (!(r.hi > fence)) return r;
    r.fence = fence;
    r.clipped = true;
    r.hi = *(std::upper_bound(sorted.begin(), sorted.end(), fence) - 1);
    return r;
}

}  // namespace studio::widgets
