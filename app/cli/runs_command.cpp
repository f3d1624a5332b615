// training-studio-cli runs list|show|compare|export|delete: the runs kept in the run store.

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "engine/io/atomic_file.h"
#include "engine/store/run_store.h"
#include "engine/store/runs_csv.h"
#include "engine/train/option_schema.h"

namespace studio::cli {

namespace {

using nlohmann::json;

const char* kHelp =
    R"(Usage: training-studio-cli runs list|show RUN_ID|compare RUN_ID...|export --csv FILE|delete RUN_ID|
                          folder [PATH|--in-database] [--store PATH|URL] [--json]

The runs kept in the run store (default $TRAINING_STUDIO_STORE or
~/.local/share/training-studio/runs.sqlite).

  list                 every run: status, epochs, best validation accuracy, the options that differ
  show RUN_ID          one run: options, per-epoch metrics, checkpoints, live edits
  compare RUN_ID...    options side by side (differences marked *) and final metrics
  export --csv FILE    one row per run with every option and metric, for a spreadsheet
  delete RUN_ID        remove a run with its checkpoints and model files
  folder [PATH]        the shared folder where runs keep checkpoints and models (a path every
                       worker reaches: NFS, a mounted bucket); without one a PostgreSQL store
                       keeps them in the database. --in-database forgets the folder.
  --json               one JSON line instead of text
)";

json parentJson(const RunRecord& r) {
    return r.parentRun > 0 ? json{{"run_id", r.parentRun}, {"epoch", r.parentEpoch}} : json(nullptr);
}

json summaryJson(const RunRecord& r) {
    return {{"run_id", r.id},
            {"name", r.name},
            {"status", runStatusText(r.status)},
            {"options", r.options},
            {"model", r.model},
            {"dataset", r.dataset.value("source", "")},
            {"epochs", r.epochsDone},
            {"epochs_planned", r.epochsPlanned},
            {"best_epoch", r.bestEpoch},
            {"val_accuracy", numberOrNull(r.bestValAccuracy)},
            {"val_loss", numberOrNull(r.bestValLoss)},
            {"test_accuracy", r.final.value("test_accuracy", json(nullptr))},
            {"samples_per_s", numberOrNull(r.samplesPerSecond)},
            {"seconds", numberOrNull(r.wallSeconds)},
            {"sweep_id", r.sweepId > 0 ? json(r.sweepId) : json(nullptr)},
            {"parent", parentJson(r)},
            {"host", r.host},
            {"worker", r.worker},
            {"attempts", r.attempts},
            {"color", r.color}};
}

std::string optionText(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return general(v.get<double>());
    return v.dump();
}

Result<std::int64_t> runIdFrom(const std::string& text) {
    char* end = nullptr;
    const long long id = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || id < 1)
        return Error::invalid("'" + text + "' is not a run id.", "Run ids are whole numbers: see `runs list`.");
    return static_cast<std::int64_t>(id);
}

int list(RunStore& store, bool asJson) {
    auto runs = store.runs();
    if (!runs) return reportError(runs.error());
    if (asJson) {
        json all = json::array();
        for (const auto& r : *runs) all.push_back(summaryJson(r));
        printJsonLine({{"runs", all}});
        return 0;
    }
    std::vector<json> options;
    for (const auto& r : *runs) options.push_back(r.options);
    const auto differing = differingOptions(options);
    std::printf("%4s  %-28s %-11s %7s %8s %8s  %s\n", "id", "name", "status", "epochs", "val acc", "time",
                "options that differ");
    for (const auto& r : *runs) {
        std::string diff;
        for (const auto& k : differing)
            diff += (diff.empty() ? "" : " ") + k + "=" + optionText(r.options.value(k, json()));
        std::string name = r.name.size() > 28 ? r.name.substr(0, 27) + "…" : r.name;
        std::printf("%4lld  %-28s %-11s %3d/%-3d %8s %7.1fs  %s\n", static_cast<long long>(r.id), name.c_str(),
                    runStatusText(r.status), r.epochsDone, r.epochsPlanned, fixed(r.bestValAccuracy, 4).c_str(),
                    std::isfinite(r.wallSeconds) ? r.wallSeconds : 0.0, diff.c_str());
    }
    if (runs->empty()) std::printf("No runs yet in %s.\n", store.location().c_str());
    return 0;
}

