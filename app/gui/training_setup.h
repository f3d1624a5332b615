#pragma once
// Turning the studio's project into the engine's TrainingSetup: the split, the preprocessing
// fitted on the training part, the architecture and the config. Runs on a worker thread
// (fitting the normalization reads every training pixel).

#include <memory>

#include <QString>
#include <QVariantMap>

#include <optional>

#include "engine/core/result.h"
#include "engine/data/image_io.h"
#include "engine/deploy/backbone_training.h"
#include "engine/nn/model_spec.h"
#include "engine/store/run_recorder.h"
#include "engine/train/trainer.h"

namespace studio::app {

/// `settings` are the project's (both forms); `spec` is resolved for the data already.
Result<TrainingSetup> prepareTrainingSetup(std::shared_ptr<const DatasetBundle> data, const ModelSpec& spec,
                                           const QVariantMap& settings);

/// What Start hands the training controller: the setup and, for a recorded run, its recorder.
struct StudioRun {
    TrainingSetup setup;
    std::shared_ptr<RunRecorder> recorder;  // null: not recorded (fine-tuning a correction)
};

/// Start in the studio: the same setup as prepareTrainingSetup, recorded as a new run in the
/// store at `storePath` (its row created, its recorder's thread started). `datasetSource` is
/// the name or path the data came from; `modelLabel` the preset or "custom". Runs on a worker.
/// With a `backbone`, `spec` is the head (its input the backbone's features): the frozen network
/// goes into the run and turns every (augmented) batch of images into features on the shards'
/// threads, and the run's snapshots are whole models with the network inside.
Result<StudioRun> prepareRecordedRun(const std::string& storePath, std::shared_ptr<const DatasetBundle> data,
                                     const std::string& datasetSource, const ModelSpec& spec,
                                     const std::string& modelLabel, const QVariantMap& settings,
                                     const std::optional<BackboneChoice>& backbone = std::nullopt);

/// A corrected prediction: the image and the class the user says it is.
struct Correction {
    DecodedImage image;
    int classIndex = 0;
    std::string source;              // where the file now lives in an image folder, or ""
    std::string resize = "stretch";  // how the image is fitted to the dataset's sample size
};

/// Checks that `image` can correct `model` on `data` (an image dataset the model fits, a class
/// index in range) and, for an image folder at `datasetRoot`, copies the file at `path` into
/// the class's folder (a new name when one exists), so the correction outlives the session.
/// Errors say what to do.
Result<Correction> makeCorrection(const std::shared_ptr<const DatasetBundle>& data, const ModelSnapshot& model,
                                  const DecodedImage& image, const QString& path, int classIndex,
                                  const QString& datasetRoot, const QString& resize);

/// The correction loop's sizes: the replayed samples per class, how often the corrected image
/// appears in an epoch, the validation sample per class, the largest batch, and the learning rate
/// as a fraction of the project's (at the full rate, lenet on shapes lost 4.5 test points after
/// one correction; at a tenth, 0.2 and less — tests/gui/tst_correction_loop).
inline constexpr int kCorrectionReplayPerClass = 96;
inline constexpr int kCorrectionCopies = 6;
inline constexpr int kCorrectionValidationPerClass = 32;
inline constexpr int kCorrectionBatch = 32;
inline constexpr float kCorrectionLearningRate = 0.1f;

/// Fine-tuning `model` after a correction, in seconds rather than minutes: a copy of the data with
/// the image appended (fitted to the sample size), the config of `settings` (epochs as given, no
/// early stopping, batches of at most kCorrectionBatch, the learning rate times
/// kCorrectionLearningRate), the model's own weights and
/// preprocessing, and a small training set — the corrected image kCorrectionCopies times among
/// kCorrectionReplayPerClass samples of every class from the split's training part (so the rest is
/// not unlearned) — validated on kCorrectionValidationPerClass per class and with no test part.
/// Seeded: the same correction gives the same weights. Requires: image data the model fits.
Result<TrainingSetup> prepareFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model,
                                        const QVariantMap& settings, Correction correction);

/// Steps in one epoch for `settings` on `data` (for the schedule preview), without splitting.
int estimatedStepsPerEpoch(const DatasetBundle& data, const QVariantMap& settings);

}  // namespace studio::app
