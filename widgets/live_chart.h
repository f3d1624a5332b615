#pragma once
// LiveChart: curves that grow while a model trains (loss, accuracy, learning rate).
// The app appends one list of points per series per frame (~30×/s); the chart keeps every point,
// draws at most pointBudget() of them per series (min/max per bucket, so spikes stay visible),
// and its axes follow the data. No Qt Charts type appears in this header.

#include <QColor>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <memory>

namespace studio::widgets {

struct AxisRange {
    double min = 0.0;
    double max = 1.0;
};

class LiveChart : public QWidget {
    Q_OBJECT
public:
    explicit LiveChart(QWidget* parent = nullptr);
    ~LiveChart() override;

    void setTitle(const QString& title);
    void setXAxisTitle(const QString& title);
    /// Series with the same axisGroup share a y axis; the first group is drawn on the left,
    /// the second on the right, further ones on the left again.
    void setAxisGroupTitle(const QString& axisGroup, const QString& title);
    /// The y axis stays within [min, max] however the data and its margin fall (accuracy: 0, 1).
    void setAxisGroupBounds(const QString& axisGroup, double min, double max);
    /// A logarithmic y axis (e.g. for the learning rate); points with y ≤ 0 are not drawn on it.
    void setAxisGroupLogarithmic(const QString& axisGroup, bool logarithmic);
    bool isAxisGroupLogarithmic(const QString& axisGroup) const;
    /// Puts a checkable "Log" button over the chart that switches axisGroup between a linear and a
    /// logarithmic axis (a diverging loss: see every decade at once).
    void offerLogScaleToggle(const QString& axisGroup);

    /// Adding an id that exists only changes its title, colour and group.
    void addSeries(const QString& id, const QString& title, const QColor& color, const QString& axisGroup = {});
    bool hasSeries(const QString& id) const;
    /// Appends points (x increasing) to series `id`; unknown ids are ignored.
    void appendPoints(const QString& id, const QList<QPointF>& points);
    /// Replaces all points of series `id`.
    void setPoints(const QString& id, const QList<QPointF>& points);
    /// factor in [0, 1): 0 turns smoothing off; otherwise an exponential moving average is drawn
    /// boldly in the series colour and the raw curve fades behind it.
    void setSmoothing(const QString& id, double factor);
    /// Keeps every series, drops every point.
    void clear();

    /// Dashed or solid: in overlays the colour tells the run and the dash the kind (train dashed,
    /// validation solid). Unknown ids are ignored.
    void setSeriesDashed(const QString& id, bool dashed);
    bool isSeriesDashed(const QString& id) const;  ///< as the series is drawn
    /// Removes a series and its points; its axis group (title, bounds, scale) stays.
    void removeSeries(const QString& id);
    void removeAllSeries();
    QStringList seriesIds() const;  ///< in the order they were added

    /// A labelled vertical line across the plot at x (e.g. "lr ÷ 10" where the schedule stepped).
    /// Markers do not widen the x axis: one outside the data's range is hidden until it is reached.
    void addMarker(double x, const QString& label, const QColor& color);
    /// One shaded band over x in [from, to] behind the curves, labelled at its bottom (e.g. where
    /// overfitting began); from ≥ to removes it; clearMarkers() removes it too.
    void setShadedRegion(double from, double to, const QString& label, const QColor& color);
    QList<double> shadedRegion() const;  ///< {from, to}, or empty
    void clearMarkers();
    /// The legend shows when there are two series or more, unless turned off here (an overlay of
    /// many runs names them elsewhere).
    void setLegendVisible(bool visible);
    QList<double> markerPositions() const;

    /// Zoom and pan (also by wheel and drag on the plot): shows x in [lo, hi] instead of following
    /// the data, and fits each y axis to what lies in view. A "Reset zoom" button, a double-click
    /// or resetView() follows the data again.
    void setXView(double lo, double hi);
    void resetView();
    bool isZoomed() const;

    /// On a linear axis without bounds, values far above the rest (spikeClippedRange) lie above the
    /// axis and are marked ▲ at its top, with the highest in the legend. These are the points of
    /// series `id` above its axis now.
    QList<QPointF> clippedPoints(const QString& id) const;
    /// Whether series `id` draws a dot at its points: a series of one point does (a line needs
    /// two), e.g. the validation point of a one-epoch run.
    bool drawsPointMarkers(const QString& id) const;

    /// Most points drawn per curve (default 2000, at least 8).
    void setPointBudget(int budget);
    int pointBudget() const { return m_pointBudget; }

    int pointCount(const QString& id) const;       // every point received
    int shownPointCount(const QString& id) const;  // points drawn for the raw curve
    QList<QPointF> shownPoints(const QString& id) const;
    /// Full resolution; empty when smoothing is off. While spikes are clipped, the average of the
    /// points held at the clip fence, so it stays on the axis.
    QList<QPointF> smoothedPoints(const QString& id) const;
    AxisRange xRange() const;
    AxisRange yRange(const QString& axisGroup) const;
    /// Ticks on a linear y axis: fewer on a short plot, so every label fits (0 for a log axis).
    int yTickCount(const QString& axisGroup) const;
    bool isDarkTheme() const;

    /// Renders the widget as it is on screen into a PNG file; false when the file cannot be written.
    bool exportPng(const QString& path);

    QSize sizeHint() const override { return {480, 300}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

Q_SIGNALS:
    void logScaleToggled(const QString& axisGroup, bool logarithmic);

protected:
    void changeEvent(QEvent* event) override;
    bool event(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Private;
    void refreshSeries(const QString& id);
    void updateAxes();
    int yTickBudget() const;
    void updateClipMarkers();
    void applyPalette();

    std::unique_ptr<Private> d;
    int m_pointBudget = 2000;
};

}  // namespace studio::widgets
