// training-studio-cli train: trains a preset or spec on a dataset, one line per epoch,
// optionally a final JSON line and a saved model file.

#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/core/parallel.h"
#include "engine/io/model_file.h"
#include "engine/train/trainer.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli train --dataset NAME|PATH --model PRESET|SPEC.json [options]

Trains a network on the CPU and reports one line per epoch.

Required:
  --dataset NAME|PATH     shapes, spirals, circles, xor, gauss, fashion-mnist, or a path
                          (IDX file or folder, CIFAR-10 batches, image folder root/<class>/<image>)
  --model PRESET|FILE     mlp, lenet, cnn, cnn-bn, or a JSON model spec

Training:
  --epochs N              epochs (default 10)
  --batch-size N          samples per step (default 64)
  --optimizer NAME        sgd, momentum, nesterov, adam, adamw, rmsprop (default adam)
  --lr X                  base learning rate (default 0.001)
  --weight-decay X        L2 (decoupled for adamw) (default 0)
  --momentum X            momentum/nesterov factor (default 0.9)
  --clip-norm X           clip the global gradient norm to X (default 0 = off)
  --schedule NAME         constant, step, exponential, cosine (default constant)
  --warmup-epochs N       linear warm-up epochs (default 0)
  --label-smoothing X     0 to 0.99 (default 0)
  --patience N            early stopping after N epochs without better validation loss (0 = off)
  --augment LIST          e.g. shift,flip,rotate=10,brightness,contrast,noise (default none)
  --val-split F           validation fraction (default 0.1)
  --test-split F          test fraction when the dataset has no official test set (default 0.1)
  --seed N                seed for initialization, split, shuffling, dropout, augmentation (default 1)
  --threads N             worker threads (default 0 = all cores)
  --shard-size N          samples per parallel shard; fixed, not derived from threads (default 32)

Data:
  --samples N             size of a generated dataset (default: the set's own)
  --image-size N          side length for image folders (default 32)

Output:
  --save FILE             write the best model to FILE (.tsmodel)
  --json                  finish with one line of JSON: test_accuracy, val_accuracy,
                          train_samples_per_s, epochs, seconds, params, weights_sha256, ...
)";

