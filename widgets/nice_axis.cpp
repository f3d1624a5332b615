#include "widgets/nice_axis.h"

#include <algorithm>
#include <cmath>

namespace studio::widgets {

double niceStep(double span, int ticks) {
    const double raw = span / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double r = raw / magnitude;
    const double nice = r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 2.5 ? 2.5 : r <= 5.0 ? 5.0 : 10.0;
    return nice * magnitude;
}

NiceAxis niceAxis(double lo, double hi, int ticks) {
    if (!(hi > lo)) {
        const double pad = lo == 0.0 ? 1.0 : std::abs(lo) * 0.1;
        lo -= pad;
        hi += pad;
    }
    const double step = niceStep(hi - lo, ticks);
    NiceAxis axis;
    axis.min = std::floor(lo / step + 1e-9) * step;
    axis.max = std::ceil(hi / step - 1e-9) * step;
    axis.tickCount = static_cast<int>(std::lround((axis.max - axis.min) / step)) + 1;
    // Enough decimals to tell neighbouring ticks apart, no more.
    int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
    if (std::abs(step / std::pow(10.0, -decimals) - 2.5) < 1e-6) ++decimals;
    axis.decimals = decimals;
    axis.labelFormat = QStringLiteral("%.%1f").arg(decimals);
    return axis;
}

}  // namespace studio::widgets
