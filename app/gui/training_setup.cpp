#include "app/gui/training_setup.h"

#include <algorithm>
#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "app/gui/engine_conversions.h"
#include "engine/core/rng.h"
#include "engine/store/experiment.h"
#include "engine/train/distillation_teacher.h"

namespace studio::app {

namespace {

// A distilled run's teacher is read here, on the worker that prepares the run, so Start never
// reads a model file on the GUI thread (Trainer::start takes a teacher it is given as it is).
Status loadTeacher(TrainingSetup& setup) {
    const DistillationConfig& distillation = setup.config.distillation;
    if (!distillation.active() || setup.teacher) return Status::success();
    auto teacher = loadDistillationTeacher(distillation.teacher, setup.data->pool);
    if (!teacher) return teacher.error();
    setup.teacher = std::move(*teacher);
    return Status::success();
}

}  // namespace

Result<TrainingSetup> prepareTrainingSetup(std::shared_ptr<const DatasetBundle> data, const ModelSpec& spec,
                                           const QVariantMap& settings) {
    if (!data) return Error::invalid("No dataset is loaded.", "Choose a dataset in the Data panel first.");
    auto config = trainConfigFrom(settings);
    if (!config) return config.error();
    TrainingSetup setup;
    setup.split = splitDataset(*data, config->validationFraction, config->testFraction, config->seed);
    if (setup.split.train.empty())
        return Error::invalid("The split leaves no training samples.", "Lower the validation and test fractions.");
    Preprocessing prep =
        normalizationEnabled(settings)
            ? Preprocessing::fitted(data->pool, setup.split.train)
            : Preprocessing::identity(data->pool.sampleShape(), data->pool.storage() == Dataset::Storage::Pixels8);
    prep.resize = toStdString(settings.value("resize", "stretch").toString());
    setup.preprocessing = std::move(prep);
    setup.data = std::move(data);
    setup.spec = spec;
    setup.config = *config;
    STUDIO_TRY(loadTeacher(setup));
    return setup;
}

Result<StudioRun> prepareRecordedRun(const std::string& storePath, std::shared_ptr<const DatasetBundle> data,
                                     const std::string& datasetSource, const ModelSpec& spec,
                                     const std::string& modelLabel, const QVariantMap& settings,
                                     const std::optional<BackboneChoice>& backbone) {
    if (!data) return Error::invalid("No dataset is loaded.", "Choose a dataset in the Data panel first.");
    auto store = openRunStore(storePath);
    if (!store) return store.error();
    NewRun request;
    request.dataset = datasetSource;
    request.model = modelLabel;
    request.spec = spec;
    request.options = optionsFrom(settings);
    if (backbone) request.name = modelLabel + " on " + data->pool.name() + " (backbone " + backbone->path + ")";
    // The data is loaded already: every run of the studio trains on exactly what the panel shows.
    auto prepared = prepareNewRun(**store, request, [&](const std::string&, const DatasetOptions&) {
        return Result<std::shared_ptr<const DatasetBundle>>(data);
    });
    if (!prepared) return prepared.error();
    if (prepared->setup.split.train.empty())
        return Error::invalid("The split leaves no training samples.", "Lower the validation and test fractions.");
    STUDIO_TRY(loadTeacher(prepared->setup));
    if (backbone) {
        TrainingSetup& setup = prepared->setup;
        auto ready = backboneForRun(*backbone, *setup.data, setup.split.train, normalizationEnabled(settings),
                                    setup.config.threads);
        if (!ready) return ready.error();
        setup.preprocessing = std::move(ready->imagePreprocessing);
        setup.backbone = std::move(ready->backbone);
    }
    auto recorder = RunRecorder::open(storePath, prepared->record, prepared->keepCheckpoints);
    if (!recorder) return recorder.error();
    return StudioRun{std::move(prepared->setup), std::shared_ptr<RunRecorder>(std::move(*recorder))};
}

Result<Correction> makeCorrection(const std::shared_ptr<const DatasetBundle>& data, const ModelSnapshot& model,
                                  const DecodedImage& image, const QString& path, int classIndex,
                                  const QString& datasetRoot, const QString& resize) {
    if (!data || data->pool.storage() != Dataset::Storage::Pixels8)
        return Error::invalid("Corrections need an image dataset.", "Load the dataset the model was trained on.");
    const Dataset& pool = data->pool;
    // With a frozen backbone the model takes what its preprocessing prepares; its head reads features.
    const Shape& input = model.backbone ? model.preprocessing.inputShape : model.model.inputShape();
    if (input != pool.sampleShape() || model.model.outputSize() != pool.classCount())
        return Error::invalid("The model does not fit the dataset shown (" + pool.name() + ").",
                              "Load the dataset it was trained on before correcting its predictions.");
    if (classIndex < 0 || classIndex >= pool.classCount())
        return Error::invalid("There is no class " + std::to_string(classIndex) + ".", "Choose one of the classes.");
    Correction correction;
    correction.image = image;
    correction.classIndex = classIndex;
    correction.resize = toStdString(resize);
    if (QFileInfo(datasetRoot).isDir() && !path.isEmpty()) {
        const QFileInfo source(path);
        const QDir classDir(QDir(datasetRoot).filePath(toQString(pool.classNames()[std::size_t(classIndex)])));
        QString target = classDir.filePath(source.fileName());
        for (int n = 2; QFileInfo::exists(target); ++n)
            target = classDir.filePath(
                QStringLiteral("%1-%2.%3").arg(source.completeBaseName()).arg(n).arg(source.suffix()));
        if (!QFile::copy(path, target))
            return Error::io("Could not copy " + toStdString(path) + " into " + toStdString(classDir.path()) + ".",
                             "Check that the dataset folder is writable.");
        correction.source = toStdString(target);
    }
    return correction;
}

namespace {

// Up to `perClass` of `indices` per class, chosen by a seeded permutation, sorted ascending.
std::vector<int> samplePerClass(const Dataset& pool, const std::vector<int>& indices, int perClass,
                                std::uint64_t seed, std::uint64_t stream) {
    Rng rng = Rng::forStream(seed, RngPurpose::Split, stream);
    const std::vector<int> order = rng.permutation(static_cast<int>(indices.size()));
    std::vector<int> taken(static_cast<std::size_t>(pool.classCount()), 0);
    std::vector<int> out;
    for (int i : order) {
        const int index = indices[static_cast<std::size_t>(i)];
        int& n = taken[static_cast<std::size_t>(pool.label(index))];
        if (n < perClass) {
            ++n;
            out.push_back(index);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

Result<TrainingSetup> prepareFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model,
                                        const QVariantMap& settings, Correction correction) {
    const Shape& shape = data->pool.sampleShape();
    const DecodedImage fitted = fitImage(correction.image, shape[0], shape[1], shape[2], correction.resize);
    auto grown = std::make_shared<DatasetBundle>(*data);
    grown->pool.addImage(fitted.chw.data(), correction.classIndex);
    const int corrected = grown->pool.size() - 1;
    if (!correction.source.empty()) grown->pool.setSource(corrected, correction.source);
    data = std::move(grown);
    auto setup = prepareTrainingSetup(std::move(data), model->model.spec(), settings);
    if (!setup) return setup;
    const Dataset& pool = setup->data->pool;
    const std::uint64_t seed = setup->config.seed;
    DataSplit& split = setup->split;
    auto without = [corrected](std::vector<int> v) {
        v.erase(std::remove(v.begin(), v.end(), corrected), v.end());
        return v;
    };
    // The corrected image, several times an epoch, among a replay sample of every class, so a few
    // steps teach it without unlearning the rest; a small validation sample keeps epochs short.
    std::vector<int> train = samplePerClass(pool, without(split.train), kCorrectionReplayPerClass, seed, 1);
    train.insert(train.end(), kCorrectionCopies, corrected);
    std::sort(train.begin(), train.end());
    split.train = std::move(train);
    split.validation = samplePerClass(pool, without(split.validation), kCorrectionValidationPerClass, seed, 2);
    split.test.clear();  // the Evaluation tab scores the fine-tuned model on the whole test set itself
    setup->config.batchSize = std::min(setup->config.batchSize, kCorrectionBatch);
    setup->config.schedule.baseLr *= kCorrectionLearningRate;
    setup->config.earlyStopping.patience = 0;
    setup->initialModel = model->model;
    setup->preprocessing = model->preprocessing;
    setup->backbone = model->backbone;  // the head fine-tunes on the backbone's features of every batch
    return setup;
}

int estimatedStepsPerEpoch(const DatasetBundle& data, const QVariantMap& settings) {
    auto config = trainConfigFrom(settings);
    if (!config) return 1;
    double heldOut = config->validationFraction + (data.test ? 0.0 : config->testFraction);
    const double train = std::max(1.0, data.pool.size() * (1.0 - std::min(heldOut, 0.95)));
    return std::max(1, int(std::ceil(train / std::max(1, config->batchSize))));
}

}  // namespace studio::app
