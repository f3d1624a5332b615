// training-studio-cli bench: training throughput, 2-thread scaling and batch-1 latency of the
// mlp, lenet and cnn presets on Fashion-MNIST, next to the same networks in PyTorch
// (tests/bench/bench_torch.py, run with /usr/bin/python3 in the same invocation).
//
// PyTorch is compared at its best (STYLE.md 11): Debian's torch runs its own OpenMP threads and,
// inside its matrix products, OpenBLAS's threads, on the same cores. Either OpenBLAS setting can
// win, so each model is run both ways (OpenMP N with OpenBLAS 1, and with OpenBLAS N) and the
// ratio is taken against the faster. Each model's three runs follow one another, so a load that
// comes and goes on a shared machine falls on both sides alike.

#include <unistd.h>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
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
inference latency and the test accuracy; right after each model, trains the same network in
PyTorch with /usr/bin/python3 twice, with N OpenMP threads and OpenBLAS on 1 thread and on N
threads, and compares with the faster of the two. Prints the machine (CPU model, AVX2/AVX-512)
the figures belong to.

Options:
  --threads N            training threads (default 2)
  --epochs N             epochs per model (default 1)
  --models LIST          comma-separated presets (default mlp,lenet,cnn)
  --dataset NAME|PATH    IDX data to use (default fashion-mnist)
  --latency-count N      single-image predictions for the median (default 200, at least 200)
  --scaling-samples N    training samples for the 1-thread rate (default 12800)
  --no-torch             skip PyTorch
  --torch-script FILE    bench_torch.py to run (default: found beside the sources)
  --json                 finish with one line of JSON holding every number:
                         {"threads": N, "models": {"mlp": {"ours": samples/s, "torch_best": ...,
                         "torch_blas1": ..., "torch_blasN": ..., "ratio": ours/torch_best,
                         "latency_us": {"ours": ..., "torch": ...}, ...}, ...}, ...}
                         (torch figures and ratio are null when PyTorch did not run)
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

// The machine the figures belong to, from /proc/cpuinfo: the model name, the logical CPUs and the
// vector extensions the kernels of both sides can use.
struct Machine {
    std::string cpu = "unknown CPU";
    int cpus = 0;
    bool avx2 = false, fma = false, avx512 = false;

    std::string isa() const {
        std::string out = avx2 ? "AVX2" : "no AVX2";
        if (fma) out += "+FMA";
        return out + (avx512 ? "+AVX-512" : ", no AVX-512");
    }
};

Machine readMachine() {
    Machine m;
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
        if (key == "processor") ++m.cpus;
        if (key == "model name" && m.cpus == 1) m.cpu = value;
        if (key == "flags" && m.cpus == 1) {
            std::stringstream ss(value);
            std::set<std::string> flags;
            for (std::string f; ss >> f;) flags.insert(f);
            m.avx2 = flags.count("avx2") > 0;
            m.fma = flags.count("fma") > 0;
            m.avx512 = flags.count("avx512f") > 0;
        }
    }
    return m;
}

// What bench_torch.py needs besides the model and the BLAS thread count.
struct TorchJob {
    std::string script;
    std::string dataDir;
    long long threads = 1, epochs = 1, latencyCount = 200, scalingSamples = 0;
};

// One run of bench_torch.py for one model with N OpenMP threads and OpenBLAS on `blasThreads`;
// its JSON, or null when it failed (said on stderr).
nlohmann::json runTorch(const TorchJob& job, const std::string& model, long long blasThreads) {
    const std::string args = shellQuote(job.script) + " --threads " + std::to_string(job.threads) + " --blas-threads " +
                             std::to_string(blasThreads) + " --epochs " + std::to_string(job.epochs) + " --models " +
                             shellQuote(model) + " --data " + shellQuote(job.dataDir) + " --latency-count " +
                             std::to_string(job.latencyCount) + " --scaling-samples " +
                             std::to_string(job.scalingSamples);
    // This machine's environment may pin OpenBLAS to an older kernel set (OPENBLAS_CORETYPE and
    // OPENBLAS_L2_SIZE, set where old OpenBLAS builds misdetect a CPU); PyTorch at its best lets
    // OpenBLAS choose its own kernels, so both are unset for this command alone. Should OpenBLAS
    // then fail, the run is repeated with the environment as it was.
    const std::array<std::string, 2> commands = {
        "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 " + args, "/usr/bin/python3 " + args};
    for (const auto& command : commands) {
        std::fprintf(stderr, "bench: running PyTorch: %s\n", command.c_str());
        auto [out, status] = capture(command);
        const auto lineStart = out.rfind("\n{");  // the JSON is the last line
        auto j =
            nlohmann::json::parse(lineStart == std::string::npos ? out : out.substr(lineStart + 1), nullptr, false);
        if (status == 0 && !j.is_discarded() && j.contains("models") && j["models"].contains(model)) return j;
        std::fprintf(stderr, "bench: the PyTorch script failed (exit status %d).\n", status);
        if (std::getenv("OPENBLAS_CORETYPE") == nullptr && std::getenv("OPENBLAS_L2_SIZE") == nullptr) break;
    }
    return nullptr;
}

