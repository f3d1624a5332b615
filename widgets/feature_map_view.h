#pragma once
// FeatureMapView: "what the network sees" for one image — the image as the model takes it, a
// status line (which model, which epoch, how long it took), a tile-size slider and a scrolling
// FeatureMapGrid of every conv layer's activation maps, the first conv layer's filters and the
// first dense layer's weights as images. Takes values; its intents ask for another image.

#include <QImage>
#include <QList>
#include <QWidget>

#include "widgets/feature_map_grid.h"

class QLabel;
class QScrollArea;
class QSlider;
class QPushButton;

namespace studio::widgets {

class FeatureMapView : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapView(QWidget* parent = nullptr);

    /// The chosen image as the model sees it (already fitted), with where it came from.
    void setSourceImage(const QImage& image, const QString& caption);
    void setGroups(const QList<FeatureMapGroup>& groups);
    /// One line under the image: plain text; errors in the palette's error colour.
    void setStatus(const QString& text, bool error = false);
    void clear();

    FeatureMapGrid* grid() const { return m_grid; }
    QString statusText() const;
    QString captionText() const;

Q_SIGNALS:
    /// "Open image…": the user wants to pick a file.
    void openImageRequested();
    /// An image file was dropped on the view.
    void imageDropped(const QString& localPath);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QLabel* m_image;
    QLabel* m_caption;
    QLabel* m_status;
    QSlider* m_tileSize;
    QPushButton* m_open;
    QScrollArea* m_scroll;
    FeatureMapGrid* m_grid;
};

}  // namespace studio::widgets
