// training-studio-cli bench-infer: the latency of one batch and the samples per second a saved
// model (any variant: float, INT8, pruned, with a backbone) serves, at several batch sizes on
// several thread counts, as medians of repeated runs after a warm-up (engine/deploy/inference_bench.h).

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/core/parallel.h"
#include "engine/deploy/inference_bench.h"
#include "engine/io/model_file.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli bench-infer --model FILE [options]

Measures a saved model's inference speed: for every thread count and batch size, the median
time of one whole batch (latency) and batch / median (samples per second), after a warm-up.
Each sample of a batch is one task (the fastest split for these models), spread over the threads,
so every thread count runs the same kernels. The inputs are generated pixels in [0, 1) prepared with
the model's own normalization; the timing does not depend on the pixels.

Options:
  --model FILE           the .tsmodel file (float, INT8, pruned or with a backbone)
  --batch LIST           comma-separated batch sizes (default 1,8,32,256)
  --threads LIST         comma-separated thread counts, 0 = all cores (default 1,0)
  --min-time S           seconds of timed runs per batch and thread count, at least (default 0.25)
  --min-runs N           timed runs per batch and thread count, at least (default 7)
  --warmup N             untimed runs before timing (default 3)
  --json                 one line of JSON: {"model": FILE, "results": [{"batch", "threads",
                         "latency_us", "samples_per_s"}, ...]}
)";

Result<std::vector<int>> integerList(const Arguments& a, const std::string& name, const std::vector<int>& fallback,
                                     int lo, int hi) {
    const auto text = a.value(name);
    if (!text) return fallback;
    std::vector<int> out;
    std::stringstream ss(*text);
    for (std::string item; std::getline(ss, item, ',');) {
        std::size_t used = 0;
        int v = 0;
        try {
            v = std::stoi(item, &used);
        } catch (...) {
            used = 0;
        }
        if (item.empty() || used != item.size() || v < lo || v > hi)
            return Error::invalid(name + " '" + *text + "' has '" + item + "', which is not a whole number in " +
                                      std::to_string(lo) + "…" + std::to_string(hi) + ".",
                                  "Give a comma-separated list such as " + name + " 1,8,32,256.");
        out.push_back(v);
    }
    if (out.empty())
        return Error::invalid(name + " is empty.", "Give a comma-separated list such as " + name + " 1,8,32,256.");
    return out;
}

void printTable(const InferenceBenchReport& r) {
    std::printf("%s\n", r.model.c_str());
    std::printf("%7s  %7s  %14s  %14s  %6s\n", "threads", "batch", "latency (us)", "samples/s", "runs");
    for (const InferenceBenchResult& x : r.results)
        std::printf("%7d  %7d  %14s  %14s  %6d\n", x.threads, x.batch, fixed(x.latencyUs, 1).c_str(),
                    fixed(x.samplesPerSecond, 0).c_str(), x.runs);
}

}  // namespace

int benchInferCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--model", "--batch", "--threads", "--min-time", "--min-runs", "--warmup"};
    spec.flags = {"--json"};
    auto start = startCommand(args, spec, "bench-infer", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto modelPath = a.required("--model", "model.tsmodel");
    if (!modelPath) return reportError(modelPath.error());
    InferenceBenchOptions options;
    auto batches = integerList(a, "--batch", options.batches, 1, 65536);
    if (!batches) return reportError(batches.error());
    auto threads = integerList(a, "--threads", options.threads, 0, 1024);
    if (!threads) return reportError(threads.error());
    auto minTime = a.number("--min-time", options.minSeconds, 0.0, 600.0);
    if (!minTime) return reportError(minTime.error());
    auto minRuns = a.integer("--min-runs", options.minRuns, 1, 100000);
    if (!minRuns) return reportError(minRuns.error());
    auto warmup = a.integer("--warmup", options.warmupRuns, 0, 100000);
    if (!warmup) return reportError(warmup.error());
    options.batches = *batches;
    options.threads = *threads;
    options.minSeconds = *minTime;
    options.minRuns = int(*minRuns);
    options.maxRuns = std::max(options.maxRuns, options.minRuns);
    options.warmupRuns = int(*warmup);

    auto snapshot = loadModelFile(*modelPath);
    if (!snapshot) return reportError(snapshot.error());
    const bool json = a.flag("--json");
    auto report = benchInference(*snapshot, *modelPath, options, {}, [json](int done, int total) {
        if (!json) std::fprintf(stderr, "bench-infer: %d of %d measured\n", done, total);
    });
    if (!report) return reportError(report.error());
    if (json)
        printJsonLine(report->toJson());
    else
        printTable(*report);
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
