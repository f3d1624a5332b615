// training-studio-cli quantize: the INT8 variant of a saved model (engine/deploy/quantize.h),
// calibrated on N images of the training split it was trained with, saved as a format-2 model
// file with int8 weights; prints the float and INT8 test accuracy, their top-1 agreement and
// both file sizes.

#include <cstdio>
#include <filesystem>
#include <memory>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_report.h"
#include "engine/core/int8_gemm.h"
#include "engine/deploy/onnx_parity.h"
#include "engine/deploy/qdq_export.h"
#include "engine/deploy/quantize.h"
#include "engine/io/atomic_file.h"
#include "engine/io/model_file.h"
#include "engine/train/evaluator.h"
#include "engine/train/train_config.h"
#include "engine/infer/trained_dataset.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli quantize --model FILE --calibration N --out FILE [options]

Quantizes a saved float model to INT8: BatchNorm folded into the layer before it, Dense and
Conv2D weights symmetric per output channel, each such layer's input calibrated on N images of
the training split the model was trained with. The INT8 model runs on integer kernels
(AVX-512 VNNI or AVX2) in predict, evaluate and bench-infer. Prints the float and INT8 test
accuracy, how often their top-1 predictions agree, and both file sizes.

Options:
  --model FILE                    the float .tsmodel
  --calibration N                 training images to calibrate the activations on (1 or more)
  --calibration-method minmax|percentile
                                  minmax: the full range seen; percentile (default): the range
                                  holding --percentile % of the values, ignoring rare outliers
  --percentile P                  for percentile, in (50, 100] (default 99.99)
  --out FILE                      the INT8 model (.tsmodel)
  --onnx FILE                     also export it as QDQ ONNX (int8 weights, Quantize/DequantizeLinear),
                                  checked by ONNX's checker, then run by OpenCV DNN against the
                                  engine's INT8 path on up to 2000 test images (reported, not exact:
                                  the two runtimes round int8 arithmetic differently)
  --dataset NAME|PATH             the data to calibrate and measure on (default: the model's own)
  --threads N                     threads for the evaluation (default 0 = all cores)
  --json                          one line of JSON at the end
)";

std::uintmax_t fileBytes(const std::string& path) {
    std::error_code ec;
    const auto n = std::filesystem::file_size(path, ec);
    return ec ? 0 : n;
}

}  // namespace

int quantizeCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model",   "--calibration", "--calibration-method", "--percentile", "--out",
                   "--onnx",    "--dataset",     "--threads",            "--skipped"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "quantize", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    auto calibrationText = a.required("--calibration", "1000");
    if (!calibrationText) return reportError(calibrationText.error());
    auto calibration = a.integer("--calibration", 0, 0, 10000000);
    if (!calibration) return reportError(calibration.error());
    QuantizeOptions options;
    auto method = calibrationMethodFromName(a.value("--calibration-method").value_or("percentile"));
    if (!method) return reportError(Error::invalid("--calibration-method: " + method.error().what()));
    options.method = *method;
    auto percentile = a.number("--percentile", 99.99, 50.0, 100.0);
    if (!percentile) return reportError(percentile.error());
    options.percentile = *percentile;
    auto out = a.required("--out", "int8.tsmodel");
    if (!out) return reportError(out.error());
    if (auto s = checkSaveTarget(*out); !s) return reportError(s.error());
    auto threads = a.integer("--threads", 0, 0, 1024);
    if (!threads) return reportError(threads.error());
    const std::string onnxPath = a.value("--onnx").value_or("");

    auto source = loadModelFile(*modelPath);
    if (!source) return reportError(source.error());
    TrainConfig config;
    if (auto c = TrainConfig::fromJson(source->trainConfig)) config = *c;
    const std::string datasetName = a.value("--dataset").value_or(trainedDatasetName(*source));
    DatasetOptions dataOptions = trainedDatasetOptions(*source);
    dataOptions.threads = static_cast<int>(*threads);
    auto bundle = loadDatasetReporting(datasetName, dataOptions);
    if (!bundle) return reportError(bundle.error());

    // Calibrate on the first N of the (seeded, shuffled) training split: never on test images.
    const DataSplit split = splitDataset(*bundle, config.validationFraction, config.testFraction, config.seed);
    std::vector<int> calibrationIndices(split.train.begin(),
                                        split.train.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                                  split.train.size(), static_cast<std::size_t>(*calibration))));
    const std::string label = "dataset '" + bundle->pool.name() + "' (the training split of model '" + *modelPath + "')";
    auto quantized = quantizeSnapshot(*source, bundle->pool, calibrationIndices, options, label);
    if (!quantized) return reportError(quantized.error());
    if (auto s = saveModelFile(*out, *quantized); !s) return reportError(s.error());

    const bool official = bundle->test.has_value();
    const Dataset& testData = official ? *bundle->test : bundle->pool;
    std::vector<int> testIndices = split.test;
    if (official) {
        testIndices.resize(static_cast<std::size_t>(testData.size()));
        for (int i = 0; i < testData.size(); ++i) testIndices[static_cast<std::size_t>(i)] = i;
    }
    double floatAccuracy = 0, int8Accuracy = 0, agreement = 0;
    if (!testIndices.empty()) {
        ThreadPool pool(static_cast<int>(*threads));
        const EvaluationReport f = evaluate(*source, testData, testIndices, pool, 1);
        const EvaluationReport q = evaluate(*quantized, testData, testIndices, pool, 1);
        floatAccuracy = f.accuracy;
        int8Accuracy = q.accuracy;
        int same = 0;
        for (std::size_t i = 0; i < f.records.size(); ++i) same += f.records[i].predicted == q.records[i].predicted;
        agreement = f.records.empty() ? 0.0 : double(same) / static_cast<double>(f.records.size());
    }
    // The QDQ ONNX file: written once the checker accepts it; OpenCV DNN's run is reported.
    nlohmann::json onnx = nullptr;
    std::string onnxText;
    if (!onnxPath.empty()) {
        auto qdq = exportQdqOnnx(*quantized);
        if (!qdq) return reportError(qdq.error());
        if (auto s = writeFileAtomically(onnxPath, *qdq, "the QDQ ONNX model"); !s) return reportError(s.error());
        onnx = {{"path", onnxPath}, {"bytes", qdq->size()}, {"checker", true}};
        std::vector<int> images(testIndices.begin(),
                                testIndices.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(
                                                          testIndices.size(), kMaxParityImages)));
        auto parity = checkOnnxParity(*quantized, *qdq, testData, images, onnxPath);
        if (!parity) {
            onnx["opencv"] = parity.error().what();
            onnxText = "QDQ ONNX " + onnxPath + ": accepted by the ONNX checker; OpenCV DNN: " + parity.error().what();
        } else {
            onnx["opencv"] = "loaded";
            onnx["images"] = parity->images;
            onnx["top1_agreement"] = parity->top1Agreement;
            onnx["max_abs_diff"] = parity->maxAbsDiff;
            onnxText = "QDQ ONNX " + onnxPath + ": accepted by the ONNX checker; OpenCV DNN against the engine's INT8 path: top-1 agreement " +
                       fixed(parity->top1Agreement, 4) + ", max |dp| " + general(parity->maxAbsDiff) + " on " +
                       std::to_string(parity->images) + " images";
        }
    }
    const auto floatBytes = fileBytes(*modelPath), int8Bytes = fileBytes(*out);
    const double ratio = floatBytes ? double(int8Bytes) / double(floatBytes) : 0.0;
    const std::string methodText =
        options.method == CalibrationMethod::MinMax ? "minmax" : "percentile " + general(options.percentile);

    if (a.flag("--json")) {
        printJsonLine({{"model", *modelPath},
                       {"out", *out},
                       {"dataset", bundle->pool.name()},
                       {"calibration_samples", calibrationIndices.size()},
                       {"calibration_method", calibrationMethodName(options.method)},
                       {"percentile", options.method == CalibrationMethod::Percentile ? nlohmann::json(options.percentile)
                                                                                       : nlohmann::json(nullptr)},
                       {"kernel", int8KernelName(bestInt8Kernel())},
                       {"test_samples", testIndices.size()},
                       {"float_accuracy", floatAccuracy},
                       {"int8_accuracy", int8Accuracy},
                       {"accuracy_change_points", (int8Accuracy - floatAccuracy) * 100.0},
                       {"top1_agreement", agreement},
                       {"float_file_bytes", floatBytes},
                       {"int8_file_bytes", int8Bytes},
                       {"file_size_ratio", ratio},
                       {"qdq_onnx", onnx}});
    } else {
        std::printf("Quantized %s to INT8 (%zu calibration images of %s, %s; kernels: %s)\n", modelPath->c_str(),
                    calibrationIndices.size(), bundle->pool.name().c_str(), methodText.c_str(),
                    int8KernelName(bestInt8Kernel()).c_str());
        std::printf("test accuracy: float %s, INT8 %s (%s%s points) on %zu %s samples; top-1 agreement %s\n",
                    fixed(floatAccuracy, 4).c_str(), fixed(int8Accuracy, 4).c_str(),
                    int8Accuracy >= floatAccuracy ? "+" : "", fixed((int8Accuracy - floatAccuracy) * 100.0, 2).c_str(),
                    testIndices.size(), official ? "official test" : "test split", fixed(agreement, 4).c_str());
        std::printf("file size: float %ju bytes, INT8 %ju bytes (%s%%)\n", floatBytes, int8Bytes,
                    fixed(ratio * 100.0, 1).c_str());
        std::printf("Saved the INT8 model to %s\n", out->c_str());
        if (!onnxText.empty()) std::printf("%s\n", onnxText.c_str());
    }
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
