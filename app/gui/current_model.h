#pragma once
// CurrentModel: which model Try it, Evaluation, Deploy, Save and Export use — the newest snapshot
// of the training, or a model file the user loaded after it — and loading and saving model files.
// Saving runs on a worker thread; the result comes back as a message.

#include <QObject>
#include <QString>
#include <memory>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"
#include <nlohmann/json.hpp>

namespace studio::app {

class TrainingController;

class CurrentModel : public QObject {
    Q_OBJECT
public:
    CurrentModel(TrainingController* training, QObject* parent);

    /// The trainer's newest model, unless a model file was loaded after the last run started.
    SnapshotPtr model() const;
    /// The data `model` is scored on: a model from the run on the run's own data (its split and
    /// any corrected images), any other model on `shown`, the data the window shows.
    std::shared_ptr<const DatasetBundle> dataFor(const SnapshotPtr& model,
                                                 std::shared_ptr<const DatasetBundle> shown) const;

    /// Loads a .tsmodel; it becomes the current model. The error names the file.
    Status load(const QString& path);
    /// Saves the current model atomically, off the GUI thread. `datasetOptions` says how the data
    /// was made, so `evaluate` rebuilds the same test split (kept if the model already has one).
    void save(const QString& path, const nlohmann::json& datasetOptions);
    /// True when the current model exists only in memory: the result of a fine-tuning (Correct…),
    /// which the run store does not keep, not saved since. A loaded file, a recorded run's model
    /// (the store keeps its best model) and a saved model are kept.
    bool onlyInMemory() const;

Q_SIGNALS:
    void changed(studio::SnapshotPtr model);
    void error(const QString& message);
    void info(const QString& message);

private:
    TrainingController* m_training;
    SnapshotPtr m_loaded;
    bool m_preferLoaded = false;  // a model file was loaded after the last run started
    SnapshotPtr m_saved;          // the model last saved to a file
};

}  // namespace studio::app
