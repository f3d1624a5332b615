#include "widgets/feature_map_view.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

namespace studio::widgets {

namespace {
constexpr int kPreview = 96;
}

FeatureMapView::FeatureMapView(QWidget* parent)
    : QWidget(parent),
      m_image(new QLabel(this)),
      m_caption(new QLabel(this)),
      m_status(new QLabel(this)),
      m_tileSize(new QSlider(Qt::Horizontal, this)),
      m_open(new QPushButton(tr("Open image…"), this)),
      m_scroll(new QScrollArea(this)),
      m_grid(new FeatureMapGrid) {
    setAcceptDrops(true);
    m_image->setFixedSize(kPreview, kPreview);
    m_image->setAlignment(Qt::AlignCenter);
    m_image->setFrameShape(QFrame::StyledPanel);
    for (QLabel* l : {m_caption, m_status}) {
        l->setTextFormat(Qt::PlainText);  // captions name files
        l->setWordWrap(true);
        l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    }
    m_caption->setText(tr("Choose an image: double-click one in the Data gallery, a card in Try it, or open or drop a file here."));
    m_tileSize->setRange(24, 160);
    m_tileSize->setValue(m_grid->tileSize());
    m_tileSize->setToolTip(tr("Size of each map"));
    m_tileSize->setMaximumWidth(160);
    m_open->setToolTip(tr("Show the feature maps of an image file"));

    auto* text = new QVBoxLayout;
    text->addWidget(m_caption);
    text->addWidget(m_status);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_open);
    controls->addWidget(new QLabel(tr("Map size"), this));
    controls->addWidget(m_tileSize);
    controls->addStretch(1);
    text->addLayout(controls);
    text->addStretch(1);
    auto* header = new QHBoxLayout;
    header->addWidget(m_image);
    header->addLayout(text, 1);

    m_scroll->setWidget(m_grid);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(m_scroll, 1);

    connect(m_tileSize, &QSlider::valueChanged, m_grid, &FeatureMapGrid::setTileSize);
    connect(m_open, &QPushButton::clicked, this, &FeatureMapView::openImageRequested);
}

void FeatureMapView::setSourceImage(const QImage& image, const QString& caption) {
    m_image->setPixmap(image.isNull() ? QPixmap()
                                      : QPixmap::fromImage(image.scaled(kPreview - 4, kPreview - 4, Qt::KeepAspectRatio,
                                                                        Qt::FastTransformation)));
    m_caption->setText(caption);
}

void FeatureMapView::setGroups(const QList<FeatureMapGroup>& groups) { m_grid->setGroups(groups); }

void FeatureMapView::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    QPalette pal = palette();
    if (error) pal.setColor(QPalette::WindowText, QColor(200, 30, 30));
    m_status->setPalette(pal);
}

void FeatureMapView::clear() {
    m_grid->setGroups({});
    m_image->setPixmap(QPixmap());
    setStatus(QString());
}

QString FeatureMapView::statusText() const { return m_status->text(); }
QString FeatureMapView::captionText() const { return m_caption->text(); }

void FeatureMapView::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void FeatureMapView::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    for (const QUrl& url : urls)
        if (url.isLocalFile()) {
            Q_EMIT imageDropped(url.toLocalFile());
            event->acceptProposedAction();
            return;
        }
}

}  // namespace studio::widgets
