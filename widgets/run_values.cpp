#include "widgets/run_values.h"

#include <QSet>
#include <QTextDocument>
#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>

namespace studio::widgets {

QString optionValueText(const QVariant& value) {
    switch (value.typeId()) {
        case QMetaType::Double:
        case QMetaType::Float:
            return QString::number(value.toDouble(), 'g', 6);
        case QMetaType::Bool:
            return value.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
        case QMetaType::QStringList:
            return value.toStringList().join(QStringLiteral(", "));
        case QMetaType::QVariantList: {
            QStringList parts;
            for (const QVariant& v : value.toList()) parts << optionValueText(v);
            return parts.join(QStringLiteral(", "));
        }
        default:
            return value.toString();
    }
}

QStringList differingOptionKeys(const QList<QVariantMap>& options, const QList<OptionColumn>& order) {
    QSet<QString> keys;
    for (const QVariantMap& map : options)
        for (auto it = map.keyBegin(); it != map.keyEnd(); ++it) keys.insert(*it);
    QStringList differing;
    for (const QString& key : keys) {
        // A missing key is its own value: a run without "dropout" differs from one with 0.2.
        std::optional<QString> first;
        for (const QVariantMap& map : options) {
            const auto it = map.constFind(key);
            const QString text = it == map.cend() ? QStringLiteral("\x1f(missing)") : optionValueText(*it);
            if (!first) {
                first = text;
            } else if (*first != text) {
                differing.append(key);
                break;
            }
        }
    }
    auto rank = [&order](const QString& key) {
        for (qsizetype i = 0; i < order.size(); ++i)
            if (order[i].key == key) return i;
        return order.size();
    };
    std::sort(differing.begin(), differing.end(), [&](const QString& a, const QString& b) {
        const qsizetype ra = rank(a), rb = rank(b);
        return ra != rb ? ra < rb : a < b;
    });
    return differing;
}

QString optionLabel(const QString& key, const QList<OptionColumn>& columns) {
    for (const OptionColumn& c : columns)
        if (c.key == key && !c.label.isEmpty()) return c.label;
    return key;
}

QString accuracyText(double fraction) {
    if (!std::isfinite(fraction)) return QStringLiteral("—");
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

QString lossText(double loss) {
    if (!std::isfinite(loss)) return QStringLiteral("—");
    return QString::number(loss, 'g', 3);
}

QString runDurationText(double seconds) {
    if (!(seconds >= 0.0) || std::isinf(seconds)) return QStringLiteral("—");
    const qint64 total = std::llround(seconds);
    const auto two = [](qint64 v) { return QStringLiteral("%1").arg(v, 2, 10, QLatin1Char('0')); };
    if (total < 60) return QStringLiteral("%1 s").arg(total);
    if (total < 3600) return QStringLiteral("%1 m %2 s").arg(total / 60).arg(two(total % 60));
    return QStringLiteral("%1 h %2 m").arg(total / 3600).arg(two((total / 60) % 60));
}

QColor metricColor(double t) {
    if (std::isnan(t)) return QColor(150, 150, 150);
    // Viridis sampled at 0, 1/6, …, 1 (matplotlib's table); linear in between is close enough.
    static const QColor stops[] = {{68, 1, 84},    {68, 57, 131},  {49, 104, 142}, {33, 145, 140},
                                   {53, 183, 121}, {144, 215, 67}, {253, 231, 37}};
    constexpr int n = int(std::size(stops)) - 1;
    const double x = std::clamp(t, 0.0, 1.0) * n;
    const int i = std::min(int(x), n - 1);
    const double f = x - i;
    const QColor& a = stops[i];
    const QColor& b = stops[i + 1];
    auto mix = [f](int u, int v) { return int(std::lround(u + (v - u) * f)); };
    return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

QColor metricColor(double t, bool darkBackground) {
    if (std::isnan(t)) return metricColor(t);
    const double c = std::clamp(t, 0.0, 1.0);
    return metricColor(darkBackground ? 0.2 + 0.8 * c : 0.9 * c);
}

QString plainToolTip(const QString& text) {
    if (text.isEmpty()) return {};  // still hides the tooltip
    return Qt::convertFromPlainText(text, Qt::WhiteSpaceNoWrap);
}

}  // namespace studio::widgets
