#pragma once
// LiveChartZoom: LiveChart's view controls — mouse gestures on the step axis and the buttons over
// the chart — as requests LiveChart carries out. Internal to LiveChart (only live_chart.cpp
// includes this): Qt Charts types stay out of the public headers.
//   wheel         zoom the x axis in (up) or out around the value under the pointer
//   left drag     pan along x
//   double-click  back to following the data (also the "Reset zoom" button, shown when zoomed)
//   "Log" button  a logarithmic y axis (shown where LiveChart offers it)

#include <QObject>
#include <QPointF>

class QChart;
class QChartView;
class QToolButton;
class QWidget;

namespace studio::widgets {

class LiveChartZoom : public QObject {
    Q_OBJECT
public:
    /// Watches the view's viewport; `chart` maps pixels to values; the buttons are children of
    /// `overlay` (the LiveChart), hidden until asked for.
    LiveChartZoom(QChartView* view, QChart* chart, QWidget* overlay);

    void offerLogButton(bool checked);
    /// Without emitting logToggled.
    void setLogChecked(bool checked);
    bool logOffered() const;
    void setZoomed(bool zoomed);
    /// Top right of the overlay, over the chart's title row (call on resize).
    void placeButtons();
    /// For a picture of the chart alone: hidden, then shown again as they were.
    void setButtonsHidden(bool hidden);

    /// The x range [lo, hi] zoomed by `factor` (< 1: in) around `anchor`, which keeps its place.
    static QPointF zoomedAround(double lo, double hi, double anchor, double factor);

Q_SIGNALS:
    /// Show x in [lo, hi] (the current range comes from the chart's first horizontal axis).
    void rangeRequested(double lo, double hi);
    void resetRequested();
    void logToggled(bool logarithmic);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    bool currentRange(double& lo, double& hi) const;

    QChartView* m_view;
    QChart* m_chart;
    QWidget* m_overlay;
    QToolButton* m_log;
    QToolButton* m_reset;
    bool m_logOffered = false;
    bool m_zoomed = false;
    bool m_dragging = false;
    QPointF m_dragStart;
    double m_dragLo = 0.0, m_dragHi = 0.0;
};

}  // namespace studio::widgets
