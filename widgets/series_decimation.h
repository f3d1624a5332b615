#pragma once
// Pure helpers behind LiveChart: how a long curve is thinned for drawing and smoothed for reading.

#include <QList>
#include <QPointF>

namespace studio::widgets {

/// Thins `points` (ordered by x) to at most `budget` points for drawing.
/// Ensures: points.size() ≤ budget → returned unchanged. Otherwise the points are cut into
///          (budget−2)/2 consecutive buckets of equal index width and each bucket contributes its
///          lowest and highest y (in their original order), so spikes stay visible; the very
///          first and last points of the curve are always kept.
QList<QPointF> decimateMinMax(const QList<QPointF>& points, int budget);

/// Exponential moving average of y:  s₀ = y₀,  sᵢ = factor·sᵢ₋₁ + (1−factor)·yᵢ;  x unchanged.
/// `previous` continues a curve that was smoothed before (pass the last smoothed point's y and
/// hasPrevious = true), so appending a batch of points gives the same values as one long run.
QList<QPointF> exponentialMovingAverage(const QList<QPointF>& points, double factor, double previous = 0.0,
                                        bool hasPrevious = false);

/// The points with y > 0, in order (what a logarithmic axis can place).
QList<QPointF> positiveOnly(const QList<QPointF>& points);

}  // namespace studio::widgets
