// training-studio-cli bench: training throughput, 2-thread scaling and batch-1 latency of the
// mlp, lenet and cnn presets on Fashion-MNIST, next to the same networks in PyTorch
// (tests/bench/bench_torch.py, run with /usr/bin/python3 in the same invocation).

#include <unistd.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/data/data_loader.h"
#include "engine/loss/softmax_cross_entropy.h"
#include "engine/train/trainer.h"

namespace studio::cli {

namespace {

namespace fs = std::filesystem;

const char* kHelp = R"(Usage: training-studio-cli bench [--threads N] [--epochs N] [--no-torch] [options]

Trains the mlp, lenet and cnn presets on Fashion-MNIST (batch 64, Adam 1e-3) and measures
training samples/s, the rate with 1 thread (for the scaling ratio), the median batch-1
inference latency and the test accuracy; then runs the same networks in PyTorch with
/usr/bin/python3 and prints both side by side.

Options:
  --threads N            training threads (default 2)
  --epochs N             epochs per model (default 1)
  --models LIST          comma-separated presets (default mlp,lenet,cnn)
  --dataset NAME|PATH    IDX data to use (default fashion-mnist)
  --latency-count N      single-image predictions for the median (default 200, at least 200)
  --scaling-samples N    training samples for the 1-thread rate (default 12800)
  --no-torch             skip PyTorch
  --torch-script FILE    bench_torch.py to run (default: found beside the sources)
  --json                 finish with one line of JSON holding every number
)";

struct ModelBench {
    std::string name;
    std::int64_t params = 0;
    double samplesPerSecond = 0.0;
    double samplesPerSecond1 = 0.0;
    double latencyMs = 0.0;
    double testAccuracy = 0.0;
    double seconds = 0.0;
};

std::vector<std::string> splitList(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream ss(list);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// Median time of `count` single-image forward passes (assembly from the stored sample,
// normalization, forward, softmax): what one drop on the inference panel costs, minus decoding.
double latencyMs(const ModelSnapshot& snapshot, const Dataset& data, int count) {
    Workspace ws(snapshot.model);
    std::vector<std::int32_t> labels;
    Tensor probs;
    std::vector<double> times;
    RunContext ctx;
    for (int i = 0; i < count + 10; ++i) {
        const int index = i % data.size();
        const auto start = std::chrono::steady_clock::now();
        assembleBatch(data, std::span<const int>(&index, 1), snapshot.preprocessing, nullptr, 0, 0, ws.input(), labels);
        snapshot.model.forward(ws, ctx);
        softmaxRows(ws.output(), probs);
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (i >= 10) times.push_back(ms);  // the first ones warm caches and allocate
    }
    std::nth_element(times.begin(), times.begin() + static_cast<long>(times.size() / 2), times.end());
    return times[times.size() / 2];
}

Result<ModelBench> benchModel(const std::string& preset, const std::shared_ptr<const DatasetBundle>& data, int threads,
                              int epochs, int latencyCount, int scalingSamples) {
    auto spec = presetSpec(preset, data->pool.sampleShape(), data->pool.classCount());
    if (!spec) return spec.error();
    TrainConfig config;
    config.epochs = epochs;
    config.threads = threads;
    config.validationFraction = 0.0;  // every training sample trains, as in the PyTorch script
    config.testFraction = 0.0;
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, 0.0, 0.0, config.seed);
    setup.spec = *spec;
    setup.config = config;
    std::fprintf(stderr, "bench: %s, %d epoch(s) with %d thread(s)\n", preset.c_str(), epochs, threads);
    auto outcome = trainToEnd(setup);
    if (!outcome) return outcome.error();
    ModelBench b;
    b.name = preset;
    b.params = outcome->started.params;
    b.samplesPerSecond = outcome->finished.trainSamplesPerSecond;
    b.testAccuracy = outcome->finished.testAccuracy;
    b.seconds = outcome->finished.seconds;
    const Dataset& latencyData = data->test ? *data->test : data->pool;
    b.latencyMs = latencyMs(*outcome->snapshot, latencyData, std::max(200, latencyCount));

    if (scalingSamples > 0) {
        setup.config.threads = 1;
        setup.config.epochs = 1;
        setup.split.train.resize(std::min(setup.split.train.size(), static_cast<std::size_t>(scalingSamples)));
        setup.split.test.clear();
        std::fprintf(stderr, "bench: %s, %zu samples with 1 thread\n", preset.c_str(), setup.split.train.size());
        auto one = trainToEnd(setup);
        if (!one) return one.error();
        b.samplesPerSecond1 = one->finished.trainSamplesPerSecond;
    }
    return b;
}

std::string findTorchScript(const std::optional<std::string>& given) {
    if (given) return *given;
    std::vector<fs::path> candidates;
    std::array<char, 4096> exe{};
    const ssize_t n = ::readlink("/proc/self/exe", exe.data(), exe.size() - 1);
    if (n > 0) {
        const fs::path dir = fs::path(std::string(exe.data(), static_cast<std::size_t>(n))).parent_path();
        candidates.push_back(dir / "../../tests/bench/bench_torch.py");  // <build>/app/training-studio-cli
        candidates.push_back(dir / "../share/training-studio/bench_torch.py");
    }
    // This source file lives in <source>/app/cli/.
    candidates.push_back(fs::path(__FILE__).parent_path().parent_path().parent_path() / "tests/bench/bench_torch.py");
    for (const auto& c : candidates)
        if (fs::exists(c)) return fs::weakly_canonical(c).string();
    return {};
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a command, returns its stdout (stderr passes through) and exit status.
std::pair<std::string, int> capture(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (!pipe) return {out, -1};
    std::array<char, 4096> buf{};
    for (std::size_t got; (got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0;) out.append(buf.data(), got);
    const int status = ::pclose(pipe);
    return {out, status};
}

std::string ratio(double a, double b) {
    if (!(a > 0) || !(b > 0)) return "-";
    return fixed(a / b, 2) + "x";
}

}  // namespace

int benchCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--threads",       "--epochs",          "--models",      "--dataset",
                   "--latency-count", "--scaling-samples", "--torch-script"};
    spec.flags = {"--no-torch", "--json"};
    auto parsed = Arguments::parse(args, spec, "bench");
    if (!parsed) return reportError(parsed.error());
    const Arguments& a = *parsed;
    if (a.flag("--help")) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    auto threads = a.integer("--threads", 2, 1, 1024);
    if (!threads) return reportError(threads.error());
    auto epochs = a.integer("--epochs", 1, 1, 1000);
    if (!epochs) return reportError(epochs.error());
    auto latencyCount = a.integer("--latency-count", 200, 200, 1000000);
    if (!latencyCount) return reportError(latencyCount.error());
    auto scalingSamples = a.integer("--scaling-samples", 12800, 0, 100000000);
    if (!scalingSamples) return reportError(scalingSamples.error());
    const std::vector<std::string> models = splitList(a.value("--models").value_or("mlp,lenet,cnn"));
    for (const auto& m : models)
        if (m != "mlp" && m != "lenet" && m != "cnn" && m != "cnn-bn")
            return reportError(Error::invalid("Option --models: unknown preset '" + m + "'.",
                                              "Use a comma-separated list of mlp, lenet, cnn, cnn-bn."));
    const std::string datasetName = a.value("--dataset").value_or("fashion-mnist");

