#pragma once
// LayerHealthView: the Training tab's "Layer health" page — the small multiples of every layer
// over steps (LayerHealthGrid) beside the ridge plot of one layer's activation histograms over
// epochs (RidgePlot), with a choice of that layer. Takes plain values.

#include <QList>
#include <QMap>
#include <QStringList>
#include <QWidget>

#include "widgets/layer_health_grid.h"
#include "widgets/ridge_plot.h"

class QComboBox;

namespace studio::widgets {

class LayerHealthView : public QWidget {
    Q_OBJECT
public:
    explicit LayerHealthView(QWidget* parent = nullptr);

    /// A new run with these layers ("conv1", "dense2", …): clears everything.
    void setLayers(const QStringList& names);
    void appendSamples(const QList<LayerHealthSample>& samples);
    /// One histogram per layer (aligned with the names) at the end of `epoch`.
    void addEpochHistograms(int epoch, const QList<RidgeHistogram>& perLayer);
    void clear();

    /// The layer the ridge plot shows.
    void showRidgeOf(int layer);
    int ridgeLayer() const;

    LayerHealthGrid* grid() const { return m_grid; }
    RidgePlot* ridge() const { return m_ridge; }

private:
    void refreshRidge();

    LayerHealthGrid* m_grid = nullptr;
    RidgePlot* m_ridge = nullptr;
    QComboBox* m_layerChoice = nullptr;
    QList<QList<RidgeHistogram>> m_histograms;  // per layer, oldest first
};

}  // namespace studio::widgets
