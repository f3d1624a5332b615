#include "app/cli/cli.h"

#include <cstdio>
#include <new>
#include <string>
#include <vector>

#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

namespace studio::cli {

namespace {

const char* kUsage = R"(Usage: training-studio-cli COMMAND [options]

Train and use neural networks on the CPU, headless (the same engine as the studio window).

Commands:
  train      --dataset NAME|PATH --model PRESET|SPEC.json [options]   train, report per epoch
  predict    --model FILE IMAGE|FOLDER... [--csv F] [--saliency F]    classify images, explain one
  evaluate   --model FILE --dataset NAME|PATH [--json]                accuracy, confusion, per-class scores
  datasets                                                            built-in and installed datasets
  train      --resume RUN_ID [--epochs N]                             go on with a stopped or killed run
  fork       RUN_ID --epoch K [option flags]                          a new run from another's checkpoint
  lr-find    --dataset D --model M [option flags] [--json]            suggest a learning rate (range test)
  sweep      --dataset D --model M --space JSON [--strategy S]        hyperparameter search (grid/random/asha)
  worker     --store URL [--sweep ID] [--threads N] [--lease S]         train queued sweep trials (any machine)
  runs       list|show|compare|export|delete|folder                   the runs kept in the run store
  prune      --model FILE --sparsity S [--structured] --fine-tune-epochs E --out FILE   a pruned, fine-tuned model
  quantize   --model FILE --calibration N [--calibration-method minmax|percentile] --out FILE   an INT8 model
  export     --model FILE --onnx OUT.onnx [--dataset D] [--json]      ONNX, verified against OpenCV DNN
  report     (--model FILE | --run ID) --out FILE.html                one self-contained HTML run report
  bench      [--threads N] [--epochs N] [--no-torch]                  speed against PyTorch
  bench-infer --model FILE [--batch 1,8,32,256] [--threads 1,2] [--json]  inference latency and throughput
  backbone-layers --backbone FILE.onnx [--input CxHxW]                the layers of an ONNX backbone, to pick --feature-layer
  help       this text; `training-studio-cli COMMAND --help` for a command's options

Examples:
  training-studio-cli train --dataset fashion-mnist --model lenet --epochs 5 --save lenet.tsmodel
  training-studio-cli predict --model lenet.tsmodel shirt.png --top 3
)";

int runCommand(const std::string& command, const Args& rest) {
    if (command == "train") return trainCommand(rest);
    if (command == "backbone-layers") return backboneLayersCommand(rest);
    if (command == "predict") return predictCommand(rest);
    if (command == "evaluate") return evaluateCommand(rest);
    if (command == "datasets") return datasetsCommand(rest);
    if (command == "bench") return benchCommand(rest);
    if (command == "bench-infer") return benchInferCommand(rest);
    if (command == "fork") return forkCommand(rest);
    if (command == "runs") return runsCommand(rest);
    if (command == "sweep") return sweepCommand(rest);
    if (command == "worker") return workerCommand(rest);
    if (command == "prune") return pruneCommand(rest);
    if (command == "quantize") return quantizeCommand(rest);
    if (command == "export") return exportCommand(rest);
    if (command == "report") return reportCommand(rest);
    if (command == "lr-find") return lrFindCommand(rest);
    return reportError(
        Error::invalid("Unknown command '" + command + "'.",
                       "Use train, predict, evaluate, fork, lr-find, sweep, worker, runs, datasets or bench (see --help)."));
}

// The last line of defence: the engine checks sizes before it allocates, but a machine can
// still run out of memory (a big dataset, other programs). Say so in one line and exit 1
// instead of std::terminate's abort.
int dispatch(const std::string& command, const Args& rest) {
    try {
        return runCommand(command, rest);
    } catch (const std::bad_alloc&) {
        return reportError(Error::io("Out of memory while running '" + command + "'.",
                                     "Use a smaller dataset, model or batch size, or close other programs."));
    }
}

}  // namespace

int run(int argc, char** argv) {
    const std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (args.empty()) {
        std::fputs(kUsage, stderr);
        return kExitUsage;
    }
    const std::string command = args.front();
    const Args rest(args.begin() + 1, args.end());
    if (command == "help" || command == "--help" || command == "-h") {
        if (!rest.empty()) return dispatch(rest.front(), {"--help"});  // `help train` = `train --help`
        std::fputs(kUsage, stdout);
        return 0;
    }
    return dispatch(command, rest);
}

}  // namespace studio::cli
