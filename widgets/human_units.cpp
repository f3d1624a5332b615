#include "widgets/human_units.h"

#include <QLocale>
#include <cmath>

namespace studio::widgets {

QString humanCount(double value) {
    const double magnitude = std::abs(value);
    struct Unit {
        double scale;
        const char* suffix;
    };
    static constexpr Unit units[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const Unit& unit : units) {
        // 999 950 would print as "1000.0 k"; round first so it becomes "1.0 M".
        if (std::round(magnitude / unit.scale * 10.0) >= 10.0) {
            const double scaled = value / unit.scale;
            const int decimals = std::abs(scaled) >= 100.0 ? 0 : 1;
            return QString::number(scaled, 'f', decimals) + QChar(' ') + QLatin1String(unit.suffix);
        }
    }
    if (value == std::floor(value)) return QString::number(static_cast<qint64>(value));
    return QString::number(value, 'g', 3);
}

QString groupedInteger(qint64 value) { return QLocale(QLocale::English).toString(value); }

QString humanDuration(double seconds) {
    if (!(seconds >= 0.0) || std::isinf(seconds)) return QStringLiteral("—");
    const qint64 total = static_cast<qint64>(std::llround(seconds));
    const qint64 hours = total / 3600;
    const qint64 minutes = (total / 60) % 60;
    const qint64 secs = total % 60;
    if (hours > 0)
        return QStringLiteral("%1:%2:%3").arg(hours).arg(minutes, 2, 10, QChar('0')).arg(secs, 2, 10, QChar('0'));
    return QStringLiteral("%1:%2").arg(minutes).arg(secs, 2, 10, QChar('0'));
}

}  // namespace studio::widgets
