#include "widgets/gallery_model.h"

#include "widgets/run_values.h"

#include <QPainter>
#include <algorithm>

namespace studio::widgets {

void GalleryModel::setSource(int count, std::function<QImage(int)> imageAt, std::function<QString(int)> captionAt) {
    beginResetModel();
    m_count = std::max(0, count);
    m_imageAt = std::move(imageAt);
    m_captionAt = std::move(captionAt);
    m_cache.clear();
    endResetModel();
}

void GalleryModel::setThumbnailSize(int pixels) {
    beginResetModel();
    m_thumbnail = std::max(16, pixels);
    m_cache.clear();
    endResetModel();
}

QPixmap GalleryModel::thumbnail(int row) const {
    if (QPixmap* cached = m_cache.object(row)) return *cached;
    QImage image = m_imageAt ? m_imageAt(row) : QImage();
    QPixmap square(m_thumbnail, m_thumbnail);
    square.fill(Qt::transparent);
    if (!image.isNull()) {
        // Small images (28×28 digits) are scaled up with crisp pixels, large photos smoothly.
        const bool small = image.width() * 2 <= m_thumbnail;
        const QImage scaled = image.scaled(m_thumbnail, m_thumbnail, Qt::KeepAspectRatio,
                                           small ? Qt::FastTransformation : Qt::SmoothTransformation);
        QPainter painter(&square);
        painter.drawImage((m_thumbnail - scaled.width()) / 2, (m_thumbnail - scaled.height()) / 2, scaled);
    }
    m_cache.insert(row, new QPixmap(square));
    return square;
}

QVariant GalleryModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_count) return {};
    switch (role) {
        case Qt::DecorationRole: return thumbnail(index.row());
        case Qt::DisplayRole: return m_captionAt ? m_captionAt(index.row()) : QString::number(index.row());
        case Qt::ToolTipRole:
            return plainToolTip(
                QStringLiteral("#%1  %2").arg(index.row()).arg(m_captionAt ? m_captionAt(index.row()) : QString()));
        case Qt::SizeHintRole: return QSize(m_thumbnail + 16, m_thumbnail + 26);
        default: return {};
    }
}

}  // namespace studio::widgets
