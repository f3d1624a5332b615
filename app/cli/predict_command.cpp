// training-studio-cli predict: classifies image files and folders with a saved model, through
// the same preprocessing the model was trained with (engine/infer/predictor.h), optionally
// writing a CSV of the results and a saliency heat map for one image (engine/infer/saliency.h).

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/predict_table.h"
#include "engine/infer/batch_predict.h"
#include "engine/infer/saliency.h"
#include "engine/io/model_file.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli predict --model FILE (IMAGE | FOLDER)... [options]
       training-studio-cli predict --model FILE TABLE.csv... [--top K] [--json] [--csv OUT.csv]

Classifies each image with a model saved by `train --save` (or the studio). The image is fitted
to the model's input size and normalized exactly as in training. A FOLDER stands for every image
in it (png jpg jpeg bmp tif tiff webp pgm ppm pbm), in name order.

Options:
  --model FILE             the .tsmodel file
  --top K                  how many classes to show per image (default 3)
  --json                   one line of JSON: {"model", "predictions": [{"image", "top": [{"class",
                           "index", "probability"}], "microseconds"} or {"image", "error"}],
                           "saliency": {"path", "method", "class", "index", "probability"}}
  --csv OUT.csv            also write the results as CSV: file,predicted,confidence,error
  --recursive              include the sub-folders of each FOLDER
  --threads N              threads for decoding and predicting (default: all cores)
  --saliency OUT.png       for a single IMAGE: write the image with a heat map of the pixels the
                           prediction depends on (bright = important), at the image's size
  --saliency-method M      occlusion (default): hide patches of the image, measure how much the
                           probability drops; gradient: |d probability / d pixel|
  --saliency-class C       the class to explain, by name or index (default: the predicted class)

A TABLE.csv holds rows to classify with a model trained on a table (or on a 2-D set): its
features are taken by column name when the first row names them (other columns, such as the
label, are ignored), else by position; they are standardized as in training. One line per row,
"TABLE line N: class probability, ..."; --json gives {"table", "line", "top"} per row and --csv
writes table,line,predicted,confidence. A missing or non-numeric cell fails with its line and
column.

One line per image: "IMAGE: class probability, ..." or "IMAGE: error: why". The exit code is 1
when any image could not be classified (the others are still shown and written), 2 for a usage
mistake.
)";

std::string oneLine(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::replace(s.begin(), s.end(), '\r', ' ');
    return s;
}

// A class given by name (first) or by index.
Result<int> resolveClass(const std::string& given, const ModelSnapshot& snapshot) {
    const auto& names = snapshot.classNames;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == given) return static_cast<int>(i);
    const int classes = snapshot.model.outputSize();
    int index = -1;
    const bool numeric = !given.empty() && given.size() < 9 &&
                         std::all_of(given.begin(), given.end(), [](unsigned char c) { return std::isdigit(c); });
    if (numeric) index = std::stoi(given);
    if (index >= 0 && index < classes) return index;
    std::string known;
    for (std::size_t i = 0; i < names.size() && i < 20; ++i) known += (i ? ", " : "") + names[i];
    if (names.size() > 20) known += ", …";
    return Error::invalid(
        "--saliency-class '" + given + "' is not a class of this model.",
        "Use a class name (" + known + ") or an index from 0 to " + std::to_string(classes - 1) + ".");
}

// Each argument: a folder → its images; anything else → itself (a missing file fails later,
// named, on its own line).
Result<std::vector<std::string>> expandArguments(const std::vector<std::string>& args, bool recursive) {
    std::vector<std::string> files;
    for (const std::string& arg : args) {
        std::error_code ec;
        if (!std::filesystem::is_directory(arg, ec)) {
            files.push_back(arg);
            continue;
        }
        auto listed = listImageFiles(arg, recursive);
        if (!listed) return listed.error();
        if (listed->empty())
            return Error::notFound(
                "The folder '" + arg + "' holds no images" + (recursive ? "." : " (sub-folders are not searched)."),
                "Images are png, jpg, jpeg, bmp, tif, tiff, webp, pgm, ppm or pbm files" +
                    std::string(recursive ? "." : "; add --recursive for sub-folders."));
        files.insert(files.end(), listed->begin(), listed->end());
    }
    return files;
}

}  // namespace

int predictCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--top", "--csv", "--threads", "--saliency", "--saliency-method", "--saliency-class"};
    spec.flags = {"--json", "--recursive"};
    spec.positionals = true;
    auto start = startCommand(args, spec, "predict", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto top = a.integer("--top", 3, 1, 100000);
    if (!top) return reportError(top.error());
    auto threads = a.integer("--threads", 0, 1, 1024);
    if (!threads) return reportError(threads.error());
    if (a.positionals().empty())
        return reportError(Error::invalid("No image was given to 'predict'.",
                                          "Add image files or folders after the options, e.g. shirt.png."));
    const bool saliency = a.has("--saliency");
    for (const char* needsIt : {"--saliency-method", "--saliency-class"})
        if (a.has(needsIt) && !saliency)
            return reportError(Error::invalid(std::string(needsIt) + " needs --saliency OUT.png.",
                                              "Add --saliency heatmap.png, or leave the option out."));
    auto method = parseSaliencyMethod(a.value("--saliency-method").value_or("occlusion"));
    if (!method)
        return reportError(Error::invalid("--saliency-method: " + method.error().message(), method.error().hint()));
    std::error_code ec;
    if (saliency && (a.positionals().size() != 1 || std::filesystem::is_directory(a.positionals()[0], ec)))
        return reportError(Error::invalid(
            "--saliency explains one image, not " + (a.positionals().size() != 1
                                                         ? std::to_string(a.positionals().size()) + " arguments."
                                                         : "the folder '" + a.positionals()[0] + "'."),
            "Give a single image file with --saliency."));

    auto snapshot = loadModelFile(*modelPath);
    if (!snapshot) return reportError(snapshot.error());
    const int classes = snapshot->model.outputSize();
    const int k = std::min(static_cast<int>(*top), classes);
    auto className = [&](int c) {
        return c < static_cast<int>(snapshot->classNames.size()) ? snapshot->classNames[static_cast<std::size_t>(c)]
                                                                 : std::to_string(c);
    };
    SaliencyOptions saliencyOptions;
    saliencyOptions.method = *method;
    if (auto given = a.value("--saliency-class")) {
        auto c = resolveClass(*given, *snapshot);
        if (!c) return reportError(c.error());
        saliencyOptions.targetClass = *c;
    }
    if (allTables(a.positionals())) return predictTables(a, *snapshot, *modelPath, k, static_cast<int>(*threads));
    auto files = expandArguments(a.positionals(), a.flag("--recursive"));
    if (!files) return reportError(files.error());

    ThreadPool pool(static_cast<int>(*threads));
    const std::vector<FileOutcome> outcomes = classifyFiles(*snapshot, *files, k, &pool);
    const bool json = a.flag("--json");
    nlohmann::json predictions = nlohmann::json::array();
    const FileOutcome* firstFailure = nullptr;
    int failures = 0;
    for (const FileOutcome& o : outcomes) {
        if (!o.ok()) {
            firstFailure = firstFailure ? firstFailure : &o;
            ++failures;
        }
        if (json) {
            if (!o.ok()) {
                predictions.push_back({{"image", o.path}, {"error", o.error}});
                continue;
            }
            nlohmann::json topJson = nlohmann::json::array();
            for (const auto& [c, prob] : o.prediction->top)
                topJson.push_back({{"class", className(c)}, {"index", c}, {"probability", prob}});
            predictions.push_back({{"image", o.path}, {"top", topJson}, {"microseconds", o.prediction->microseconds}});
        } else if (!o.ok()) {
            std::printf("%s: error: %s\n", o.path.c_str(), oneLine(o.error).c_str());
        } else {
            std::string line = o.path + ":";
            for (std::size_t i = 0; i < o.prediction->top.size(); ++i)
                line += (i == 0 ? " " : ", ") + className(o.prediction->top[i].first) + " " +
                        fixed(o.prediction->top[i].second, 4);
            std::printf("%s\n", line.c_str());
        }
    }

    if (auto csv = a.value("--csv")) {
        if (auto written = writePredictionsCsv(*csv, outcomes, snapshot->classNames); !written)
            return reportError(written.error());
    }

    nlohmann::json saliencyJson;
    if (saliency && outcomes.size() == 1 && outcomes[0].ok()) {
        const std::string out = a.value("--saliency").value_or("");
        auto image = readImageFile(outcomes[0].path);
        if (!image) return reportError(image.error());
        auto map = imageSaliency(*snapshot, *image, saliencyOptions, &pool);
        if (!map) return reportError(map.error());
        const SaliencyMap framed = mapToImageFrame(*map, snapshot->preprocessing, image->height, image->width);
        if (auto written = writePng(out, heatmapOverlay(*image, framed.values, framed.height, framed.width, 0.5f));
            !written)
            return reportError(written.error());
        saliencyJson = {{"path", out},
                        {"method", saliencyMethodName(map->method)},
                        {"class", className(map->targetClass)},
                        {"index", map->targetClass},
                        {"probability", map->probability},
                        {"microseconds", map->microseconds}};
        if (!json)
            std::printf("saliency (%s) of %s %s: %s\n", saliencyMethodName(map->method),
                        className(map->targetClass).c_str(), fixed(map->probability, 4).c_str(), out.c_str());
    }
    if (json) {
        nlohmann::json line = {{"model", *modelPath}, {"predictions", predictions}};
        if (!saliencyJson.is_null()) line["saliency"] = saliencyJson;
        printJsonLine(line);
    }
    std::fflush(stdout);
    if (failures == 0) return 0;
    if (failures == 1) {
        std::fprintf(stderr, "training-studio-cli: %s\n", oneLine(firstFailure->error).c_str());
    } else {
        std::fprintf(stderr, "training-studio-cli: %d of %zu images could not be classified; the first: %s\n", failures,
                     outcomes.size(), oneLine(firstFailure->error).c_str());
    }
    std::fflush(stderr);
    return kExitFailure;
}

}  // namespace studio::cli
