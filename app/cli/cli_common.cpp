#include "app/cli/cli_common.h"

#include <cmath>
#include <filesystem>
#include <vector>

#include "app/cli/arguments.h"
#include "engine/infer/trained_dataset.h"
#include "engine/io/atomic_file.h"

namespace studio::cli {

Result<DatasetOptions> modelDatasetOptions(const Arguments& a, const ModelSnapshot& model, int threads) {
    DatasetOptions options = trainedDatasetOptions(model);
    auto samples = a.integer("--samples", options.samples, 0, 1000000);
    if (!samples) return samples.error();
    auto imageSize = a.integer("--image-size", options.imageSize, 0, 1024);
    if (!imageSize) return imageSize.error();
    options.samples = static_cast<int>(*samples);
    options.imageSize = static_cast<int>(*imageSize);
    options.threads = threads;
    return options;
}

int reportError(const Error& error) {
    std::string line = error.what();
    for (char& c : line)
        if (c == '\n' || c == '\r') c = ' ';
    std::fprintf(stderr, "training-studio-cli: %s\n", line.c_str());
    std::fflush(stderr);
    return error.kind() == Error::Kind::InvalidArgument ? kExitUsage : kExitFailure;
}

namespace {
std::string g_skippedListFile;  // --skipped FILE of the running command
}  // namespace

void setSkippedListFile(const std::string& path) {
    g_skippedListFile = path;
}

std::variant<Arguments, int> startCommand(const std::vector<std::string>& args, const OptionSpec& spec,
                                          const std::string& command, const std::string& help) {
    auto parsed = Arguments::parse(args, spec, command);
    if (!parsed) return reportError(parsed.error());
    if (parsed->flag("--help")) {
        std::fputs(help.c_str(), stdout);
        return 0;
    }
    if (spec.valued.count("--skipped")) setSkippedListFile(parsed->value("--skipped").value_or(""));
    return std::move(*parsed);
}

Result<DatasetBundle> loadDatasetReporting(const std::string& nameOrPath, const DatasetOptions& options) {
    auto bundle = loadDataset(nameOrPath, options);
    if (!bundle) return bundle;
    const auto& skipped = bundle->skipped;
    if (!g_skippedListFile.empty()) {
        std::string list = "path\treason\n";
        for (const auto& s : skipped) list.append(s.path).append("\t").append(s.reason).append("\n");
        const std::vector<std::uint8_t> bytes(list.begin(), list.end());
        if (auto w = writeFileAtomically(g_skippedListFile, bytes, "the list of skipped files"); !w)
            return w.error();
    }
    if (skipped.empty()) return bundle;
    constexpr std::size_t kShown = 5;
    std::fprintf(stderr, "training-studio-cli: skipped %zu file%s of %s%s\n", skipped.size(),
                 skipped.size() == 1 ? "" : "s", nameOrPath.c_str(),
                 g_skippedListFile.empty() ? (skipped.size() > kShown ? " (--skipped FILE lists every one with its reason)" : "")
                                           : (", listed with reasons in " + g_skippedListFile).c_str());
    for (std::size_t i = 0; i < skipped.size() && i < kShown; ++i)
        std::fprintf(stderr, "training-studio-cli:   %s: %s\n", skipped[i].path.c_str(), skipped[i].reason.c_str());
    if (skipped.size() > kShown) std::fprintf(stderr, "training-studio-cli:   … and %zu more\n", skipped.size() - kShown);
    return bundle;
}

Result<ModelSpec> resolveModelSpec(const std::string& presetOrPath, const Dataset& data) {
    return studio::resolveModelSpec(presetOrPath, data.sampleShape(), data.classCount());
}

std::string fixed(double v, int decimals) {
    if (std::isnan(v)) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string general(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

nlohmann::json numberOrNull(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

void printJsonLine(const nlohmann::json& j) {
    std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    std::fflush(stdout);
}

}  // namespace studio::cli
