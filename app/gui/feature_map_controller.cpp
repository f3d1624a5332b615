#include "app/gui/feature_map_controller.h"

#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QMetaObject>
#include <QPointer>

#include "app/gui/engine_conversions.h"
#include "app/gui/feature_map_images.h"
#include "widgets/feature_map_view.h"

namespace studio::app {

FeatureMapController::FeatureMapController(widgets::FeatureMapView* view, QObject* parent)
    : QObject(parent), m_view(view) {
    m_pool.setMaxThreadCount(1);
    m_view->installEventFilter(this);
    connect(m_view, &widgets::FeatureMapView::imageDropped, this, &FeatureMapController::showFile);
    connect(m_view, &widgets::FeatureMapView::openImageRequested, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            m_view, tr("Show the feature maps of an image"), QString(),
            tr("Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.pgm *.ppm *.pbm *.pnm)"));
        if (!path.isEmpty()) showFile(path);
    });
}

FeatureMapController::~FeatureMapController() {
    m_latestJob = ~quint64(0);  // nothing queued may publish into a dying controller
    m_pool.waitForDone();
}

void FeatureMapController::setModel(SnapshotPtr model, bool training) {
    if (model == m_model && training == m_training) return;
    m_model = std::move(model);
    m_training = training;
    if (!m_model) {
        m_view->setGroups({});
        m_view->setStatus(tr("No model yet: train one or load a model file."));
        return;
    }
    request();
}

void FeatureMapController::showImage(const DecodedImage& image, const QString& caption) {
    m_image = image;
    m_path.clear();
    m_caption = caption;
    request();
}

void FeatureMapController::showFile(const QString& path) {
    m_image.reset();
    m_path = path;
    m_caption = QFileInfo(path).fileName();
    request();
}

void FeatureMapController::showSample(const std::shared_ptr<const DatasetBundle>& data, int index) {
    if (!data || index < 0 || index >= data->pool.size()) return;
    const Dataset& pool = data->pool;
    if (pool.storage() != Dataset::Storage::Pixels8 || pool.sampleShape().size() != 3) return;
    DecodedImage image{pool.sampleShape()[0], pool.sampleShape()[1], pool.sampleShape()[2], {}};
    image.chw.assign(pool.pixels(index), pool.pixels(index) + pool.sampleSize());
    const int label = pool.label(index);
    showImage(image, tr("Data sample %1 (%2)").arg(index).arg(toQString(pool.classNames()[std::size_t(label)])));
}

void FeatureMapController::showFirstFile(const QStringList& paths) {
    for (const QString& path : paths)
        if (QFileInfo(path).isFile()) return showFile(path);
}

bool FeatureMapController::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view && event->type() == QEvent::Show && m_again) request();
    return QObject::eventFilter(watched, event);
}

void FeatureMapController::request() {
    if (!m_model) {
        m_view->setStatus(tr("No model yet: train one or load a model file."));
        return;
    }
    if (!m_image && m_path.isEmpty()) return;
    // A hidden view or a job in flight: remember, run when shown or when the job ends.
    if (!m_view->isVisible() || m_inFlight) {
        m_again = true;
        return;
    }
    m_again = false;
    m_inFlight = true;
    const quint64 job = ++m_latestJob;
    const SnapshotPtr model = m_model;
    const bool training = m_training;
    const std::optional<DecodedImage> image = m_image;
    const std::string path = m_path.toStdString();
    const QString caption = m_caption;
    if (m_shown == 0) m_view->setStatus(tr("Computing…"));  // later: the last maps stay until the new ones
    QPointer<FeatureMapController> self(this);
    m_pool.start([self, job, model, training, image, path, caption] {
        FeatureMaps maps;
        std::optional<DecodedImage> decoded = image;
        if (!decoded) {
            auto read = readImageFile(path);
            if (read) decoded = std::move(*read);
            else maps.error = toQString(read.error().what());
        }
        if (decoded) maps = computeFeatureMaps(*model, *decoded);
        if (!self) return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, job, epoch = model->epoch, training, maps = std::move(maps), caption] {
                if (self) self->publish(job, epoch, training, maps, caption);
            },
            Qt::QueuedConnection);
    });
}

void FeatureMapController::publish(quint64 job, int epoch, bool training, const FeatureMaps& maps,
                                   const QString& caption) {
    m_inFlight = false;
    if (job == m_latestJob) {
        if (!maps.error.isEmpty()) {
            m_view->setGroups({});
            m_view->setSourceImage(maps.modelView, caption);
            m_view->setStatus(maps.error, true);
        } else {
            m_view->setSourceImage(maps.modelView, caption);
            m_view->setGroups(maps.groups);
            const QString model = training ? tr("the training run's model after epoch %1").arg(epoch)
                                           : (epoch > 0 ? tr("the model (epoch %1)").arg(epoch) : tr("the model"));
            m_view->setStatus(tr("Through %1 · %2 ms").arg(model).arg(maps.milliseconds, 0, 'f', 1));
            ++m_shown;
            m_shownEpoch = epoch;
        }
    }
    if (m_again) request();
}

}  // namespace studio::app