int show(RunStore& store, std::int64_t id, bool asJson) {
    auto run = store.run(id);
    if (!run) return reportError(run.error());
    auto epochs = store.epochs(id);
    if (!epochs) return reportError(epochs.error());
    auto checkpoints = store.checkpoints(id);
    if (!checkpoints) return reportError(checkpoints.error());
    auto edits = store.edits(id);
    if (!edits) return reportError(edits.error());
    if (asJson) {
        json j = summaryJson(*run);
        j["spec"] = run->spec;
        j["dataset"] = run->dataset;
        j["final"] = run->final;
        j["best_model"] = run->bestModelPath;
        j["error"] = run->error;
        j["host"] = run->host;
        j["threads"] = run->threads;
        j["cpu_seconds"] = numberOrNull(run->cpuSeconds);
        j["peak_rss_bytes"] = run->peakRssBytes;
        j["steps"] = run->steps;
        json e = json::array();
        for (const auto& m : *epochs)
            e.push_back({{"epoch", m.epoch},
                         {"train_loss", numberOrNull(m.trainLoss)},
                         {"train_accuracy", numberOrNull(m.trainAccuracy)},
                         {"val_loss", numberOrNull(m.valLoss)},
                         {"val_accuracy", numberOrNull(m.valAccuracy)},
                         {"lr", numberOrNull(m.learningRate)},
                         {"seconds", numberOrNull(m.seconds)},
                         {"samples_per_s", numberOrNull(m.samplesPerSecond)}});
        j["epoch_metrics"] = e;
        json c = json::array();
        for (const auto& k : *checkpoints) c.push_back({{"epoch", k.epoch}, {"path", k.path}});
        j["checkpoints"] = c;
        json ed = json::array();
        for (const auto& k : *edits) ed.push_back({{"step", k.step}, {"key", k.key}, {"value", k.value}});
        j["edits"] = ed;
        printJsonLine(j);
        return 0;
    }
    const RunRecord& r = *run;
    std::printf("Run %lld: %s\n  status %s, %d of %d epochs, %lld steps, best epoch %d (val acc %s, loss %s)\n",
                static_cast<long long>(r.id), r.name.c_str(), runStatusText(r.status), r.epochsDone, r.epochsPlanned,
                static_cast<long long>(r.steps), r.bestEpoch, fixed(r.bestValAccuracy, 4).c_str(),
                fixed(r.bestValLoss, 4).c_str());
    std::printf("  model %s on %s (%s samples, hash %s…)\n", r.model.c_str(), r.dataset.value("source", "").c_str(),
                r.dataset.value("samples", json(0)).dump().c_str(), r.dataset.value("hash", "").substr(0, 12).c_str());
    if (r.parentRun > 0)
        std::printf("  forked from run %lld after epoch %d\n", static_cast<long long>(r.parentRun), r.parentEpoch);
    if (r.sweepId > 0) std::printf("  trial of sweep %lld\n", static_cast<long long>(r.sweepId));
    if (!r.error.empty()) std::printf("  error: %s\n", r.error.c_str());
    if (r.final.contains("test_accuracy"))
        std::printf("  test accuracy %s\n", optionText(r.final["test_accuracy"]).c_str());
    std::printf("  %.1f s wall, %.1f s CPU, %d threads, peak memory %.0f MB, host %s\n",
                std::isfinite(r.wallSeconds) ? r.wallSeconds : 0.0, std::isfinite(r.cpuSeconds) ? r.cpuSeconds : 0.0,
                r.threads, double(r.peakRssBytes) / 1e6, r.host.c_str());
    std::printf("  options:");
    for (const OptionInfo& o : optionSchema())
        if (r.options.contains(o.key) && r.options[o.key] != o.fallback)
            std::printf(" %s=%s", o.key.c_str(), optionText(r.options[o.key]).c_str());
    std::printf(" (others default)\n");
    for (const auto& m : *epochs)
        std::printf("  epoch %3d  train loss %s acc %s  val loss %s acc %s  lr %s\n", m.epoch,
                    fixed(m.trainLoss, 4).c_str(), fixed(m.trainAccuracy, 4).c_str(), fixed(m.valLoss, 4).c_str(),
                    fixed(m.valAccuracy, 4).c_str(), general(m.learningRate).c_str());
    for (const auto& e : *edits)
        std::printf("  edit at step %lld: %s = %s\n", static_cast<long long>(e.step), e.key.c_str(),
                    e.value.dump().c_str());
    std::string ck;
    for (const auto& c : *checkpoints) ck += (ck.empty() ? "" : ", ") + std::to_string(c.epoch);
    std::printf("  checkpoints: %s\n", ck.empty() ? "none" : ck.c_str());
    if (!r.bestModelPath.empty()) std::printf("  best model: %s\n", r.bestModelPath.c_str());
    return 0;
}

