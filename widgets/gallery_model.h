#pragma once
// GalleryModel: the list model behind ImageGallery; thumbnails are made on demand and cached.

#include <QAbstractListModel>
#include <QCache>
#include <QImage>
#include <QPixmap>
#include <algorithm>
#include <functional>

namespace studio::widgets {

class GalleryModel : public QAbstractListModel {
    Q_OBJECT
public:
    using QAbstractListModel::QAbstractListModel;

    void setSource(int count, std::function<QImage(int)> imageAt, std::function<QString(int)> captionAt);
    void setThumbnailSize(int pixels);
    int thumbnailSize() const { return m_thumbnail; }
    void setCacheLimit(int thumbnails) { m_cache.setMaxCost(std::max(1, thumbnails)); }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_count; }
    QVariant data(const QModelIndex& index, int role) const override;

private:
    QPixmap thumbnail(int row) const;

    int m_count = 0;
    int m_thumbnail = 72;
    std::function<QImage(int)> m_imageAt;
    std::function<QString(int)> m_captionAt;
    mutable QCache<int, QPixmap> m_cache{600};
};

}  // namespace studio::widgets
