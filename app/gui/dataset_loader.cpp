#include "app/gui/dataset_loader.h"

#include <QMetaObject>
#include <QPointer>
#include <QThreadPool>

#include <new>

#include "app/gui/engine_conversions.h"

namespace studio::app {

DatasetLoader::DatasetLoader(QObject* parent) : QObject(parent), m_pool(new QThreadPool(this)) {
    m_pool->setMaxThreadCount(1);
}

DatasetLoader::~DatasetLoader() {
    m_pool->waitForDone();
}

void DatasetLoader::load(const QString& nameOrPath, const DatasetOptions& options) {
    const quint64 job = ++m_latestJob;
    ++m_pending;
    QPointer<DatasetLoader> self(this);
    m_pool->start([self, job, nameOrPath, options] {
        // An exception escaping a pool thread would abort the studio; out of memory is a message.
        auto result = [&]() -> Result<DatasetBundle> {
            try {
                return loadDataset(toStdString(nameOrPath), options);
            } catch (const std::bad_alloc&) {
                return Error::io("Out of memory while loading the dataset '" + toStdString(nameOrPath) + "'.",
                                 "Use a smaller dataset or image size, or close other programs.");
            }
        }();
        std::shared_ptr<const DatasetBundle> bundle;
        QString message;
        if (result)
            bundle = std::make_shared<const DatasetBundle>(std::move(*result));
        else
            message = errorText(result.error());
        if (!self) return;
        QMetaObject::invokeMethod(
            self,
            [self, job, nameOrPath, bundle, message] {
                if (!self) return;
                --self->m_pending;
                if (job != self->m_latestJob) return;  // a newer choice wins
                if (bundle)
                    Q_EMIT self->loaded(nameOrPath, bundle);
                else
                    Q_EMIT self->failed(nameOrPath, message);
            },
            Qt::QueuedConnection);
    });
}

void DatasetLoader::waitForIdle() {
    m_pool->waitForDone();
}

}  // namespace studio::app
