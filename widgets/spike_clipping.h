#pragma once
// SpikeClipping: the y range a chart shows for a curve with a few wild values. One diverging
// step or a 1e6 spike among a thousand losses would otherwise stretch the axis to millions and
// flatten everything else into a line at the bottom. Values far above the bulk are left above
// the axis (and marked by the chart), the rest keeps its scale.
//
//   q1, q95 = the 1st and 95th percentiles of the finite values
//   fence   = q95 + max(3·(q95 − q1), 2·|q95|)   (spread 0: |q95|·0.5, or 1 at 0)
//   shown   = [min, max of the values ≤ fence]; clipped = the values above the fence
// With fewer than 8 values nothing is clipped (a handful of epoch means are all worth seeing).
// Only the top is clipped: small losses are the point of training.

#include <QList>

namespace studio::widgets {

struct ClippedRange {
    double lo = 0.0;
    double hi = 1.0;
    bool clipped = false;  ///< some values lie above hi
    double fence = 0.0;    ///< values above this are clipped (infinity when nothing is)
    bool empty = true;     ///< no finite value
};

ClippedRange spikeClippedRange(const QList<double>& values);

}  // namespace studio::widgets
