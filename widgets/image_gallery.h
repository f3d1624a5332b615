#pragma once
// ImageGallery: a grid of dataset thumbnails that stays smooth with tens of thousands of images.
// Images are asked for only when their cell becomes visible, and a bounded number of thumbnails
// is cached.

#include <QImage>
#include <QListView>
#include <QString>
#include <functional>

namespace studio::widgets {

class GalleryModel;

class ImageGallery : public QListView {
    Q_OBJECT
public:
    explicit ImageGallery(QWidget* parent = nullptr);

    /// `imageAt(i)` and `captionAt(i)` are called on the GUI thread for visible items only.
    void setSource(int count, std::function<QImage(int)> imageAt, std::function<QString(int)> captionAt);
    void setThumbnailSize(int pixels);
    int thumbnailSize() const;
    /// Most thumbnails kept in memory (default 600).
    void setCacheLimit(int thumbnails);
    int count() const;

Q_SIGNALS:
    void itemActivated(int index);

private:
    GalleryModel* m_model = nullptr;
};

}  // namespace studio::widgets
