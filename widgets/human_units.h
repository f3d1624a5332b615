#pragma once
// Numbers as people read them in the studio window: "1.2 M" parameters, "4:05" remaining.

#include <QString>
#include <QtGlobal>

namespace studio::widgets {

/// 532 → "532", 12 480 → "12.5 k", 1 234 567 → "1.2 M", 3.4e9 → "3.4 G". Negative values keep their sign.
QString humanCount(double value);

/// 109386 → "109,386" (always English grouping, so screenshots and tests read the same everywhere).
QString groupedInteger(qint64 value);

/// Seconds as "0:07", "4:05" or "1:02:03"; a negative value (unknown) as "—".
QString humanDuration(double seconds);

}  // namespace studio::widgets
