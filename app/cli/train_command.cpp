// training-studio-cli train: trains a preset or spec on a dataset as a run recorded in the run
// store, one line per epoch, optionally a final JSON line and a saved model file; or resumes a
// recorded run (--resume RUN_ID).

#include <algorithm>
#include <cstdio>
#include <string>

#include "app/cli/arguments.h"
#include "app/cli/backbone_commands.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/option_flags.h"
#include "app/cli/run_report.h"
#include "engine/data/synthetic.h"
#include "engine/nn/model_spec.h"
#include "engine/store/experiment.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

namespace studio::cli {

namespace {

const char* kHelpHead = R"(Usage: training-studio-cli train --dataset NAME|PATH --model PRESET|SPEC.json [options]
       training-studio-cli train --resume RUN_ID [--epochs N] [--threads N] [--store PATH]

Trains a network on the CPU as a run kept in the run store, and reports one line per epoch.
Every epoch ends with a checkpoint, so a stopped, killed or finished run can go on (--resume)
with the weights it would have had without the interruption.

Required:
  --dataset NAME|PATH         shapes, spirals, circles, xor, gauss, fashion-mnist, or a path
                              (IDX file or folder, CIFAR-10 batches, image folder root/<class>/<image>,
                              or a TABLE.csv of numeric columns and a label column: see
                              --label-column and --csv-header below)
  --model PRESET|FILE         mlp, lenet, cnn, cnn-bn, or a JSON model spec; a preset brings
                              the training options it is tuned with (below), which flags override
)";

// "  cnn-bn   --epochs 4 --lr 0.003 --schedule cosine ..." for each preset.
std::string presetOptionsHelp() {
    std::string out = "\nTuned options of the presets (used where no flag gives the option):\n";
    for (const auto& preset : presetNames()) {
        std::string line = "  " + preset;
        line.resize(std::max<std::size_t>(line.size() + 1, 10), ' ');
        const auto tuned = presetTrainingOptions(preset);
        for (auto it = tuned.begin(); it != tuned.end(); ++it) {
            const OptionInfo* o = findOption(it.key());
            line += " " + (o ? o->flag() : it.key()) + " " +
                    (it.value().is_string() ? it.value().get<std::string>() : it.value().dump());
        }
        out += line + "\n";
    }
    out += "\nOptions the 2-D teaching sets need to be learnt (over the preset's, where no flag gives them):\n";
    for (const GeneratedSetInfo& set : generatedSets()) {
        const auto tuned = datasetTrainingOptions(set.name);
        if (tuned.empty()) continue;
        std::string line = "  " + set.name;
        line.resize(std::max<std::size_t>(line.size() + 1, 10), ' ');
        for (auto it = tuned.begin(); it != tuned.end(); ++it) {
            const OptionInfo* o = findOption(it.key());
            line += " " + (o ? o->flag() : "--" + it.key()) + " " + it.value().dump();
        }
        out += line + "\n";
    }
    return out;
}

const char* kHelpTail = R"(
Runs:
  --store PATH                the run store (SQLite; default $TRAINING_STUDIO_STORE or
                              ~/.local/share/training-studio/runs.sqlite)
  --name TEXT                 the run's name (default "<model> on <dataset>")
  --resume RUN_ID             go on with a stopped, interrupted or finished run from its last
                              checkpoint; with --epochs N it trains to N epochs in all

Output:
  --save FILE                 write the best model to FILE (.tsmodel); checked before training
  --skipped FILE              write every dataset file that was skipped, with the reason
                              (path TAB reason); stderr shows the count and the first five
  --boundary FILE.png         2-D data (spirals, circles, xor, gauss, 2-feature tables): draw
                              the best model's decision boundary with the training points
                              (discs) and the held-out ones (squares) as a PNG
  --json                      finish with one line of JSON: run_id, test_accuracy, val_accuracy,
                              train_samples_per_s, epochs, seconds, params, weights_sha256, ...

Frozen backbone (transfer learning): --model is then the head (mlp or a spec of dense,
dropout, batchnorm and activation layers), trained on the backbone's features, which are
computed once per image (with --augment, each augmented batch goes through the backbone on the
training threads); --save writes one file with the backbone inside.
  --backbone FILE.onnx        an ONNX network OpenCV DNN runs (e.g. a model exported with
                              `export`, or a MobileNetV2 from the ONNX model zoo); the data must
                              have its input size (--image-size, --channels for image folders)
  --feature-layer NAME        the layer whose output is the features (default: the last
                              pooling output; list them with `backbone-layers`)
  --backbone-mean M,M,M       the network's input normalization on [0,1] pixels, per channel
  --backbone-std S,S,S        (ImageNet networks: 0.485,0.456,0.406 and 0.229,0.224,0.225;
                              default none: a Training Studio export normalizes inside)
)";

}  // namespace

int trainCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = optionFlags();
    spec.valued.insert({"--dataset", "--model", "--save", "--store", "--name", "--resume", "--skipped", "--boundary"});
    spec.valued.insert(std::begin(kBackboneTrainFlags), std::end(kBackboneTrainFlags));
    spec.flags = {"--json"};
    auto start =
        startCommand(args, spec, "train", std::string(kHelpHead) + optionsHelp() + presetOptionsHelp() + kHelpTail);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    const std::string storePath = a.value("--store").value_or(defaultStorePath());
    if (const auto save = a.value("--save"))
        if (auto s = checkSaveTarget(*save); !s) return reportError(s.error());
    if (const auto boundary = a.value("--boundary"))
        if (auto s = checkSaveTarget(*boundary, "the decision boundary"); !s) return reportError(s.error());
    auto given = optionsFromArguments(a);
    if (!given) return reportError(given.error());

    auto store = openRunStore(storePath);
    if (!store) return reportError(store.error());

    if (a.has("--resume")) {
        for (auto it = given->begin(); it != given->end(); ++it)
            if (it.key() != "epochs" && it.key() != "threads")
                return reportError(
                    Error::invalid("Only --epochs and --threads go with --resume (a resumed run keeps its options).",
                                   "To change an option, fork the run: training-studio-cli fork RUN_ID --epoch K --" +
                                       it.key() + " …"));
        if (a.has("--dataset") || a.has("--model") || a.has("--name"))
            return reportError(Error::invalid("--dataset, --model and --name do not go with --resume.",
                                              "The run keeps its data and model."));
        auto runId = a.integer("--resume", 0, 1, 9007199254740991LL);
        if (!runId) return reportError(runId.error());
        std::optional<int> threads;
        if (given->contains("threads")) threads = (*given)["threads"].get<int>();
        auto prepared = prepareResume(**store, *runId, given->value("epochs", 0), threads, reportingLoader());
        if (!prepared) return reportError(prepared.error());
        store->reset();
        return trainAndReport(storePath, std::move(*prepared), a);
    }

    auto datasetName = a.required("--dataset", "shapes");
    if (!datasetName) return reportError(datasetName.error());
    auto modelName = a.required("--model", "lenet");
    if (!modelName) return reportError(modelName.error());
    NewRun request;
    request.name = a.value("--name").value_or("");
    request.dataset = *datasetName;
    request.model = *modelName;
    request.options = *given;
    if (a.has("--backbone")) return trainWithBackbone(a, storePath, std::move(*store), request);
    auto prepared = prepareNewRun(**store, request, reportingLoader());
    if (!prepared) return reportError(prepared.error());
    store->reset();
    return trainAndReport(storePath, std::move(*prepared), a);
}

}  // namespace studio::cli
