// training-studio-cli predict: classifies image files with a saved model, through the same
// preprocessing the model was trained with (engine/infer/predictor.h).

#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/infer/predictor.h"
#include "engine/io/model_file.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli predict --model FILE IMAGE... [--top K] [--json]

Classifies each image with a model saved by `train --save` (or the studio). The image is fitted
to the model's input size and normalized exactly as in training.

Options:
  --model FILE     the .tsmodel file
  --top K          how many classes to show per image (default 3)
  --json           one line of JSON: {"model", "predictions": [{"image", "top": [{"class",
                   "index", "probability"}], "microseconds"}]}
)";

}  // namespace

int predictCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--top"};
    spec.flags = {"--json"};
    spec.positionals = true;
    auto parsed = Arguments::parse(args, spec, "predict");
    if (!parsed) return reportError(parsed.error());
    const Arguments& a = *parsed;
    if (a.flag("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto top = a.integer("--top", 3, 1, 100000);
    if (!top) return reportError(top.error());
    if (a.positionals().empty())
        return reportError(Error::invalid("No image was given to 'predict'.",
                                          "Add one or more image paths after the options, e.g. shirt.png."));

    auto snapshot = loadModelFile(*modelPath);
    if (!snapshot) return reportError(snapshot.error());
    const int classes = snapshot->model.outputSize();
    const int k = std::min(static_cast<int>(*top), classes);
    auto className = [&](int c) {
        return c < static_cast<int>(snapshot->classNames.size()) ? snapshot->classNames[static_cast<std::size_t>(c)]
                                                                 : std::to_string(c);
    };

    nlohmann::json predictions = nlohmann::json::array();
    for (const std::string& image : a.positionals()) {
        auto p = predictFile(*snapshot, image, k);
        if (!p) return reportError(p.error());
        if (a.flag("--json")) {
            nlohmann::json topJson = nlohmann::json::array();
            for (const auto& [c, prob] : p->top)
                topJson.push_back({{"class", className(c)}, {"index", c}, {"probability", prob}});
            predictions.push_back({{"image", image}, {"top", topJson}, {"microseconds", p->microseconds}});
        } else {
            std::string line = image + ":";
            for (std::size_t i = 0; i < p->top.size(); ++i)
                line += (i == 0 ? " " : ", ") + className(p->top[i].first) + " " + fixed(p->top[i].second, 4);
            std::printf("%s\n", line.c_str());
        }
    }
    if (a.flag("--json")) printJsonLine({{"model", *modelPath}, {"predictions", predictions}});
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
