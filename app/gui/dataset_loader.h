#pragma once
// DatasetLoader: loads a dataset on a worker thread (decoding a folder of images can take
// seconds) and reports back on the GUI thread. The newest request wins: a result that arrives
// after another load was asked for is dropped.

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>

#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"

namespace studio::app {

class DatasetLoader : public QObject {
    Q_OBJECT
public:
    explicit DatasetLoader(QObject* parent = nullptr);
    ~DatasetLoader() override;

    /// Starts loading; emits loaded() or failed() later, on this object's thread.
    void load(const QString& nameOrPath, const DatasetOptions& options);
    bool isLoading() const { return m_pending > 0; }
    /// Waits for every started load to end (window closing, tests).
    void waitForIdle();

Q_SIGNALS:
    void loaded(const QString& nameOrPath, std::shared_ptr<const studio::DatasetBundle> bundle);
    void failed(const QString& nameOrPath, const QString& message);

private:
    quint64 m_latestJob = 0;
    int m_pending = 0;
    QThreadPool* m_pool = nullptr;
};

}  // namespace studio::app
