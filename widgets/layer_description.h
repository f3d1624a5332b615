#pragma once
// Plain values the ArchitectureEditor shows: which layer kinds exist (with their options) and
// the layers of the current model, as the app analysed them.

#include <QList>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>

namespace studio::widgets {

struct OptionDescription {
    enum Type { Integer, Number, Boolean, Choice };
    QString key;  // e.g. "units"
    Type type = Integer;
    QVariant defaultValue;
    double min = 0.0;
    double max = 1e9;
    QStringList choices;
    QString help;  // one sentence the tooltip shows
};

struct LayerKindDescription {
    QString kind;   // e.g. "dense"
    QString label;  // e.g. "Dense (fully connected)"
    QString help;
    QList<OptionDescription> options;
};

struct LayerRow {
    QString kind;
    QVariantMap options;
    QString outputShape;  // e.g. "128" or "32×14×14"
    qint64 params = 0;
    qint64 flops = 0;
    QString problem;  // empty when the layer fits; otherwise what is wrong and how to fix it
    /// Non-empty when an earlier layer is invalid: this layer's input, so its output shape,
    /// parameters and FLOPs, are unknown (shown as "?"), and this says why.
    QString unknownBecause;
};

}  // namespace studio::widgets
