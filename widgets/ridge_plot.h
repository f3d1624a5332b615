#pragma once
// RidgePlot: one histogram per epoch, stacked and overlapping like a ridge line — how a layer's
// activations spread, shift or collapse as training goes on. Heights are the square root of each
// bin's share of the ridge's peak, so a ReLU's spike at 0 leaves the tail visible. Plain values.

#include <QList>
#include <QWidget>

namespace studio::widgets {

struct RidgeHistogram {
    int epoch = 0;
    double min = 0.0, max = 0.0;  // the bins split [min, max] evenly
    QList<float> bins;            // fractions
};

class RidgePlot : public QWidget {
    Q_OBJECT
public:
    explicit RidgePlot(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    /// Replaces the ridges (oldest first).
    void setHistograms(const QList<RidgeHistogram>& histograms);
    int ridgeCount() const { return static_cast<int>(m_histograms.size()); }
    /// The x range every ridge is drawn on: the union of their [min, max].
    QPair<double, double> valueRange() const;

    QSize sizeHint() const override { return {360, 220}; }
    QSize minimumSizeHint() const override { return {200, 120}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_title;
    QList<RidgeHistogram> m_histograms;
};

}  // namespace studio::widgets
