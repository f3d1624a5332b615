#include "widgets/axis_scale.h"

#include "widgets/nice_axis.h"
#include "widgets/run_values.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace studio::widgets {

void AxisScale::fit(const QList<double>& values) {
    if (m_axis.categorical) {
        m_min = 0.0;
        m_max = std::max<double>(1.0, double(m_axis.categories.size()));
        return;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : values) {
        if (!std::isfinite(v) || (m_axis.logScale && v <= 0.0)) continue;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    if (m_axis.logScale) {
        if (!(hi >= lo)) lo = hi = 1e-3;
        // Whole decades, so every tick is a power of ten and 1e-3 sits where people expect it.
        m_min = std::floor(std::log10(lo) + 1e-9);
        m_max = std::ceil(std::log10(hi) - 1e-9);
        if (m_max <= m_min) m_max = m_min + 1.0;
        return;
    }
    if (!(hi >= lo)) lo = 0.0, hi = 1.0;
    const NiceAxis nice = niceAxis(lo, hi, 4);
    m_min = nice.min;
    m_max = nice.max;
    m_decimals = nice.decimals;
    m_step = (m_max - m_min) / std::max(1, nice.tickCount - 1);
}

double AxisScale::unit(double value) const {
    if (!std::isfinite(value)) return qQNaN();
    if (m_axis.categorical) {
        const qsizetype n = m_axis.categories.size();
        const double i = std::round(value);
        if (n == 0 || i < 0 || i >= n) return qQNaN();
        return (i + 0.5) / double(n);
    }
    if (m_axis.logScale) {
        if (value <= 0.0) return qQNaN();
        return (std::log10(value) - m_min) / (m_max - m_min);
    }
    return (value - m_min) / (m_max - m_min);
}

double AxisScale::value(double unit) const {
    if (m_axis.categorical) {
        const qsizetype n = m_axis.categories.size();
        return std::clamp(std::floor(unit * double(n)), 0.0, std::max(0.0, double(n) - 1.0));
    }
    const double v = m_min + unit * (m_max - m_min);
    return m_axis.logScale ? std::pow(10.0, v) : v;
}

QList<AxisTick> AxisScale::ticks() const {
    QList<AxisTick> ticks;
    if (m_axis.categorical) {
        for (qsizetype i = 0; i < m_axis.categories.size(); ++i) ticks.append({unit(double(i)), m_axis.categories[i]});
        return ticks;
    }
    if (m_axis.logScale) {
        const int first = int(std::lround(m_min)), last = int(std::lround(m_max));
        // 0.01 … 1000 read as they are; beyond that "1e-4" is shorter than "0.0001", and then
        // every tick of the axis is written the same way.
        const bool plain = first >= -2 && last <= 3;
        for (int e = first; e <= last; ++e) {
            const QString label = plain ? QString::number(std::pow(10.0, e), 'g', 6) : QStringLiteral("1e%1").arg(e);
            ticks.append({double(e - first) / double(last - first), label});
        }
        return ticks;
    }
    const int count = int(std::lround((m_max - m_min) / m_step));
    for (int i = 0; i <= count; ++i) {
        const double v = m_min + i * m_step;
        ticks.append({unit(v), m_decimals < 0 ? QString::number(v, 'g', 3) : QString::number(v, 'f', m_decimals)});  // niceAxis' label
    }
    return ticks;
}

QString AxisScale::valueText(double value) const {
    if (!std::isfinite(value)) return QStringLiteral("—");
    if (m_axis.categorical) {
        const qsizetype i = qsizetype(std::lround(value));
        return i >= 0 && i < m_axis.categories.size() ? m_axis.categories[i] : QStringLiteral("—");
    }
    return QString::number(value, 'g', m_axis.logScale ? 3 : 4);
}

double AxisScale::numberOf(const ParallelAxis& axis, const QVariant& value) {
    if (!value.isValid() || value.isNull()) return qQNaN();
    if (axis.categorical) {
        const qsizetype i = axis.categories.indexOf(optionValueText(value));
        if (i >= 0) return double(i);
    }
    bool ok = false;
    const double number = value.toDouble(&ok);
    return ok ? number : qQNaN();
}

}  // namespace studio::widgets