    // PyTorch first checks: a missing script or torch is reported, not fatal.
    std::string torchScript, torchProblem;
    if (!a.flag("--no-torch")) {
        torchScript = findTorchScript(a.value("--torch-script"));
        if (torchScript.empty() || !fs::exists(torchScript)) {
            if (a.value("--torch-script"))
                return reportError(Error::notFound("Torch script '" + *a.value("--torch-script") + "' does not exist.",
                                                   "Give the path of tests/bench/bench_torch.py or use --no-torch."));
            torchProblem = "bench_torch.py was not found (pass --torch-script FILE)";
        } else if (capture("/usr/bin/python3 -c 'import torch' 2>/dev/null").second != 0) {
            torchProblem = "PyTorch is not installed for /usr/bin/python3 (apt install python3-torch)";
        }
        if (!torchProblem.empty()) std::fprintf(stderr, "bench: %s; showing our numbers only.\n", torchProblem.c_str());
    }

    DatasetOptions options;
    options.threads = static_cast<int>(*threads);
    auto bundle = loadDatasetReporting(datasetName, options);
    if (!bundle) return reportError(bundle.error());
    auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));

    std::vector<ModelBench> ours;
    for (const auto& m : models) {
        auto b = benchModel(m, data, static_cast<int>(*threads), static_cast<int>(*epochs),
                            static_cast<int>(*latencyCount), static_cast<int>(*scalingSamples));
        if (!b) return reportError(b.error());
        ours.push_back(*b);
    }

    nlohmann::json torch = nullptr;
    if (!a.flag("--no-torch") && torchProblem.empty()) {
        std::string dataDir = datasetName;
        for (const auto& info : listDatasets())
            if (info.name == datasetName) dataDir = info.location;
        std::string modelList;
        for (const auto& m : models) modelList += (modelList.empty() ? "" : ",") + m;
        const std::string command = "/usr/bin/python3 " + shellQuote(torchScript) + " --threads " +
                                    std::to_string(*threads) + " --epochs " + std::to_string(*epochs) + " --models " +
                                    shellQuote(modelList) + " --data " + shellQuote(dataDir) + " --latency-count " +
                                    std::to_string(*latencyCount) + " --scaling-samples " +
                                    std::to_string(*scalingSamples);
        std::fprintf(stderr, "bench: running PyTorch: %s\n", command.c_str());
        auto [out, status] = capture(command);
        const auto lineStart = out.rfind("\n{");  // the JSON is the last line
        torch = nlohmann::json::parse(lineStart == std::string::npos ? out : out.substr(lineStart + 1), nullptr, false);
        if (status != 0 || torch.is_discarded() || !torch.contains("models")) {
            std::fprintf(stderr, "bench: the PyTorch script failed (exit status %d); showing our numbers only.\n",
                         status);
            torch = nullptr;
        }
    }

    auto torchValue = [&](const std::string& model, const char* key) -> double {
        if (torch.is_null() || !torch["models"].contains(model) || !torch["models"][model].contains(key)) return 0.0;
        return torch["models"][model][key].get<double>();
    };
    std::printf("\n%s: %d training samples, %lld epoch(s), batch 64, Adam 1e-3, %lld threads%s\n",
                data->pool.name().c_str(), data->pool.size(), *epochs, *threads,
                torch.is_null() ? "" : (", PyTorch " + torch["torch_version"].get<std::string>()).c_str());
    std::printf("%-6s %8s | %21s %9s | %14s %6s | %19s %10s | %14s\n", "", "", "train samples/s", "",
                "2-thread scaling", "", "batch-1 latency ms", "", "test accuracy");
    std::printf("%-6s %8s | %10s %10s %9s | %7s %7s | %9s %9s %10s | %6s %7s\n", "model", "params", "ours", "torch",
                "ours/torch", "ours", "torch", "ours", "torch", "torch/ours", "ours", "torch");
    nlohmann::json report = {{"dataset", data->pool.name()},
                             {"threads", *threads},
                             {"epochs", *epochs},
                             {"models", nlohmann::json::object()}};
    for (const auto& b : ours) {
        const double tRate = torchValue(b.name, "train_samples_per_s");
        const double tRate1 = torchValue(b.name, "train_samples_per_s_1thread");
        const double tLatency = torchValue(b.name, "latency_ms");
        const double tAcc = torchValue(b.name, "test_accuracy");
        const bool haveTorch = tRate > 0;
        std::printf("%-6s %8lld | %10.0f %10s %9s | %7s %7s | %9.3f %9s %10s | %6.4f %7s\n", b.name.c_str(),
                    static_cast<long long>(b.params), b.samplesPerSecond, haveTorch ? fixed(tRate, 0).c_str() : "-",
                    ratio(b.samplesPerSecond, tRate).c_str(), ratio(b.samplesPerSecond, b.samplesPerSecond1).c_str(),
                    ratio(tRate, tRate1).c_str(), b.latencyMs, haveTorch ? fixed(tLatency, 3).c_str() : "-",
                    ratio(tLatency, b.latencyMs).c_str(), b.testAccuracy, haveTorch ? fixed(tAcc, 4).c_str() : "-");
        report["models"][b.name] = {{"params", b.params},
                                    {"train_samples_per_s", b.samplesPerSecond},
                                    {"train_samples_per_s_1thread", b.samplesPerSecond1},
                                    {"latency_ms", b.latencyMs},
                                    {"test_accuracy", numberOrNull(b.testAccuracy)},
                                    {"seconds", b.seconds}};
        if (haveTorch) report["models"][b.name]["torch"] = torch["models"][b.name];
    }
    if (!torchProblem.empty()) std::printf("PyTorch: not run (%s).\n", torchProblem.c_str());
    std::fflush(stdout);
    if (a.flag("--json")) printJsonLine(report);
    return 0;
}

}  // namespace studio::cli
