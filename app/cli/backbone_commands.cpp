// training-studio-cli train --backbone B.onnx: a head trained on a frozen ONNX backbone's cached
// features (engine/deploy/backbone_training.h), saved as one model file with the backbone inside;
// and backbone-layers: the layers of an ONNX file as OpenCV DNN builds them, to choose
// --feature-layer.

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "app/cli/arguments.h"
#include "app/cli/backbone_commands.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_report.h"
#include "engine/deploy/backbone.h"
#include "engine/deploy/backbone_training.h"
#include "engine/train/option_schema.h"

namespace studio::cli {

namespace {

const char* kLayersHelp = R"(Usage: training-studio-cli backbone-layers --backbone FILE.onnx [--input CxHxW] [--json]

Lists the layers of an ONNX network as OpenCV DNN builds them: name, type and output shape per
image, and the layer the studio suggests as features (the last pooling output). Pass a name to
train --backbone FILE.onnx --feature-layer NAME.

  --backbone FILE.onnx   the network
  --input CxHxW          the input size (default: the size the file declares), e.g. 3x224x224
  --json                 one line of JSON: {"backbone", "input", "suggested", "layers": [{name,
                         type, shape, features}]}
)";

// --backbone-mean 0.485,0.456,0.406 → floats; none when the flag is absent.
Result<std::vector<float>> floatList(const Arguments& a, const std::string& flag) {
    const auto text = a.value(flag);
    if (!text) return std::vector<float>{};
    return parseChannelValues(*text, flag);
}

// "3x224x224" → {3, 224, 224}.
Result<Shape> parseInput(const std::string& text) {
    Shape shape;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, 'x')) {
        try {
            std::size_t used = 0;
            const int v = std::stoi(item, &used);
            if (used != item.size() || v < 1 || v > 4096) throw std::invalid_argument(item);
            shape.push_back(v);
        } catch (const std::exception&) {
            shape.clear();
            break;
        }
    }
    if (shape.size() != 3)
        return Error::invalid("--input '" + text + "' is not channels×height×width.", "Write it as e.g. 3x224x224.");
    return shape;
}

std::string shapeText(const Shape& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
    return out;
}

// --augment: the run trains on the images, and the backbone, inside the run, turns every augmented
// batch into features on the shards' threads (TrainingSetup::backbone).
int trainAugmented(const Arguments& a, const std::string& storePath, std::unique_ptr<RunStore> store,
                   const NewRun& request, const BackboneChoice& choice, const nlohmann::json& options,
                   const TrainConfig& config) {
    auto images = reportingLoader()(request.dataset, datasetOptionsFromOptions(options));
    if (!images) return reportError(images.error());
    const DataSplit split = splitDataset(**images, config.validationFraction, config.testFraction, config.seed);
    auto prepared = backboneForRun(choice, **images, split.train, options.value("normalization", "") != "none",
                                   config.threads);
    if (!prepared) return reportError(prepared.error());
    const BackbonePtr& backbone = prepared->backbone;
    auto head = studio::resolveModelSpec(request.model, Shape{backbone->featureSize()}, (*images)->pool.classCount());
    if (!head) return reportError(head.error());
    NewRun run = request;
    run.spec = *head;
    if (run.name.empty()) run.name = request.model + " on " + request.dataset + " (backbone " + choice.path + ")";
    auto loaded = *images;
    auto ready = prepareNewRun(*store, run, [loaded](const std::string&, const DatasetOptions&) {
        return Result<std::shared_ptr<const DatasetBundle>>(loaded);
    });
    if (!ready) return reportError(ready.error());
    store.reset();
    ready->setup.preprocessing = prepared->imagePreprocessing;
    ready->setup.backbone = backbone;
    std::printf("Backbone %s: layer '%s' gives %d features per %s image; augmented batches go through it "
                "every epoch (%lld images to fit the feature normalization)\n",
                choice.path.c_str(), backbone->featureLayer().c_str(), backbone->featureSize(),
                shapeText(backbone->inputShape()).c_str(), static_cast<long long>(prepared->imagesComputed));
    std::fflush(stdout);
    return trainAndReport(storePath, std::move(*ready), a);
}

}  // namespace

