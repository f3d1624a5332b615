#pragma once
// Turning the studio's project into the engine's TrainingSetup: the split, the preprocessing
// fitted on the training part, the architecture and the config. Runs on a worker thread
// (fitting the normalization reads every training pixel).

#include <memory>

#include <QString>
#include <QVariantMap>

#include "engine/core/result.h"
#include "engine/nn/model_spec.h"
#include "engine/train/trainer.h"

namespace studio::app {

/// `settings` are the project's (both forms); `spec` is resolved for the data already.
Result<TrainingSetup> prepareTrainingSetup(std::shared_ptr<const DatasetBundle> data, const ModelSpec& spec,
                                           const QVariantMap& settings);

/// Fine-tuning `model` on `data`: the split and config of `settings` (epochs as given), the
/// model's own weights and preprocessing, and sample `mustTrain` (a correction) in the training
/// part whichever part the split put it in.
Result<TrainingSetup> prepareFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model,
                                        const QVariantMap& settings, int mustTrain);

/// Steps in one epoch for `settings` on `data` (for the schedule preview), without splitting.
int estimatedStepsPerEpoch(const DatasetBundle& data, const QVariantMap& settings);

}  // namespace studio::app