Result<TrainConfig> configFrom(const Arguments& a) {
    TrainConfig c;
#define STUDIO_CLI_GET(var, expr) \
    {                             \
        auto r = (expr);          \
        if (!r) return r.error(); \
        var = *r;                 \
    }
    STUDIO_CLI_GET(c.epochs, a.integer("--epochs", 10, 1, 100000));
    STUDIO_CLI_GET(c.batchSize, a.integer("--batch-size", 64, 1, 65536));
    STUDIO_CLI_GET(c.shardSize, a.integer("--shard-size", 32, 1, 65536));
    STUDIO_CLI_GET(c.schedule.baseLr, a.number("--lr", 1e-3, 1e-12, 100.0));
    STUDIO_CLI_GET(c.optimizer.weightDecay, a.number("--weight-decay", 0.0, 0.0, 10.0));
    STUDIO_CLI_GET(c.optimizer.momentum, a.number("--momentum", 0.9, 0.0, 0.999999));
    STUDIO_CLI_GET(c.optimizer.clipNorm, a.number("--clip-norm", 0.0, 0.0, 1e9));
    STUDIO_CLI_GET(c.schedule.warmupEpochs, a.integer("--warmup-epochs", 0, 0, 100000));
    STUDIO_CLI_GET(c.labelSmoothing, a.number("--label-smoothing", 0.0, 0.0, 0.99));
    STUDIO_CLI_GET(c.earlyStopping.patience, a.integer("--patience", 0, 0, 100000));
    STUDIO_CLI_GET(c.validationFraction, a.number("--val-split", 0.1, 0.0, 0.9));
    STUDIO_CLI_GET(c.testFraction, a.number("--test-split", 0.1, 0.0, 0.9));
    long long seed = 1;
    STUDIO_CLI_GET(seed, a.integer("--seed", 1, 0, 9007199254740991LL));
    c.seed = static_cast<std::uint64_t>(seed);
    STUDIO_CLI_GET(c.threads, a.integer("--threads", 0, 0, 1024));
#undef STUDIO_CLI_GET

    if (auto o = a.value("--optimizer")) {
        const auto kinds = OptimizerConfig::kinds();
        if (std::find(kinds.begin(), kinds.end(), *o) == kinds.end())
            return Error::invalid("Unknown --optimizer '" + *o + "'.",
                                  "Use sgd, momentum, nesterov, adam, adamw or rmsprop.");
        c.optimizer.kind = *o;
    }
    if (auto s = a.value("--schedule")) {
        const auto kinds = LrSchedule::kinds();
        if (std::find(kinds.begin(), kinds.end(), *s) == kinds.end())
            return Error::invalid("Unknown --schedule '" + *s + "'.", "Use constant, step, exponential or cosine.");
        c.schedule.kind = *s;
        if (*s == "exponential") c.schedule.gamma = 0.95f;
        if (*s == "step") c.schedule.stepEpochs = std::max(1, c.epochs / 3);
    }
    if (c.schedule.warmupEpochs >= c.epochs)
        return Error::invalid("Option --warmup-epochs (" + std::to_string(c.schedule.warmupEpochs) +
                                  ") must be smaller than --epochs (" + std::to_string(c.epochs) + ").",
                              "Use fewer warm-up epochs.");
    if (auto list = a.value("--augment")) {
        auto aug = AugmentConfig::parse(*list);
        if (!aug) return Error::invalid("Option --augment: " + aug.error().message(), aug.error().hint());
        c.augment = *aug;
    }
    if (c.validationFraction + c.testFraction >= 0.95)
        return Error::invalid("Options --val-split and --test-split together leave almost nothing to train on.",
                              "Keep their sum below 0.95.");
    STUDIO_TRY(c.validate());
    return c;
}

void printEpoch(const EpochMetrics& m, int epochs) {
    std::printf("epoch %*d/%d  train loss %s acc %s  val loss %s acc %s  %.0f samples/s  %.2f s\n",
                static_cast<int>(std::to_string(epochs).size()), m.epoch, epochs, fixed(m.trainLoss, 4).c_str(),
                fixed(m.trainAccuracy, 4).c_str(), fixed(m.validationLoss, 4).c_str(),
                fixed(m.validationAccuracy, 4).c_str(), m.samplesPerSecond, m.seconds);
    std::fflush(stdout);
}

}  // namespace

int trainCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {
        "--dataset",      "--model",    "--epochs",     "--batch-size", "--optimizer",     "--lr",
        "--weight-decay", "--momentum", "--clip-norm",  "--schedule",   "--warmup-epochs", "--label-smoothing",
        "--patience",     "--augment",  "--val-split",  "--test-split", "--seed",          "--threads",
        "--shard-size",   "--samples",  "--image-size", "--save"};
    spec.flags = {"--json"};
    auto parsed = Arguments::parse(args, spec, "train");
    if (!parsed) return reportError(parsed.error());
    const Arguments& a = *parsed;
    if (a.flag("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    auto datasetName = a.required("--dataset", "shapes");
    if (!datasetName) return reportError(datasetName.error());
    auto modelName = a.required("--model", "lenet");
    if (!modelName) return reportError(modelName.error());
    auto config = configFrom(a);
    if (!config) return reportError(config.error());
    auto samples = a.integer("--samples", 0, 0, 1000000);
    if (!samples) return reportError(samples.error());
    auto imageSize = a.integer("--image-size", 0, 0, 1024);
    if (!imageSize) return reportError(imageSize.error());
    const auto savePath = a.value("--save");

    DatasetOptions dataOptions;
    dataOptions.seed = config->seed;
    dataOptions.samples = static_cast<int>(*samples);
    dataOptions.imageSize = static_cast<int>(*imageSize);
    dataOptions.threads = config->threads;
    auto bundle = loadDatasetReporting(*datasetName, dataOptions);
    if (!bundle) return reportError(bundle.error());
    auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));
    auto modelSpec = resolveModelSpec(*modelName, data->pool);
    if (!modelSpec) return reportError(modelSpec.error());

    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config->validationFraction, config->testFraction, config->seed);
    setup.spec = *modelSpec;
    setup.config = *config;
    const int epochs = config->epochs;
    const int threads = config->threads > 0 ? config->threads : ThreadPool::hardwareThreads();
    auto outcome = trainToEnd(std::move(setup), [&](const TrainingEvent& event) {
        if (const auto* s = std::get_if<RunStarted>(&event)) {
            std::printf("Training %s on %s: %d train / %d validation / %d test samples, %lld parameters, %d thread%s\n",
                        modelSpec->name.empty() ? modelName->c_str() : modelSpec->name.c_str(),
                        data->pool.name().c_str(), s->trainSize, s->validationSize, s->testSize,
                        static_cast<long long>(s->params), threads, threads == 1 ? "" : "s");
            std::fflush(stdout);
        } else if (const auto* e = std::get_if<EpochMetrics>(&event)) {
            printEpoch(*e, epochs);
        }
    });
    if (!outcome) return reportError(outcome.error());
    const Finished& f = outcome->finished;
    if (f.reason == Finished::Reason::EarlyStopped)
        std::printf("Stopped early after epoch %d: no better validation for %d epochs.\n", f.epochs,
                    config->earlyStopping.patience);
    std::printf("Test accuracy %s (loss %s, %d samples) with the weights of epoch %d; %.1f s in all\n",
                fixed(f.testAccuracy, 4).c_str(), fixed(f.testLoss, 4).c_str(), f.testSize, f.bestEpoch, f.seconds);

    // Remember how the dataset was made so `evaluate` can rebuild the same split.
    ModelSnapshot snapshot = *outcome->snapshot;
    snapshot.metrics["dataset_options"] = {{"name", *datasetName},
                                           {"samples", dataOptions.samples},
                                           {"imageSize", dataOptions.imageSize},
                                           {"seed", dataOptions.seed}};
    if (savePath) {
        if (auto saved = saveModelFile(*savePath, snapshot); !saved) return reportError(saved.error());
        std::printf("Saved the model to %s\n", savePath->c_str());
    }
    std::fflush(stdout);

    if (a.flag("--json")) {
        const EpochMetrics last = outcome->epochs.empty() ? EpochMetrics{} : outcome->epochs.back();
        nlohmann::json j = {
            {"dataset", data->pool.name()},
            {"model", modelSpec->name.empty() ? *modelName : modelSpec->name},
            {"epochs", f.epochs},
            {"best_epoch", f.bestEpoch},
            {"stop_reason", Finished::reasonText(f.reason)},
            {"test_accuracy", numberOrNull(f.testAccuracy)},
            {"test_loss", numberOrNull(f.testLoss)},
            {"test_size", f.testSize},
            {"val_accuracy", numberOrNull(f.validationAccuracy)},
            {"val_loss", numberOrNull(f.validationLoss)},
            {"train_accuracy", numberOrNull(last.trainAccuracy)},
            {"train_loss", numberOrNull(last.trainLoss)},
            {"train_samples_per_s", f.trainSamplesPerSecond},
            {"train_size", outcome->started.trainSize},
            {"validation_size", outcome->started.validationSize},
            {"seconds", f.seconds},
            {"params", outcome->started.params},
            {"flops", outcome->started.flops},
            {"threads", threads},
            {"seed", config->seed},
            {"weights_sha256", weightsSha256(snapshot.model)},
        };
        if (savePath) j["saved"] = *savePath;
        printJsonLine(j);
    }
    return 0;
}

}  // namespace studio::cli
