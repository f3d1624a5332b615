#pragma once
// FeatureMapGrid: groups of small images in a wrapping grid, each group under its title and each
// image with its caption and value range ("−0.41 … 2.73") — the feature maps of a conv layer, the
// filters of the first conv layer, the first dense layer's weights as images. It takes finished
// images and numbers (the app converts the engine's tensors); it knows nothing of networks.
// Painted in one widget (hundreds of tiles stay cheap); height follows the width.

#include <QImage>
#include <QList>
#include <QString>
#include <QWidget>

namespace studio::widgets {

struct FeatureMapTile {
    QImage image;             ///< drawn scaled to the tile size, without smoothing
    QString caption;          ///< "ch 3", "filter 12"; plain text
    double minValue = 0.0;    ///< the range the image's colours stand for
    double maxValue = 0.0;
};

struct FeatureMapGroup {
    QString title;            ///< "conv2d 1 — 6×24×24"; plain text
    QList<FeatureMapTile> tiles;
};

class FeatureMapGrid : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapGrid(QWidget* parent = nullptr);

    void setGroups(const QList<FeatureMapGroup>& groups);
    const QList<FeatureMapGroup>& groups() const { return m_groups; }
    /// Side of a tile's image in pixels (16–256).
    void setTileSize(int pixels);
    int tileSize() const { return m_tileSize; }

    /// "−0.412 … 2.73" (three significant digits, a real minus sign).
    static QString rangeText(double lo, double hi);

    // Geometry, for tests: where tile t of group g is drawn at the current width; null if none.
    QRect tileRect(int group, int tile) const;
    int columns() const;

    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    int columnsFor(int width) const;
    int titleHeight() const;
    int cellHeight() const;
    int cellWidth() const;
    /// Top of group g's title at `width`.
    int groupTop(int group, int width) const;

    QList<FeatureMapGroup> m_groups;
    int m_tileSize = 56;
};

}  // namespace studio::widgets
