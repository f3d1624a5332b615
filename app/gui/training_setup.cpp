#include "app/gui/training_setup.h"

#include <algorithm>
#include <cmath>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "app/gui/engine_conversions.h"
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

Result<TrainingSetup> prepareFineTuning(std::shared_ptr<const DatasetBundle> data, SnapshotPtr model,
                                        const QVariantMap& settings, Correction correction) {
    const Shape& shape = data->pool.sampleShape();
    const DecodedImage fitted = fitImage(correction.image, shape[0], shape[1], shape[2], correction.resize);
    auto grown = std::make_shared<DatasetBundle>(*data);
    grown->pool.addImage(fitted.chw.data(), correction.classIndex);
    const int mustTrain = grown->pool.size() - 1;
    if (!correction.source.empty()) grown->pool.setSource(mustTrain, correction.source);
    data = std::move(grown);
    auto setup = prepareTrainingSetup(std::move(data), model->model.spec(), settings);
    if (!setup) return setup;
    auto drop = [mustTrain](std::vector<int>& v) { v.erase(std::remove(v.begin(), v.end(), mustTrain), v.end()); };
    drop(setup->split.validation);
    if (setup->split.testFromPool) drop(setup->split.test);
    auto& train = setup->split.train;
    if (std::find(train.begin(), train.end(), mustTrain) == train.end())
        train.insert(std::upper_bound(train.begin(), train.end(), mustTrain), mustTrain);  // stays sorted
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
