#pragma once
// UnitFieldGrid: what each hidden unit computes over the input plane, one small thumbnail per
// unit, a row per layer (as TensorFlow Playground shows its neurons). A unit's values are drawn
// on a diverging scale, symmetric around 0: orange for positive, blue for negative, the
// background where it is 0 (a ReLU's "off" region). Hovering a thumbnail frames it and says so
// (unitHovered), and whoever holds the grid shows it enlarged (BoundaryPanel's magnifier, which
// a scroll area cannot clip). Takes plain values; knows nothing of the engine.

#include <QImage>
#include <QList>
#include <QString>
#include <QWidget>
#include <optional>
#include <vector>

namespace studio::widgets {

/// One layer's units: `units` fields of rows × columns values, unit-major.
struct UnitFieldLayer {
    QString label;  // "dense 1 · relu"
    int units = 0, rows = 0, columns = 0;
    std::vector<float> values;  // (units, rows, columns), row 0 at the top
    bool isValid() const {
        return units > 0 && rows > 0 && columns > 0 &&
               values.size() == static_cast<std::size_t>(units) * rows * columns;
    }
};

class UnitFieldGrid : public QWidget {
    Q_OBJECT
public:
    explicit UnitFieldGrid(QWidget* parent = nullptr);

    /// The layers to show (invalid ones are skipped). Keeps the hovered unit when it still exists.
    void setLayers(const QList<UnitFieldLayer>& layers);
    void clear() { setLayers({}); }
    int layerCount() const { return static_cast<int>(m_layers.size()); }
    int thumbnailCount() const;
    /// The thumbnail image of a unit (one pixel per cell), null when out of range.
    QImage thumbnail(int layer, int unit) const;
    /// Where a unit's thumbnail is drawn at the current width; empty when out of range.
    QRect thumbnailRect(int layer, int unit) const;
    /// The unit under a widget position, as (layer, unit).
    std::optional<std::pair<int, int>> unitAt(const QPoint& pos) const;
    std::optional<std::pair<int, int>> hoveredUnit() const { return m_hovered; }
    /// Hover a unit as the mouse would (tests, keyboard).
    void setHoveredUnit(std::optional<std::pair<int, int>> unit);
    /// "dense 1 · relu, unit 4: −0.21 … 1.7" — what the enlarged picture is captioned with.
    QString unitCaption(int layer, int unit) const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return {120, 40}; }

Q_SIGNALS:
    /// The mouse is over a unit's thumbnail (layer, unit), or over none (−1, −1).
    void unitHovered(int layer, int unit);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    struct Layer {
        QString label;
        QList<QImage> images;
        QList<std::pair<float, float>> ranges;
    };
    int columnsFor(int width) const;
    void rebuild();

    QList<UnitFieldLayer> m_source;
    QList<Layer> m_layers;
    std::optional<std::pair<int, int>> m_hovered;
};

}  // namespace studio::widgets
