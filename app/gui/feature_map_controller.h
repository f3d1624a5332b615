#pragma once
// FeatureMapController: runs the Feature maps view (STYLE.md §5). The chosen image — a sample
// double-clicked in the Data gallery, the newest image dropped into Try it, or a file opened or
// dropped on the view — goes through the current model on one worker thread
// (computeFeatureMaps); the result comes back queued, tagged with a job id, and only the newest
// is shown. It follows the newest snapshot: while training, after every epoch. Work is done
// only while the view is visible (it catches up when shown), and at most one job runs: a model
// that changes while one is in flight is run once that job ends.

#include <QObject>
#include <QString>
#include <QThreadPool>

#include <memory>
#include <optional>

#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"

namespace studio::widgets {
class FeatureMapView;
}

namespace studio::app {

struct FeatureMaps;

class FeatureMapController : public QObject {
    Q_OBJECT
public:
    FeatureMapController(widgets::FeatureMapView* view, QObject* parent = nullptr);
    ~FeatureMapController() override;

    /// The model to look into; null clears the maps. `training`: it is a run's newest snapshot.
    void setModel(SnapshotPtr model, bool training);
    /// A decoded image (a dataset sample, a Try it image) with where it came from.
    void showImage(const DecodedImage& image, const QString& caption);
    /// An image file, read on the worker.
    void showFile(const QString& path);
    /// Sample `index` of the data's pool (the Data gallery's double-click).
    void showSample(const std::shared_ptr<const DatasetBundle>& data, int index);
    /// The first file of a drop into Try it (folders are skipped).
    void showFirstFile(const QStringList& paths);

    /// An image was chosen (or a file is waiting to be read).
    bool hasImage() const { return m_image.has_value() || !m_path.isEmpty(); }

    /// For tests: jobs started and shown, and waiting for the worker.
    int jobsShown() const { return m_shown; }
    int shownEpoch() const { return m_shownEpoch; }
    bool busy() const { return m_inFlight; }
    void waitForIdle() { m_pool.waitForDone(); }

private:
    void request();
    void publish(quint64 job, int epoch, bool training, const FeatureMaps& maps, const QString& caption);
    bool eventFilter(QObject* watched, QEvent* event) override;

    widgets::FeatureMapView* m_view;
    QThreadPool m_pool;  // one thread
    SnapshotPtr m_model;
    bool m_training = false;
    std::optional<DecodedImage> m_image;
    QString m_path;      // a file still to decode (when m_image is empty)
    QString m_caption;
    quint64 m_latestJob = 0;
    bool m_inFlight = false;
    bool m_again = false;  // something changed while a job ran
    int m_shown = 0;
    int m_shownEpoch = -1;
};

}  // namespace studio::app
