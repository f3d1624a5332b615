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

QString NiceAxis::label(double value) const {
    return QString::asprintf(labelFormat.toLatin1().constData(), value);
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
    // A diverging loss spans millions, a flat one steps of 1e-7: "%.0f" of 1e20 is 21 digits and
    // "%.8f" of a rate a row of zeros. There: as many significant digits as tell the ticks apart
    // (at least 3), "%g" style.
    const double magnitude = std::max(std::abs(axis.min), std::abs(axis.max));
    if (magnitude >= 1e6) {
        axis.labelFormat = QStringLiteral("%.3g");
        axis.decimals = -1;
    } else if (decimals > 5) {
        const int digits = static_cast<int>(std::floor(std::log10(magnitude))) + 1 + decimals;
        axis.labelFormat = QStringLiteral("%.%1g").arg(std::clamp(digits, 3, 9));
        axis.decimals = -1;
    }
    return axis;
}

}  // namespace studio::widgets
