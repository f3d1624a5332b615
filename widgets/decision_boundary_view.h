#pragma once
// DecisionBoundaryView: a 2-D model's class-probability field over the input plane — the colour
// is the most likely class, the shade how sure the model is — with the data on top: training
// points as discs, held-out points (validation and test) as squares. Clicking the plane asks to
// classify that point; the answer (setProbe) is drawn there with its probabilities.
// It takes plain values (a probability grid, points, colours) and knows nothing of the engine.
// The shading rule matches the CLI's PNG (engine/teach/boundary_image.h boundaryShade).

#include <QColor>
#include <QImage>
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

namespace studio::widgets {

/// Class probabilities on a grid over a rectangle of the plane; row 0 is the top (y = yMax),
/// each cell sampled at its centre.
struct BoundaryField {
    double xMin = -1, xMax = 1, yMin = -1, yMax = 1;
    int columns = 0, rows = 0, classes = 0;
    std::vector<float> probabilities;  // (rows, columns, classes)
    bool isValid() const {
        return columns > 0 && rows > 0 && classes > 0 &&
               probabilities.size() == static_cast<std::size_t>(columns) * rows * classes;
    }
};

/// One data point: where it is, its class, and whether it was held out of training.
struct PlaneSample {
    QPointF position;
    int label = 0;
    bool heldOut = false;
};

class DecisionBoundaryView : public QWidget {
    Q_OBJECT
public:
    explicit DecisionBoundaryView(QWidget* parent = nullptr);

    /// Class names and their colours (the same order; missing colours cycle a default palette).
    void setClasses(const QStringList& names, const QList<QColor>& colours);
    /// The plane's field; an invalid one clears it (the points stay, over the background).
    void setField(const BoundaryField& field);
    /// The data points; the plane shown is the field's rectangle, or the points' extent before one.
    void setPoints(const QList<PlaneSample>& points);
    void setShowHeldOut(bool show);
    bool showHeldOut() const { return m_showHeldOut; }
    /// Hard class regions (one shade) instead of confidence shading.
    void setDiscrete(bool discrete);
    bool isDiscrete() const { return m_discrete; }
    /// The answer for a clicked point: its class probabilities (model order), drawn at `point`.
    void setProbe(QPointF point, const QList<double>& probabilities);
    void clearProbe();
    /// A line under the plot: "Epoch 12 · step 230", "Not a 2-D model: …".
    void setCaption(const QString& text);
    /// A message instead of the plot (no field and no points), e.g. why there is nothing to draw.
    void setEmptyText(const QString& text);

    const BoundaryField& field() const { return m_field; }
    int pointCount() const { return static_cast<int>(m_points.size()); }
    QStringList classNames() const { return m_names; }
    QString caption() const { return m_caption; }
    std::optional<QPointF> probePoint() const { return m_probePoint; }
    QList<double> probeProbabilities() const { return m_probe; }
    /// The colour a field cell is drawn with (class colour over the background by its shade).
    QColor cellColour(int row, int column) const;
    QColor classColour(int cls) const;
    /// Where the plot is drawn (a square), and plane ↔ widget coordinates through it.
    QRectF plotRect() const;
    QPointF toWidget(QPointF plane) const;
    QPointF toPlane(QPointF widget) const;
    /// The plane's rectangle shown: the field's, else the points' extent, else [-1, 1]².
    QRectF planeRect() const;

    /// The widget at its current size as a PNG; false when it cannot be written.
    bool exportPng(const QString& path);

    QSize sizeHint() const override { return {520, 560}; }
    QSize minimumSizeHint() const override { return {240, 260}; }

Q_SIGNALS:
    /// The user clicked the plane at this point (plane coordinates): classify it.
    void pointClicked(QPointF point);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void rebuildFieldImage();
    void paintPoints(QPainter& painter) const;
    void paintProbe(QPainter& painter) const;
    void paintAxes(QPainter& painter) const;
    void paintLegend(QPainter& painter, const QRectF& area) const;

    BoundaryField m_field;
    QImage m_fieldImage;  // one pixel per cell
    QList<PlaneSample> m_points;
    QRectF m_pointsRect;
    QStringList m_names;
    QList<QColor> m_colours;
    bool m_showHeldOut = true;
    bool m_discrete = false;
    std::optional<QPointF> m_probePoint;
    QList<double> m_probe;
    QString m_caption;
    QString m_emptyText;
};

}  // namespace studio::widgets