double numberAt(const nlohmann::json& j, const char* key) {
    return j.is_object() && j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}

nlohmann::json positiveOrNull(double v) {
    return v > 0 ? nlohmann::json(v) : nlohmann::json(nullptr);
}

// PyTorch's figures for one model: each OpenBLAS setting, and the best of them.
struct TorchFigures {
    nlohmann::json blas1 = nullptr, blasN = nullptr;  // bench_torch.py's per-model objects
    double rate1 = 0, rateN = 0;                      // training samples/s with OpenBLAS on 1 / N
    double best = 0;  // the fastest of the two and of its one-thread run (STYLE.md 11)
    long long bestBlasThreads = 0;
    std::string bestSetting;  // which of them it was
    double oneThreadRate = 0;  // everything on one thread (OpenMP 1, OpenBLAS 1): the scaling base
    double latencyMs = 0;      // the lower of the two
    double testAccuracy = 0;   // of the faster run
};

TorchFigures torchFigures(const nlohmann::json& blas1, const nlohmann::json& blasN, const std::string& model,
                          long long threads) {
    TorchFigures t;
    // Each run's model figures, with the OpenBLAS threads and kernels that run had.
    auto modelRun = [&](const nlohmann::json& run) -> nlohmann::json {
        if (run.is_null()) return nullptr;
        nlohmann::json out = run["models"][model];
        out["blas_threads"] = run.value("blas_threads", nlohmann::json(nullptr));
        out["openblas"] = run.value("openblas", nlohmann::json(nullptr));
        return out;
    };
    t.blas1 = modelRun(blas1);
    t.blasN = modelRun(blasN);
    t.rate1 = numberAt(t.blas1, "train_samples_per_s");
    t.rateN = numberAt(t.blasN, "train_samples_per_s");
    const bool oneWins = t.rate1 >= t.rateN;
    t.best = std::max(t.rate1, t.rateN);
    if (t.best > 0) t.bestBlasThreads = oneWins ? 1 : threads;
    const nlohmann::json& best = oneWins ? t.blas1 : t.blasN;
    t.testAccuracy = numberAt(best, "test_accuracy");
    t.oneThreadRate = numberAt(t.blas1, "train_samples_per_s_1thread");
    t.bestSetting = "OpenMP " + std::to_string(threads) + ", OpenBLAS " + std::to_string(t.bestBlasThreads);
    // A user whose cores are busy, or whose steps are too small for N threads, would run torch on
    // one thread when that is faster: that is then its best.
    if (threads > 1 && t.oneThreadRate > t.best) {
        t.best = t.oneThreadRate;
        t.bestBlasThreads = 1;
        t.bestSetting = "1 thread";
    }
    const double l1 = numberAt(t.blas1, "latency_ms"), lN = numberAt(t.blasN, "latency_ms");
    t.latencyMs = l1 > 0 && lN > 0 ? std::min(l1, lN) : std::max(l1, lN);
    return t;
}

}  // namespace

int benchCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--threads",       "--epochs",          "--models",      "--dataset",
                   "--latency-count", "--scaling-samples", "--torch-script"};
    spec.flags = {"--no-torch", "--json"};
    auto start = startCommand(args, spec, "bench", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
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
    const bool runTorchToo = !a.flag("--no-torch") && torchProblem.empty();

    DatasetOptions options;
    options.threads = static_cast<int>(*threads);
    auto bundle = loadDatasetReporting(datasetName, options);
    if (!bundle) return reportError(bundle.error());
    auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));

    TorchJob job;
    job.script = torchScript;
    job.dataDir = datasetName;
    for (const auto& info : listDatasets())
        if (info.name == datasetName) job.dataDir = info.location;
    job.threads = *threads;
    job.epochs = *epochs;
    job.latencyCount = *latencyCount;
    job.scalingSamples = *scalingSamples;

    std::vector<ModelBench> ours;
    std::vector<TorchFigures> torch;
    nlohmann::json torchInfo = nullptr;  // one run's JSON, for the version and the OpenBLAS kernels
    for (const auto& m : models) {
        auto b = benchModel(m, data, static_cast<int>(*threads), static_cast<int>(*epochs),
                            static_cast<int>(*latencyCount), static_cast<int>(*scalingSamples));
        if (!b) return reportError(b.error());
        ours.push_back(*b);
        nlohmann::json blas1 = nullptr, blasN = nullptr;
        if (runTorchToo) {
            blas1 = runTorch(job, m, 1);
            // With one thread both settings are the same run.
            blasN = *threads == 1 ? blas1 : runTorch(job, m, *threads);
            if (torchInfo.is_null()) torchInfo = blas1.is_null() ? blasN : blas1;
        }
        torch.push_back(torchFigures(blas1, blasN, m, *threads));
    }

    const Machine machine = readMachine();
    const std::string blasN = "blas" + std::to_string(*threads);
    std::printf("\nMachine: %s, %d logical CPUs, %s", machine.cpu.c_str(), machine.cpus, machine.isa().c_str());
    if (!torchInfo.is_null()) {
        std::printf("; PyTorch %s", torchInfo["torch_version"].get<std::string>().c_str());
        if (torchInfo["openblas"].is_object())
            std::printf(" on OpenBLAS (%s kernels)", torchInfo["openblas"]["core"].get<std::string>().c_str());
        else
            std::printf(" without OpenBLAS (install libopenblas0-pthread: the reference BLAS is ~10x slower)");
    }
    std::printf(
        "\n%s: %d training samples, %lld epoch(s), batch 64, Adam 1e-3, %lld threads; PyTorch with %lld "
        "OpenMP threads and OpenBLAS on 1 (blas1) or %lld (%s) threads, compared at its best\n",
        data->pool.name().c_str(), data->pool.size(), *epochs, *threads, *threads, *threads, blasN.c_str());
    std::printf("%-6s %8s | %38s | %15s | %23s | %13s\n", "", "", "train samples/s", "2-thread scaling",
                "batch-1 latency us", "test accuracy");
    std::printf("%-6s %8s | %8s %8s %8s %10s | %7s %7s | %7s %7s %7s | %6s %6s\n", "model", "params", "ours", "t.blas1",
                ("t." + blasN).c_str(), "ours/best", "ours", "torch", "ours", "torch", "t/ours", "ours", "torch");
    nlohmann::json report = {
        {"threads", *threads},
        {"models", nlohmann::json::object()},
        {"dataset", data->pool.name()},
        {"epochs", *epochs},
        {"machine",
         {{"cpu", machine.cpu},
          {"cpus", machine.cpus},
          {"isa", machine.isa()},
          {"avx2", machine.avx2},
          {"fma", machine.fma},
          {"avx512", machine.avx512}}},
        {"torch_version", torchInfo.is_null() ? nlohmann::json(nullptr) : torchInfo["torch_version"]},
        {"torch_openblas", torchInfo.is_null() ? nlohmann::json(nullptr) : torchInfo["openblas"]}};
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const ModelBench& b = ours[i];
        const TorchFigures& t = torch[i];
        const bool haveTorch = t.best > 0;
        auto rateCell = [](double v) { return v > 0 ? fixed(v, 0) : std::string("-"); };
        std::printf("%-6s %8lld | %8.0f %8s %8s %10s | %7s %7s | %7.0f %7s %7s | %6.4f %6s\n", b.name.c_str(),
                    static_cast<long long>(b.params), b.samplesPerSecond, rateCell(t.rate1).c_str(),
                    rateCell(t.rateN).c_str(), ratio(b.samplesPerSecond, t.best).c_str(),
                    ratio(b.samplesPerSecond, b.samplesPerSecond1).c_str(), ratio(std::max(t.rate1, t.rateN), t.oneThreadRate).c_str(),
                    b.latencyMs * 1000.0, t.latencyMs > 0 ? fixed(t.latencyMs * 1000.0, 0).c_str() : "-",
                    ratio(t.latencyMs, b.latencyMs).c_str(), b.testAccuracy,
                    haveTorch ? fixed(t.testAccuracy, 4).c_str() : "-");
        report["models"][b.name] = {
            {"ours", b.samplesPerSecond},
            {"torch_best", positiveOrNull(t.best)},
            {"torch_blas1", positiveOrNull(t.rate1)},
            {"torch_blasN", positiveOrNull(t.rateN)},
            {"ratio", haveTorch ? nlohmann::json(b.samplesPerSecond / t.best) : nlohmann::json(nullptr)},
            {"latency_us", {{"ours", b.latencyMs * 1000.0}, {"torch", positiveOrNull(t.latencyMs * 1000.0)}}},
            {"torch_best_blas_threads", haveTorch ? nlohmann::json(t.bestBlasThreads) : nlohmann::json(nullptr)},
            {"torch_best_setting", haveTorch ? nlohmann::json(t.bestSetting) : nlohmann::json(nullptr)},
            {"torch_1thread", positiveOrNull(t.oneThreadRate)},
            {"params", b.params},
            {"train_samples_per_s", b.samplesPerSecond},
            {"train_samples_per_s_1thread", b.samplesPerSecond1},
            {"latency_ms", b.latencyMs},
            {"test_accuracy", numberOrNull(b.testAccuracy)},
            {"seconds", b.seconds},
            {"torch_runs", {{"blas1", t.blas1}, {"blasN", t.blasN}}}};
    }
    // Where torch's best was its one-thread run, say so: the ratio is against that.
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const TorchFigures& t = torch[i];
        if (t.bestSetting == "1 thread")
            std::printf("note: %s: PyTorch was fastest on 1 thread (%s/s over %lld samples); ours/best is against that\n",
                        ours[i].name.c_str(), fixed(t.oneThreadRate, 0).c_str(),
                        std::min(*scalingSamples, static_cast<long long>(data->pool.size())));
    }
    if (!torchProblem.empty()) std::printf("PyTorch: not run (%s).\n", torchProblem.c_str());
    std::fflush(stdout);
    if (a.flag("--json")) printJsonLine(report);
    return 0;
}

}  // namespace studio::cli
