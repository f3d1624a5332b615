#include "engine/train/trainer.h"

#include "engine/deploy/backbone.h"
#include "engine/train/distillation_teacher.h"
#include "engine/train/option_schema.h"
#include "engine/train/training_run.h"

#include <new>

namespace studio {

namespace {

// Everything that can be checked before a thread starts, with messages that name the thing.
Status checkSetup(const TrainingSetup& setup) {
    STUDIO_TRY(setup.config.validate());
    if (!setup.data) return Error::invalid("No dataset was given for training.", "Load a dataset first.");
    const Dataset& pool = setup.data->pool;
    if (pool.size() == 0 || pool.classCount() < 2)
        return Error::invalid("Dataset '" + pool.name() + "' has " + std::to_string(pool.size()) + " samples in " +
                                  std::to_string(pool.classCount()) + " classes.",
                              "Training needs samples of at least two classes.");
    if (setup.split.train.empty())
        return Error::invalid("The training split of dataset '" + pool.name() + "' is empty.",
                              "Lower the validation and test fractions or add samples.");
    for (const auto* part : {&setup.split.train, &setup.split.validation})
        for (int i : *part) STUDIO_ASSERT(i >= 0 && i < pool.size(), "DataSplit index outside the dataset");
    if (!setup.split.testFromPool && !setup.split.test.empty())
        STUDIO_ASSERT(setup.data->test.has_value(), "DataSplit refers to a missing official test set");
    return Status::success();
}

Status checkAgainstData(const Model& model, const Dataset& pool) {
    if (model.inputShape() != pool.sampleShape())
        return Error::invalid(
            "The model takes inputs of " + shapeToString(model.inputShape()) + " but dataset '" + pool.name() +
                "' has samples of " + shapeToString(pool.sampleShape()) + ".",
            "Set the model's \"input\" to " + shapeToString(pool.sampleShape()) + " or choose a matching dataset.");
    if (model.outputSize() != pool.classCount())
        return Error::invalid("The model has " + std::to_string(model.outputSize()) + " outputs but dataset '" +
                                  pool.name() + "' has " + std::to_string(pool.classCount()) + " classes.",
                              "Let the last dense layer have \"units\": \"classes\".");
    return Status::success();
}

// A head behind a frozen backbone: the backbone takes the pool's images, the head its features.
Status checkBackbone(const Model& head, const TrainingSetup& setup) {
    const Backbone& backbone = *setup.backbone;
    const Dataset& pool = setup.data->pool;
    if (pool.storage() != Dataset::Storage::Pixels8 || pool.sampleShape() != backbone.inputShape())
        return Error::invalid("The backbone '" + backbone.label() + "' takes " +
                                  shapeToString(backbone.inputShape()) + " images but dataset '" + pool.name() +
                                  "' has samples of " + shapeToString(pool.sampleShape()) + ".",
                              "Load the data at the backbone's image size and channels.");
    STUDIO_ASSERT(setup.preprocessing && setup.preprocessing->inputShape == pool.sampleShape(),
                  "Trainer: a backbone run needs the images' preprocessing");
    if (head.inputShape() != Shape{backbone.featureSize()})
        return Error::invalid("The head takes inputs of " + shapeToString(head.inputShape()) + " but the backbone '" +
                                  backbone.label() + "' gives " + std::to_string(backbone.featureSize()) +
                                  " features.",
                              "Build the head for " + std::to_string(backbone.featureSize()) + " inputs.");
    if (setup.config.distillation.active())
        return Error::invalid("Distillation does not go with a frozen backbone yet.",
                              "Train the head without --teacher.");
    return checkAgainstData(head, Dataset::features(pool.name(), backbone.featureSize(), pool.classNames()));
}

// A distilled run's teacher, loaded here so a missing or unfit file is refused before anything
// starts. A resumed run distils as its checkpoint's config says.
Status prepareTeacher(TrainingSetup& setup) {
    DistillationConfig distillation = setup.config.distillation;
    if (setup.resume) {
        auto resumed = TrainConfig::fromJson(setup.resume->config);
        if (!resumed) return resumed.error();
        distillation = resumed->distillation;
    }
    if (!distillation.active()) {
        setup.teacher.reset();
        return Status::success();
    }
    if (setup.teacher) return Status::success();
    auto teacher = loadDistillationTeacher(distillation.teacher, setup.data->pool);
    if (!teacher) return teacher.error();
    setup.teacher = std::move(*teacher);
    return Status::success();
}

}  // namespace

Trainer::~Trainer() {
    stop();
    wait();
}

Status Trainer::start(TrainingSetup setup) {
    if (m_running.load())
        return Error::invalid("A training is already running.", "Stop it before starting another one.");
    wait();  // a previous run's thread has pushed its final event; collect it

    STUDIO_TRY(checkSetup(setup));
    std::optional<Model> model;
    if (setup.initialModel) {
        model = std::move(*setup.initialModel);
        setup.initialModel.reset();
    } else {
        auto built = Model::build(setup.spec);
        if (!built) return built.error();
        model = std::move(*built);
        model->initialize(setup.config.seed);
    }
    STUDIO_TRY(setup.backbone ? checkBackbone(*model, setup) : checkAgainstData(*model, setup.data->pool));
    STUDIO_TRY(prepareTeacher(setup));

    m_control.reset();
    publish(nullptr);
    m_running = true;
    auto run = std::make_shared<TrainingRun>(std::move(setup), std::move(*model), m_control, m_queue,
                                             [this](SnapshotPtr s) { publish(std::move(s)); });
    m_thread = std::thread([this, run] {
        // An exception escaping a thread aborts the process; running out of memory mid-run
        // (the TBB tasks rethrow it here) ends the run with a Failed event instead.
        try {
            run->run();
        } catch (const std::bad_alloc&) {
            m_queue.push(Failed{Error::io("Out of memory while training.",
                                          "Use a smaller batch size, model or dataset, or close other programs.")});
        }
        m_running = false;
    });
    return Status::success();
}

void Trainer::pause() {
    m_control.pause();
}
void Trainer::resume() {
    m_control.resume();
}
void Trainer::stop() {
    m_control.requestStop();
}

Status Trainer::setOption(const std::string& key, const nlohmann::json& value) {
    const OptionInfo* option = findOption(key);
    if (!option)
        return Error::invalid("Unknown option '" + key + "'.",
                              "See `training-studio-cli train --help` for the options.");
    if (!option->liveEditable)
        return Error::invalid("Option '" + option->key + "' cannot change while a run trains.",
                              "Stop the run and fork it from an epoch with the new value.");
    STUDIO_TRY(checkOption(*option, value));
    m_control.requestEdit(option->key, value);
    return Status::success();
}

void Trainer::wait() {
    if (m_thread.joinable()) m_thread.join();
}

SnapshotPtr Trainer::snapshot() const {
    std::lock_guard lock(m_snapshotMutex);
    return m_snapshot;
}

void Trainer::publish(SnapshotPtr snapshot) {
    std::lock_guard lock(m_snapshotMutex);
    m_snapshot = std::move(snapshot);
}

Result<TrainingOutcome> trainToEnd(TrainingSetup setup, const std::function<void(const TrainingEvent&)>& onEvent,
                                   const std::function<void(Trainer*)>& attach) {
    Trainer trainer;
    STUDIO_TRY(trainer.start(std::move(setup)));
    if (attach) attach(&trainer);
    struct Detach {
        const std::function<void(Trainer*)>& f;
        ~Detach() {
            if (f) f(nullptr);
        }
    } detach{attach};
    TrainingOutcome outcome;
    std::optional<Error> error;
    for (bool done = false; !done;) {
        for (TrainingEvent& event : trainer.events().waitAndDrain(std::chrono::milliseconds(100))) {
            if (onEvent) onEvent(event);
            if (auto* s = std::get_if<RunStarted>(&event)) outcome.started = std::move(*s);
            if (auto* e = std::get_if<EpochMetrics>(&event)) outcome.epochs.push_back(*e);
            if (auto* f = std::get_if<Finished>(&event)) outcome.finished = std::move(*f);
            if (auto* f = std::get_if<Failed>(&event)) error = f->error;
            if (auto* s = std::get_if<Stopped>(&event))
                error =
                    Error(Error::Kind::Cancelled, "Training was stopped at epoch " + std::to_string(s->epoch) + ".");
            done = done || isFinal(event);
        }
    }
    trainer.wait();
    if (error) return *error;
    outcome.snapshot = trainer.snapshot();
    return outcome;
}

}  // namespace studio
