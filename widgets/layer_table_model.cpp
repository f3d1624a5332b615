#include "widgets/layer_table_model.h"

#include "widgets/human_units.h"
#include "widgets/run_values.h"
#include "widgets/studio_icons.h"

#include <QApplication>
#include <QMimeData>
#include <QPalette>

namespace studio::widgets {
namespace {
const QString kMime = QStringLiteral("application/x-studio-layer-row");
}

void LayerTableModel::setLayerKinds(const QList<LayerKindDescription>& kinds) {
    beginResetModel();
    m_kinds = kinds;
    endResetModel();
}

void LayerTableModel::setLayers(const QList<LayerRow>& layers) {
    beginResetModel();
    m_layers = layers;
    endResetModel();
}

const LayerKindDescription* LayerTableModel::kind(const QString& kind) const {
    for (const LayerKindDescription& k : m_kinds)
        if (k.kind == kind) return &k;
    return nullptr;
}

QString LayerTableModel::optionsSummary(const LayerRow& row) const {
    QStringList parts;
    auto text = [](const QVariant& v) {
        if (v.typeId() == QMetaType::Double) return QString::number(v.toDouble(), 'g', 4);
        if (v.typeId() == QMetaType::Bool) return v.toBool() ? QStringLiteral("yes") : QStringLiteral("no");
        return v.toString();
    };
    // In the order the kind declares its options, so rows of the same kind line up.
    if (const LayerKindDescription* k = kind(row.kind)) {
        for (const OptionDescription& o : k->options)
            parts << QStringLiteral("%1 %2").arg(o.key, text(row.options.value(o.key, o.defaultValue)));
    } else {
        for (auto it = row.options.begin(); it != row.options.end(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.key(), text(it.value()));
    }
    return parts.join(QStringLiteral(", "));
}

QVariant LayerTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_layers.size()) return {};
    const LayerRow& row = m_layers[index.row()];
    const bool problem = !row.problem.isEmpty();
    // After an invalid layer the numbers would describe a model without it: "?" instead.
    const bool unknown = !row.unknownBecause.isEmpty();
    const bool measured = index.column() == OutputShape || index.column() == Params || index.column() == Flops;
    const LayerKindDescription* k = kind(row.kind);
    if (unknown && measured) {
        if (role == Qt::DisplayRole) return QStringLiteral("?");
        if (role == Qt::ToolTipRole) return plainToolTip(row.unknownBecause);
        if (role == Qt::ForegroundRole) {
            QColor faint = QApplication::palette().color(QPalette::Text);
            faint.setAlphaF(0.55f);
            return faint;
        }
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
            case Index: return index.row() + 1;
            case Kind: return k ? k->label : row.kind;
            // The problem is written under the options, so it reads in the row even when the
            // table is narrow (the Check column carries it alone for a wide table).
            case Options: return problem ? optionsSummary(row) + QStringLiteral("\n⚠ ") + row.problem : optionsSummary(row);
            case OutputShape: return row.outputShape;
            case Params: return humanCount(double(row.params));
            case Flops: return humanCount(double(row.flops));
            case Problem: return row.problem;
        }
    }
    if (role == Qt::ToolTipRole) {
        if (problem) return plainToolTip(row.problem);
        if (index.column() == Params) return tr("%1 trainable parameters").arg(groupedInteger(row.params));
        if (index.column() == Flops) return tr("%1 floating-point operations per sample").arg(groupedInteger(row.flops));
        if (index.column() == Options) return tr("Double-click to edit the options of this layer");
        return k ? k->help : QVariant();
    }
    if (role == Qt::DecorationRole && index.column() == Problem && problem) return studioIcon(QStringLiteral("problem"));
    if (role == Qt::BackgroundRole && problem) {
        QColor tint(220, 50, 40);
        tint.setAlphaF(0.16f);
        return tint;
    }
    if (role == Qt::ForegroundRole && problem && (index.column() == Problem || index.column() == Options)) {
        const bool dark = QApplication::palette().color(QPalette::Base).lightness() < 128;
        return dark ? QColor(255, 130, 120) : QColor(180, 25, 25);
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Params || index.column() == Flops || index.column() == Index))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant LayerTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
        case Index: return tr("#");
        case Kind: return tr("Layer");
        case Options: return tr("Options");
        case OutputShape: return tr("Output");
        case Params: return tr("Params");
        case Flops: return tr("FLOPs");
        case Problem: return tr("Check");
    }
    return {};
}

Qt::ItemFlags LayerTableModel::flags(const QModelIndex& index) const {
    if (!index.isValid()) return Qt::ItemIsDropEnabled;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

QStringList LayerTableModel::mimeTypes() const { return {kMime}; }

QMimeData* LayerTableModel::mimeData(const QModelIndexList& indexes) const {
    if (indexes.isEmpty()) return nullptr;
    auto* mime = new QMimeData;
    mime->setData(kMime, QByteArray::number(indexes.first().row()));
    return mime;
}

bool LayerTableModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int, const QModelIndex&) const {
    return data && data->hasFormat(kMime);
}

bool LayerTableModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int,
                                   const QModelIndex& parent) {
    if (!canDropMimeData(data, action, row, 0, parent)) return false;
    bool ok = false;
    const int from = data->data(kMime).toInt(&ok);
    if (!ok || from < 0 || from >= m_layers.size()) return false;
    // Dropped onto a row means "before it"; past the end means "last".
    int before = row >= 0 ? row : (parent.isValid() ? parent.row() : int(m_layers.size()));
    const int to = before > from ? before - 1 : before;
    if (to != from) Q_EMIT moveRequested(from, std::min(to, int(m_layers.size()) - 1));
    // The rows stay as they are until the app answers with setLayers; returning false keeps the
    // view from removing the dragged row itself.
    return false;
}

}  // namespace studio::widgets
