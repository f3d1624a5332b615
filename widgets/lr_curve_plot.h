#pragma once
// LrCurvePlot: the learning-rate range test's loss against the rate on a log axis — the raw
// losses faint, the smoothed curve bold, the good range shaded and the suggested rate as a
// labelled line. Takes plain points; the loss axis clips a blow-up (spike_clipping.h) so the
// valley stays readable.

#include <QList>
#include <QPair>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>
#include <optional>

namespace studio::widgets {

class LrCurvePlot : public QWidget {
    Q_OBJECT
public:
    explicit LrCurvePlot(QWidget* parent = nullptr);

    /// (lr, loss) points, lr increasing and > 0; `smoothed` aligned with them or empty.
    void setCurve(const QList<QPointF>& raw, const QList<QPointF>& smoothed);
    void appendPoint(const QPointF& raw);
    /// The suggestion and its range; nullopt clears them.
    void setSuggestion(std::optional<double> lr, double rangeLow = 0.0, double rangeHigh = 0.0);
    void clear();

    std::optional<double> suggestion() const { return m_suggested; }
    int pointCount() const { return static_cast<int>(m_raw.size()); }
    /// The axes as drawn: x in decades (log10 lr), y in loss.
    QPointF xDecades() const;
    QPointF yRange() const;
    /// The rate axis's labels and where the last paint put them (a projector's font may skip some).
    QList<QPair<QString, QRectF>> xTickLabels() const { return m_xLabels; }

    QSize sizeHint() const override { return {560, 320}; }
    QSize minimumSizeHint() const override { return {300, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void fit();

    QList<QPointF> m_raw, m_smoothed;
    std::optional<double> m_suggested;
    double m_rangeLow = 0.0, m_rangeHigh = 0.0;
    double m_x0 = -7.0, m_x1 = 1.0;  // decades
    double m_y0 = 0.0, m_y1 = 1.0;
    int m_yTicks = 2;
    QString m_yFormat = "%.1f";
    QList<QPair<QString, QRectF>> m_xLabels;
};

}  // namespace studio::widgets
