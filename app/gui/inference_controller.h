#pragma once
// InferenceController: answers the InferencePanel's intents with the engine (STYLE.md §5).
// Every dropped or pasted image becomes a card; decoding, preprocessing, prediction and the
// saliency map run on one inference thread and come back queued, tagged with the card's
// generation, so a newer request (a new model, another top-k, the Why? toggle) wins. Cards are
// refreshed whenever the model changes: while training, after every epoch.

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <memory>

#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"

namespace studio {
class Camera;
}
namespace studio::widgets {
class InferencePanel;
}

namespace studio::app {

class InferenceController : public QObject {
    Q_OBJECT
public:
    InferenceController(widgets::InferencePanel* panel, QObject* parent = nullptr);
    ~InferenceController() override;

    /// The model predictions use; null shows "no model yet". `training` only changes the wording.
    void setModel(SnapshotPtr model, bool training);
    SnapshotPtr model() const { return m_model; }

    /// What the panel's intents do (public for tests and the window's menus).
    void addFiles(const QStringList& paths);
    void addImageBytes(const QByteArray& bytes, const QString& label);
    void classifyFolder(const QString& folder);
    void setCameraOn(bool on);
    /// What Camera plays: "" or a number is a camera index (default 0); anything else a video
    /// file, played in a loop (demos without a webcam; the tests' frames).
    void setCameraSource(const QString& source) { m_cameraSource = source; }

    /// Work in flight on the inference thread (tests wait for 0).
    int pendingJobs() const { return m_pending; }
    /// The last corrected card says that the model is learning from it, until the fine-tuned
    /// model predicts it again.
    void showCorrectionUnderWay();
    void waitForIdle() { m_pool.waitForDone(); }
    /// Milliseconds from the newest drop to its bars being set (the drop-to-bars latency).
    double lastDropToBarsMs() const { return m_lastDropToBarsMs; }

    /// Largest number of cards one drop creates; a bigger folder is better classified as a table.
    static constexpr int kMaxCardsPerDrop = 200;
    /// Largest image data accepted from a drop or the clipboard.
    static constexpr qsizetype kMaxImageBytes = 64 << 20;

Q_SIGNALS:
    /// The user asked to add the card's image to class `classIndex` and fine-tune.
    void correctionRequested(const studio::DecodedImage& image, const QString& path, int classIndex);
    void loadModelRequested();

private:
    struct Source {
        QString path;      // a file, or empty for bytes
        QByteArray bytes;  // image data from a drag or the clipboard
        QString label;
        quint64 generation = 0;
        QElapsedTimer sinceDrop;  // valid until the first prediction arrives
    };
    struct CardResult;

    int addCard(Source source, const QString& title);
    void run(int cardId);
    void rerunAll();
    void publish(int cardId, quint64 generation, const CardResult& result);
    void correct(int cardId, int classIndex);
    void grabFrame();
    void exportCsv();

    widgets::InferencePanel* m_panel;
    QThreadPool m_pool;  // one thread: inference requests run in order, the newest wins
    SnapshotPtr m_model;
    QHash<int, Source> m_sources;
    int m_pending = 0;
    double m_lastDropToBarsMs = -1.0;
    std::shared_ptr<Camera> m_camera;  // used only on the inference thread
    QTimer m_cameraTimer;
    QString m_cameraSource;
    bool m_frameInFlight = false;
    int m_corrected = -1;  // the card of the last correction requested
};

}  // namespace studio::app
