#pragma once
// How the Runs views spell run values ("91.2%", "1 m 05 s", "0.0003"), which options tell runs
// apart, and the colormap plots use for a metric. Shared so every view says the same thing.

#include "widgets/run_rows.h"

#include <QColor>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>

namespace studio::widgets {

/// An option value as text: numbers with up to 6 significant digits (3e-4 → "0.0003",
/// 1e-5 → "1e-05"), booleans "yes"/"no", lists joined with ", ", everything else as text.
QString optionValueText(const QVariant& value);

/// The keys whose value text is not the same in every map (a key missing from a map counts as
/// a value of its own). Keys listed in `order` come first in that order, then the rest by name.
QStringList differingOptionKeys(const QList<QVariantMap>& options, const QList<OptionColumn>& order);

/// The column's label for `key`, or the key itself when no column names it.
QString optionLabel(const QString& key, const QList<OptionColumn>& columns);

/// 0.9123 → "91.2%"; NaN → "—".
QString accuracyText(double fraction);
/// 0.31234 → "0.312", 12.5 → "12.5"; NaN → "—".
QString lossText(double loss);
/// 42 → "42 s", 65 → "1 m 05 s", 7380 → "2 h 03 m"; negative or NaN → "—".
QString runDurationText(double seconds);

/// Viridis (perceptually uniform, readable in grey and with colour-vision deficiencies):
/// t = 0 dark purple (low) … t = 1 yellow (high); t is clamped, NaN is grey.
QColor metricColor(double t);
/// metricColor() over the part of the map that stays readable on the background: a light one
/// drops the pale yellow end (t → 0.9·t), a dark one the near-black purple end (t → 0.2 + 0.8·t).
QColor metricColor(double t, bool darkBackground);

/// Text from runs (names, option values) as a tooltip that shows it literally: QToolTip would
/// otherwise render a name like "<b>x</b>" as rich text. Use it for any text from files (class,
/// layer, file and project names). Empty stays empty.
QString plainToolTip(const QString& text);

}  // namespace studio::widgets
