#pragma once
// LayerHealthGrid: small multiples of layer health over training — one row per layer, one
// column per measure (activation mean ± std, dead ReLU units, gradient norm, update/weight
// ratio with its healthy band around 1e-3). Takes plain values; painted with QPainter.

#include <QList>
#include <QStringList>
#include <QWidget>

namespace studio::widgets {

/// One layer at one sample.
struct LayerHealthValues {
    double mean = 0.0;
    double std = 0.0;
    double dead = -1.0;  // fraction in [0, 1]; < 0: the layer has no ReLU
    double gradientNorm = 0.0;
    double updateRatio = 0.0;
};

/// Every layer at one sample; x in epochs (2.5 = half-way through epoch 3).
struct LayerHealthSample {
    double x = 0.0;
    QList<LayerHealthValues> layers;  // aligned with the grid's layer names
};

class LayerHealthGrid : public QWidget {
    Q_OBJECT
public:
    enum Measure { Activation, Dead, Gradient, Update, MeasureCount };
    /// The healthy update/weight band drawn in the Update column: [1e-4, 1e-2], line at 1e-3.
    static constexpr double kHealthyUpdateLow = 1e-4, kHealthyUpdate = 1e-3, kHealthyUpdateHigh = 1e-2;

    explicit LayerHealthGrid(QWidget* parent = nullptr);

    /// Starts over with these layers (a new run).
    void setLayers(const QStringList& names);
    QStringList layers() const { return m_layers; }
    /// Samples with x increasing; a sample's layers beyond the names are ignored.
    void appendSamples(const QList<LayerHealthSample>& samples);
    int sampleCount() const { return static_cast<int>(m_samples.size()); }
    void clear();
    static QString measureTitle(Measure m);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {360, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void paintCell(class QPainter& p, const QRectF& cell, int layer, Measure m) const;

    QStringList m_layers;
    QList<LayerHealthSample> m_samples;
};

}  // namespace studio::widgets
