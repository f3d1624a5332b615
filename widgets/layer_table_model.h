#pragma once
// LayerTableModel: one row per layer for the ArchitectureEditor's table. Drag-and-drop of rows
// does not move anything; it reports the move so the app can change the spec and answer.

#include "widgets/layer_description.h"

#include <QAbstractTableModel>

namespace studio::widgets {

class LayerTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Index, Kind, Options, OutputShape, Params, Flops, Problem, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setLayerKinds(const QList<LayerKindDescription>& kinds);
    void setLayers(const QList<LayerRow>& layers);
    const QList<LayerRow>& layers() const { return m_layers; }
    const QList<LayerKindDescription>& kinds() const { return m_kinds; }
    const LayerKindDescription* kind(const QString& kind) const;
    QString optionsSummary(const LayerRow& row) const;

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_layers.size()); }
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : ColumnCount; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

Q_SIGNALS:
    /// `to` is the index the layer should have after the move.
    void moveRequested(int from, int to);

private:
    QList<LayerKindDescription> m_kinds;
    QList<LayerRow> m_layers;
};

}  // namespace studio::widgets