int compare(RunStore& store, const std::vector<std::string>& ids, bool asJson) {
    std::vector<RunRecord> runs;
    for (const auto& text : ids) {
        auto id = runIdFrom(text);
        if (!id) return reportError(id.error());
        auto r = store.run(*id);
        if (!r) return reportError(r.error());
        runs.push_back(*r);
    }
    if (runs.size() < 2)
        return reportError(Error::invalid("compare needs two or more run ids.", "For example: runs compare 3 4"));
    std::vector<json> options;
    for (const auto& r : runs) options.push_back(r.options);
    const auto differing = differingOptions(options);
    if (asJson) {
        json all = json::array();
        for (const auto& r : runs) all.push_back(summaryJson(r));
        printJsonLine({{"runs", all}, {"differing", differing}});
        return 0;
    }
    std::printf("%-20s", "");
    for (const auto& r : runs) std::printf(" %14s", ("run " + std::to_string(r.id)).c_str());
    std::printf("\n");
    for (const OptionInfo& o : optionSchema()) {
        const bool differs = std::find(differing.begin(), differing.end(), o.key) != differing.end();
        std::printf("%c %-18s", differs ? '*' : ' ', o.key.c_str());
        for (const auto& r : runs) std::printf(" %14s", optionText(r.options.value(o.key, o.fallback)).c_str());
        std::printf("\n");
    }
    auto row = [&](const char* label, auto value) {
        std::printf("  %-18s", label);
        for (const auto& r : runs) std::printf(" %14s", value(r).c_str());
        std::printf("\n");
    };
    row("status", [](const RunRecord& r) { return std::string(runStatusText(r.status)); });
    row("epochs", [](const RunRecord& r) { return std::to_string(r.epochsDone); });
    row("best val acc", [](const RunRecord& r) { return fixed(r.bestValAccuracy, 4); });
    row("best val loss", [](const RunRecord& r) { return fixed(r.bestValLoss, 4); });
    row("test acc", [](const RunRecord& r) {
        return r.final.contains("test_accuracy") ? optionText(r.final["test_accuracy"]) : std::string("n/a");
    });
    row("samples/s", [](const RunRecord& r) { return fixed(r.samplesPerSecond, 0); });
    return 0;
}

int exportCsv(RunStore& store, const std::string& path) {
    auto runs = store.runs();
    if (!runs) return reportError(runs.error());
    const std::string csv = runsCsv(*runs);
    const std::vector<std::uint8_t> bytes(csv.begin(), csv.end());
    if (auto s = writeFileAtomically(path, bytes, "the runs table"); !s) return reportError(s.error());
    std::printf("Wrote %zu runs to %s\n", runs->size(), path.c_str());
    return 0;
}

