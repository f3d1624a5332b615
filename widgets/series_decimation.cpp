#include "widgets/series_decimation.h"

#include <algorithm>
#include <iterator>

namespace studio::widgets {

QList<QPointF> decimateMinMax(const QList<QPointF>& points, int budget) {
    const qsizetype n = points.size();
    if (n <= budget || budget < 4) return points;
    // Two points per bucket, plus the curve's first and last point: 2·buckets + 2 ≤ budget.
    const qsizetype buckets = (budget - 2) / 2;
    QList<QPointF> shown;
    shown.reserve(budget);
    for (qsizetype b = 0; b < buckets; ++b) {
        const qsizetype begin = b * n / buckets;
        const qsizetype end = (b + 1) * n / buckets;  // exclusive; buckets cover 0..n-1 exactly once
        qsizetype low = begin;
        qsizetype high = begin;
        for (qsizetype i = begin + 1; i < end; ++i) {
            if (points[i].y() < points[low].y()) low = i;
            if (points[i].y() > points[high].y()) high = i;
        }
        qsizetype kept[4] = {low, high, low, high};
        if (b == 0) kept[2] = begin;
        if (b == buckets - 1) kept[3] = end - 1;
        std::sort(std::begin(kept), std::end(kept));
        const qsizetype* last = std::unique(std::begin(kept), std::end(kept));
        for (const qsizetype* k = kept; k != last; ++k) shown.append(points[*k]);
    }
    return shown;
}

QList<QPointF> exponentialMovingAverage(const QList<QPointF>& points, double factor, double previous,
                                        bool hasPrevious) {
    QList<QPointF> smoothed;
    smoothed.reserve(points.size());
    double s = previous;
    bool started = hasPrevious;
    for (const QPointF& p : points) {
        s = started ? factor * s + (1.0 - factor) * p.y() : p.y();
        started = true;
        smoothed.append(QPointF(p.x(), s));
    }
    return smoothed;
}

QList<QPointF> positiveOnly(const QList<QPointF>& points) {
    QList<QPointF> positive;
    positive.reserve(points.size());
    for (const QPointF& p : points)
        if (p.y() > 0.0) positive.append(p);
    return positive;
}

}  // namespace studio::widgets
