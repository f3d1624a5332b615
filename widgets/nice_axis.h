#pragma once
// Tick spacing people read easily (1, 2, 2.5, 5 × 10ᵏ), shared by LiveChart and the painted plots.

#include <QString>

namespace studio::widgets {

/// A tick step of 1, 2, 2.5 or 5 × 10ᵏ, so that about `ticks` intervals span `span` (> 0).
double niceStep(double span, int ticks);

/// [min, max] widened to multiples of a nice step, with tickCount ticks from min to max and a
/// printf format with just enough decimals to tell neighbouring ticks apart — or, for values of a
/// million or more or steps below 1e-5, a "%.Ng" format (decimals is then -1), so labels stay short.
struct NiceAxis {
    double min = 0.0;
    double max = 1.0;
    int tickCount = 2;
    QString labelFormat;
    int decimals = 0;

    /// A tick's text in this axis' format ("0.25", "1.5e+06").
    QString label(double value) const;
};

/// lo ≥ hi (one value) is padded by 10% (or 1 around 0) so the axis never has zero span.
NiceAxis niceAxis(double lo, double hi, int ticks = 5);

}  // namespace studio::widgets