int remove(RunStore& store, std::int64_t id) {
    (void)store.markOrphansInterrupted();
    auto run = store.run(id);
    if (!run) return reportError(run.error());
    if (isActive(run->status))
        return reportError(Error::invalid("Run " + std::to_string(id) + " is " + runStatusText(run->status) + ".",
                                          "Stop it before deleting it."));
    if (auto s = store.deleteRun(id); !s) return reportError(s.error());
    std::error_code ec;
    const auto removed = std::filesystem::remove_all(store.runFolder(id), ec);
    std::printf("Deleted run %lld (%s) and %llu files\n", static_cast<long long>(id), run->name.c_str(),
                static_cast<unsigned long long>(ec ? 0 : removed));
    return 0;
}

int folder(RunStore& store, const std::vector<std::string>& rest, bool inDatabase) {
    if (rest.size() > 1 || (inDatabase && !rest.empty()))
        return reportError(Error::invalid("runs folder takes one path, or --in-database.",
                                          "For example: runs folder /mnt/shared/studio --store URL"));
    if (!rest.empty() || inDatabase) {
        const std::string path = inDatabase ? "" : std::filesystem::absolute(rest[0]).lexically_normal().string();
        if (!path.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(path, ec);
            if (ec || !std::filesystem::is_directory(path))
                return reportError(Error::io("Could not create the shared folder " + path + ": " + ec.message() + ".",
                                             "Give a folder you can write to, mounted at the same path on every "
                                             "worker."));
        }
        if (auto s = store.setSharedFolder(path); !s) return reportError(s.error());
    }
    auto shared = store.sharedFolder();
    if (!shared) return reportError(shared.error());
    if (shared->empty())
        std::printf("Runs of %s keep their files %s\n", store.location().c_str(),
                    isPostgresUrl(store.location()) ? "in the database" : "beside the store's file");
    else
        std::printf("Runs of %s keep their files in %s\n", store.location().c_str(), shared->c_str());
    return 0;
}

}  // namespace

int runsCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--store", "--csv"};
    spec.flags = {"--json", "--in-database"};
    spec.positionals = true;
    auto parsed = Arguments::parse(args, spec, "runs");
    if (!parsed) return reportError(parsed.error());
    const Arguments& a = *parsed;
    if (a.flag("--help") || a.positionals().empty()) {
        std::fputs(kHelp, a.flag("--help") ? stdout : stderr);
        return a.flag("--help") ? 0 : kExitUsage;
    }
    const std::string what = a.positionals()[0];
    const std::vector<std::string> rest(a.positionals().begin() + 1, a.positionals().end());
    auto store = openRunStore(a.value("--store").value_or(defaultStorePath()));
    if (!store) return reportError(store.error());
    (void)(*store)->markOrphansInterrupted();
    const bool asJson = a.flag("--json");
    auto oneId = [&]() -> Result<std::int64_t> {
        if (rest.size() != 1)
            return Error::invalid("runs " + what + " takes one run id.", "For example: runs " + what + " 3");
        return runIdFrom(rest[0]);
    };
    if (what == "list") return list(**store, asJson);
    if (what == "show") {
        auto id = oneId();
        return id ? show(**store, *id, asJson) : reportError(id.error());
    }
    if (what == "compare") return compare(**store, rest, asJson);
    if (what == "export") {
        auto csv = a.required("--csv", "runs.csv");
        return csv ? exportCsv(**store, *csv) : reportError(csv.error());
    }
    if (what == "delete") {
        auto id = oneId();
        return id ? remove(**store, *id) : reportError(id.error());
    }
    if (what == "folder") return folder(**store, rest, a.flag("--in-database"));
    return reportError(
        Error::invalid("Unknown runs action '" + what + "'.", "Use list, show, compare, export, delete or folder."));
}

}  // namespace studio::cli