int trainWithBackbone(const Arguments& a, const std::string& storePath, std::unique_ptr<RunStore> store,
                      const NewRun& request) {
    BackboneChoice choice;
    choice.path = *a.value("--backbone");
    choice.featureLayer = a.value("--feature-layer").value_or("");
    auto mean = floatList(a, "--backbone-mean");
    if (!mean) return reportError(mean.error());
    auto stddev = floatList(a, "--backbone-std");
    if (!stddev) return reportError(stddev.error());
    choice.mean = std::move(*mean);
    choice.stddev = std::move(*stddev);
    auto options = normalizeOptions(request.options);
    if (!options) return reportError(options.error());
    choice.resize = (*options).value("resize", "stretch");
    auto config = trainConfigFromOptions(*options);
    if (!config) return reportError(config.error());
    if (config->augment.any()) return trainAugmented(a, storePath, std::move(store), request, choice, *options, *config);

    BackboneTraining training(choice, reportingLoader(), (*options).value("threads", 0));
    NewRun run = request;
    if (run.name.empty()) run.name = request.model + " on " + request.dataset + " (backbone " + choice.path + ")";
    auto prepared = prepareNewRun(*store, run, training.featureLoader());
    if (!prepared) return reportError(prepared.error());
    store.reset();
    const BackbonePtr& backbone = training.backbone();
    std::printf("Backbone %s: layer '%s' gives %d features per %s image; %lld images through OpenCV DNN\n",
                choice.path.c_str(), backbone->featureLayer().c_str(), backbone->featureSize(),
                shapeText(backbone->inputShape()).c_str(), static_cast<long long>(training.cache()->computed()));
    std::fflush(stdout);
    return trainAndReport(storePath, std::move(*prepared), a,
                          [&](const ModelSnapshot& head) { return training.wholeModel(head); });
}

int backboneLayersCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--backbone", "--input"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "backbone-layers", kLayersHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto path = a.required("--backbone", "cnn.onnx");
    if (!path) return reportError(path.error());
    // Read through Backbone::fromFile's checks first: a missing or oversized file is named.
    std::vector<std::uint8_t> bytes;
    {
        std::FILE* f = std::fopen(path->c_str(), "rb");
        if (!f)
            return reportError(Error::notFound("Backbone file '" + *path + "' cannot be opened.",
                                               "Give the path of an .onnx file."));
        std::uint8_t buffer[1 << 16];
        std::size_t n;
        while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0 && bytes.size() <= kMaxBackboneBytes)
            bytes.insert(bytes.end(), buffer, buffer + n);
        std::fclose(f);
        if (bytes.size() > kMaxBackboneBytes)
            return reportError(Error::unsupported("Backbone file '" + *path + "' is larger than 1 GiB.",
                                                  "Choose a smaller network."));
    }
    Shape input;
    if (const auto given = a.value("--input")) {
        auto shape = parseInput(*given);
        if (!shape) return reportError(shape.error());
        input = *shape;
    } else {
        auto declared = Backbone::declaredInputShape(bytes, *path);
        if (!declared) return reportError(declared.error());
        input = *declared;
        for (int d : input)
            if (d == 0)
                return reportError(Error::invalid("The backbone '" + *path + "' leaves its input size open (" +
                                                      shapeText(input) + ", 0 = any).",
                                                  "Give it with --input, e.g. --input 3x224x224."));
    }
    auto layers = Backbone::listLayers(bytes, *path, input);
    if (!layers) return reportError(layers.error());
    const std::string suggested = Backbone::suggestedFeatureLayer(*layers);
    if (a.flag("--json")) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& l : *layers)
            list.push_back({{"name", l.name}, {"type", l.type}, {"shape", l.outputShape}, {"features", l.features}});
        printJsonLine({{"backbone", *path}, {"input", input}, {"suggested", suggested}, {"layers", list}});
        return 0;
    }
    std::printf("%s: %zu layers for %s inputs (output per image)\n", path->c_str(), layers->size(),
                shapeText(input).c_str());
    for (const auto& l : *layers)
        std::printf("  %-40s %-14s %-14s %9d%s\n", l.name.c_str(), l.type.c_str(), shapeText(l.outputShape).c_str(),
                    l.features, l.name == suggested ? "  <- suggested features" : "");
    return 0;
}

}  // namespace studio::cli
