#include "widgets/image_gallery.h"

#include "widgets/gallery_model.h"

#include <QScrollBar>

namespace studio::widgets {

ImageGallery::ImageGallery(QWidget* parent) : QListView(parent), m_model(new GalleryModel(this)) {
    setViewMode(QListView::IconMode);
    setMovement(QListView::Static);
    setResizeMode(QListView::Adjust);
    setWrapping(true);
    setSpacing(4);
    // Uniform sizes: the view never asks every item for its size, so 60 000 items cost nothing.
    setUniformItemSizes(true);
    setLayoutMode(QListView::Batched);
    setBatchSize(500);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    setModel(m_model);
    setThumbnailSize(72);
    connect(this, &QListView::activated, this, [this](const QModelIndex& index) { Q_EMIT itemActivated(index.row()); });
}

void ImageGallery::setSource(int count, std::function<QImage(int)> imageAt, std::function<QString(int)> captionAt) {
    m_model->setSource(count, std::move(imageAt), std::move(captionAt));
}

void ImageGallery::setThumbnailSize(int pixels) {
    m_model->setThumbnailSize(pixels);
    setIconSize(QSize(m_model->thumbnailSize(), m_model->thumbnailSize()));
    setGridSize(QSize(m_model->thumbnailSize() + 16, m_model->thumbnailSize() + 26));
    verticalScrollBar()->setSingleStep(m_model->thumbnailSize() / 3);
}

int ImageGallery::thumbnailSize() const { return m_model->thumbnailSize(); }

void ImageGallery::setCacheLimit(int thumbnails) { m_model->setCacheLimit(thumbnails); }

int ImageGallery::count() const { return m_model->rowCount(); }

}  // namespace studio::widgets
