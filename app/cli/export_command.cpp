// training-studio-cli export: a saved model as ONNX, verified. The file is exported, reloaded
// with ONNX's checker and OpenCV DNN, and up to 2,000 of the model's own test images run through
// both our engine and OpenCV DNN; OUT.onnx is written only when that parity check passes.

#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_report.h"
#include "engine/deploy/verified_onnx_export.h"
#include "engine/io/model_file.h"
#include "engine/infer/trained_dataset.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli export --model FILE --onnx OUT.onnx [options]

Exports a saved model to ONNX (opset 13: float32 N×C×H×W pixels in [0,1] in, the model's
normalization inside, class probabilities out; class names, input size, channels, resize mode
and the training summary in metadata_props) and checks it: the ONNX checker and OpenCV DNN
reload the file, and up to 2,000 of the model's own test images (its dataset's official test set,
else the test split it was trained with) run through both the engine and OpenCV DNN.
OUT.onnx is written only when the check passes: max |Δ probability| ≤ 1e-4 and no top-1
difference except where the engine's top two probabilities are within 1e-4. Otherwise the exit
code is 1 and OUT.onnx is left as it was.

Options:
  --model FILE           the .tsmodel file
  --onnx OUT.onnx        where to write the ONNX model
  --dataset NAME|PATH    the images to check on (default: the dataset the model was trained on)
  --samples N            size of a generated dataset (default: as when the model was trained)
  --image-size N         side length for image folders (default: as when trained)
  --threads N            dataset decoding threads (default 0 = all cores)
  --skipped FILE         write every dataset file that was skipped, with the reason
  --json                 one line of JSON: path, written, passed, top1_agreement, max_abs_diff,
                         images, opset, checked_on, bytes, seconds, verdict
)";

}  // namespace

int exportCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--onnx", "--dataset", "--samples", "--image-size", "--threads", "--skipped"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "export", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto out = a.required("--onnx", "model.onnx");
    if (!out) return reportError(out.error());
    if (auto s = checkSaveTarget(*out); !s) return reportError(s.error());
    auto threads = a.integer("--threads", 0, 0, 1024);
    if (!threads) return reportError(threads.error());

    auto snapshot = loadModelFile(*modelPath);
    if (!snapshot) return reportError(snapshot.error());
    auto loading = modelDatasetOptions(a, *snapshot, static_cast<int>(*threads));
    if (!loading) return reportError(loading.error());
    const DatasetOptions& options = *loading;
    const std::string datasetName = a.value("--dataset").value_or(trainedDatasetName(*snapshot));
    if (datasetName.empty())
        return reportError(Error::invalid("Model '" + *modelPath + "' does not say which dataset it was trained on.",
                                          "Give the images to check the export on with --dataset NAME|PATH."));
    auto bundle = loadDatasetReporting(datasetName, options);
    if (!bundle) return reportError(bundle.error());

    auto result = exportOnnxVerified(*snapshot, *bundle, *out);
    if (!result) return reportError(result.error());
    const OnnxParityReport& p = result->parity;

    if (a.flag("--json")) {
        printJsonLine({{"model", *modelPath},
                       {"path", *out},
                       {"written", result->written},
                       {"passed", p.passed},
                       {"top1_agreement", p.top1Agreement},
                       {"top1_agreements", p.top1Agreements},
                       {"decisive_mismatches", p.decisiveMismatches},
                       {"max_abs_diff", numberOrNull(p.maxAbsDiff)},
                       {"images", p.images},
                       {"opset", p.opset},
                       {"checked_on", result->checkedOn},
                       {"bytes", result->bytes},
                       {"seconds", p.seconds},
                       {"verdict", p.verdict}});
    } else {
        std::printf("checked on %s: %d images, opset %d, %.1f s\n", result->checkedOn.c_str(), p.images, p.opset,
                    p.seconds);
        std::printf("top-1 agreement %s (%d/%d), max |Δp| %s\n", fixed(p.top1Agreement, 4).c_str(), p.top1Agreements,
                    p.images, general(p.maxAbsDiff).c_str());
        std::printf("%s\n", p.verdict.c_str());
        if (result->written)
            std::printf("wrote %s (%zu bytes)\n", out->c_str(), result->bytes);
    }
    std::fflush(stdout);
    if (!result->written)
        return reportError(Error::numerical("The ONNX export of '" + *modelPath + "' failed its parity check, so '" +
                                                *out + "' was not written. " + p.verdict,
                                            "Report it with the .tsmodel file; a model whose weights overflow "
                                            "(non-finite probabilities) must be retrained."));
    return 0;
}

}  // namespace studio::cli
