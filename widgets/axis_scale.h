#pragma once
// AxisScale: where a value of an option or metric sits along a plot axis (0 = low end, 1 = high
// end), and which ticks to label — linear with nice steps, logarithmic in whole decades, or
// categorical with every category in its own slot. Shared by ParallelCoordinatesPlot and ScatterPlot.

#include "widgets/run_rows.h"

#include <QList>
#include <QString>
#include <QVariant>

namespace studio::widgets {

struct AxisTick {
    double unit = 0.0;  ///< position in [0, 1]
    QString label;
};

class AxisScale {
public:
    AxisScale() = default;
    explicit AxisScale(const ParallelAxis& axis) : m_axis(axis) {}

    /// Spans the finite values (log: only those > 0): linear widens to nice steps, log to whole
    /// decades; categorical ignores the values and gives each category a slot.
    void fit(const QList<double>& values);

    /// 0 … 1 along the axis; NaN for a missing value (NaN, ≤ 0 on a log axis, unknown category).
    /// Categorical: category i of n sits at (i + 0.5) / n.
    double unit(double value) const;
    /// The inverse of unit() (categorical: the nearest category's index).
    double value(double unit) const;
    QList<AxisTick> ticks() const;
    /// A value as the axis labels it: the category name, "0.0003", "0.912".
    QString valueText(double value) const;

    /// A run's value for this axis as a number: categorical strings become their index in the
    /// axis' categories (a number is taken as the index), NaN when missing or not a number.
    static double numberOf(const ParallelAxis& axis, const QVariant& value);

    const ParallelAxis& axis() const { return m_axis; }
    double min() const { return m_min; }
    double max() const { return m_max; }

private:
    ParallelAxis m_axis;
    double m_min = 0.0;
    double m_max = 1.0;
    int m_decimals = 2;
    double m_step = 0.25;  // linear: the nice step fit() chose
};

}  // namespace studio::widgets
