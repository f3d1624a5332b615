// libFuzzer target: a run store someone else wrote (`--store PATH`, a shared runs.sqlite, a
// PostgreSQL database), read the way `runs list/show/export`, `train --resume`, `fork` and a
// worker's claim read it.
//
// An input that starts with SQLite's header is the store file itself, opened with
// openSqliteRunStore. Any other input is split at 0x1F into the values of one run's row and its
// rows in the other tables, as a store's columns hold them; they are read with the conversions
// both stores use (storedObject, storedJson, SQLite's text-to-number rules) into a store kept in
// memory. Values our writer would never write (an array where options belong, text in a number
// column, a checkpoint path to anywhere) reach the readers that way: through SQLite every input
// cost 16 ms (statements prepared anew in each of three connections), in memory well under one.
//
//   0 name  1 color  2 status  3 options  4 model  5 spec  6 dataset  7 final  8 best_model
//   9 error  10 host  11 worker
//   12 the run's numbers, space-separated: parent_run parent_epoch sweep_id epochs_planned
//      epochs_done steps wall_seconds cpu_seconds samples_per_s threads peak_rss best_epoch
//      best_val_accuracy best_val_loss pid created_at heartbeat_at for_workers attempts
//   13 epochs, a row a line: epoch train_loss train_accuracy val_loss val_accuracy lr seconds sps
//   14 batches, a row a line: step epoch loss accuracy lr
//   15 edits, a row a line: step key value (JSON)
//   16 checkpoints, a row a line: epoch path metric ("@" is the checkpoint file of field 21)
//   17 sweep name  18 sweep space  19 sweep settings  20 the fork's changes (JSON)
//   21 the checkpoint file's bytes: the rest of the input, CRC-32 set right so the reader goes
//      past the checksum
//
// With STUDIO_FUZZ_RUN_STORE_SEED=FILE set, the target instead trains a real run into a store and
// writes it in this form to FILE (how tests/fuzz/corpus/fuzz_run_store/real_run was made), then
// exits.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "engine/data/dataset_catalog.h"
#include "engine/io/json_limits.h"
#include "engine/io/model_file.h"
#include "engine/nn/model_spec.h"
#include "engine/store/experiment.h"
#include "engine/store/run_store.h"
#include "engine/store/runs_csv.h"
#include "tests/fuzz/fuzz_dataset_files.h"

namespace {

using namespace studio;
using nlohmann::json;

constexpr char kSeparator = '\x1f';
constexpr int kFields = 22;

// Every run of the harness trains on the same small generated set (never a path from the input:
// a hostile store names any folder it likes as its dataset).
std::shared_ptr<const DatasetBundle> smallData() {
    static const std::shared_ptr<const DatasetBundle> data = [] {
        DatasetOptions o;
        o.samples = 64;
        auto bundle = loadDataset("spirals", o);
        if (!bundle) {
            std::fprintf(stderr, "fuzz_run_store: %s\n", bundle.error().what().c_str());
            std::abort();
        }
        return std::make_shared<const DatasetBundle>(std::move(*bundle));
    }();
    return data;
}

DatasetLoader smallLoader() {
    return [](const std::string&, const DatasetOptions&) -> Result<std::shared_ptr<const DatasetBundle>> {
        return smallData();
    };
}

std::vector<std::string> split(const std::string& text, char at, std::size_t most) {
    std::vector<std::string> out;
    std::size_t from = 0;
    while (out.size() + 1 < most) {
        const std::size_t to = text.find(at, from);
        if (to == std::string::npos) break;
        out.push_back(text.substr(from, to - from));
        from = to + 1;
    }
    out.push_back(text.substr(from));
    return out;
}

std::vector<std::string> words(const std::string& line, std::size_t most) {
    std::vector<std::string> out;
    std::istringstream in(line);
    std::string w;
    while (out.size() + 1 < most && in >> w) out.push_back(w);
    std::string rest;
    if (std::getline(in, rest) && rest.find_first_not_of(' ') != std::string::npos)
        out.push_back(rest.substr(rest.find_first_not_of(' ')));
    return out;
}

// A column's value as SQLite hands it to the readers: NULL reads as 0 (a real as NaN, see
// SqliteRunStore's real()), text as its longest numeric prefix, as sqlite3_column_int64/double do.
std::int64_t integerColumn(const std::string& text) {
    if (text.empty() || text == "NULL") return 0;
    return static_cast<std::int64_t>(std::strtoll(text.c_str(), nullptr, 10));
}
double realColumn(const std::string& text) {
    if (text.empty() || text == "NULL") return std::nan("");
    return std::strtod(text.c_str(), nullptr);
}
int intColumn(const std::string& text) {
    return static_cast<int>(integerColumn(text));  // sqlite3_column_int: the low 32 bits
}

std::string word(const std::vector<std::string>& w, std::size_t i) {
    return i < w.size() ? w[i] : std::string();
}

template <typename F>
void eachLine(const std::string& field, F&& f) {
    std::istringstream in(field);
    std::string line;
    for (int rows = 0; rows < 64 && std::getline(in, line); ++rows) f(line);
}

// The rows of one run and one sweep, as a store holds them; writes change only memory.
class MemoryRunStore final : public RunStore {
public:
    RunRecord record;
    std::vector<EpochRecord> epochRows;
    std::vector<BatchRecord> batchRows;
    std::vector<OptionEdit> editRows;
    std::vector<CheckpointRecord> checkpointRows;
    SweepRecord sweepRow;

    std::string location() const override { return "fuzzed store"; }
    std::string runFolder(std::int64_t runId) const override {
        return (fuzzFolder("run-store") / ("run-" + std::to_string(runId))).string();
    }
    Result<std::int64_t> createRun(const RunRecord&) override { return record.id + 1; }
    Status updateRun(const RunRecord&) override { return {}; }
    Status write(std::int64_t, const RunProgress&) override { return {}; }
    Result<RunRecord> run(std::int64_t runId) override {
        if (runId != record.id) return Error::notFound("No run " + std::to_string(runId) + ".", "");
        return record;
    }
    Result<std::vector<RunRecord>> runs(std::int64_t sweepId) override {
        if (sweepId > 0 && record.sweepId != sweepId) return std::vector<RunRecord>{};
        return std::vector<RunRecord>{record};
    }
    Result<std::vector<EpochRecord>> epochs(std::int64_t) override { return epochRows; }
    Result<std::vector<BatchRecord>> batches(std::int64_t) override { return batchRows; }
    Result<std::vector<OptionEdit>> edits(std::int64_t) override { return editRows; }
    Status deleteRun(std::int64_t) override { return {}; }
    Status truncateAfter(std::int64_t, int epoch, std::int64_t step) override {
        std::erase_if(epochRows, [&](const EpochRecord& e) { return e.epoch > epoch; });
        std::erase_if(batchRows, [&](const BatchRecord& b) { return b.step > step; });
        std::erase_if(editRows, [&](const OptionEdit& e) { return e.step > step; });
        std::erase_if(checkpointRows, [&](const CheckpointRecord& c) { return c.epoch > epoch; });
        return {};
    }
    Status addCheckpoint(std::int64_t, const CheckpointRecord&) override { return {}; }
    Status removeCheckpoint(std::int64_t, int) override { return {}; }
    Result<std::vector<CheckpointRecord>> checkpoints(std::int64_t) override { return checkpointRows; }
    Result<std::int64_t> createSweep(const SweepRecord&) override { return 2; }
    Status updateSweep(const SweepRecord&) override { return {}; }
    Result<SweepRecord> sweep(std::int64_t) override { return sweepRow; }
    Result<std::vector<SweepRecord>> sweeps() override { return std::vector<SweepRecord>{sweepRow}; }
    Result<int> markOrphansInterrupted() override { return 0; }
    Result<std::optional<RunRecord>> claimRun(std::int64_t, const std::string&, double) override {
        return std::optional<RunRecord>(record);
    }
    Result<bool> heartbeat(std::int64_t, const std::string&) override { return true; }
    Status releaseRun(std::int64_t, const std::string&) override { return {}; }
    Result<std::string> sharedFolder() override { return std::string(); }
    Status setSharedFolder(const std::string&) override { return {}; }
    Result<std::string> localFile(std::int64_t runId, const std::string& recordedPath) override {
        std::error_code ec;  // as SqliteRunStore: the recorded path, when it exists
        if (std::filesystem::exists(recordedPath, ec)) return recordedPath;
        return Error::notFound("The file " + recordedPath + " of run " + std::to_string(runId) + " is missing.", "");
    }
};

// The fields as the store's readers turn columns into records (SqliteRunStore's readRun).
void fillStore(MemoryRunStore& m, const std::vector<std::string>& f, const std::string& checkpointPath) {
    RunRecord& r = m.record;
    r.id = 1;
    r.name = f[0];
    r.color = f[1];
    r.status = runStatusFromText(f[2]).value_or(RunStatus::Interrupted);
    r.options = storedObject(f[3]);
    r.model = f[4];
    r.spec = storedObject(f[5]);
    r.dataset = storedObject(f[6]);
    r.final = storedObject(f[7]);
    r.bestModelPath = f[8];
    r.error = f[9];
    r.host = f[10];
    r.worker = f[11];
    const auto n = words(f[12], 19);
    r.parentRun = integerColumn(word(n, 0));
    r.parentEpoch = intColumn(word(n, 1));
    r.sweepId = integerColumn(word(n, 2));
    r.epochsPlanned = intColumn(word(n, 3));
    r.epochsDone = intColumn(word(n, 4));
    r.steps = integerColumn(word(n, 5));
    r.wallSeconds = realColumn(word(n, 6));
    r.cpuSeconds = realColumn(word(n, 7));
    r.samplesPerSecond = realColumn(word(n, 8));
    r.threads = intColumn(word(n, 9));
    r.peakRssBytes = integerColumn(word(n, 10));
    r.bestEpoch = intColumn(word(n, 11));
    r.bestValAccuracy = realColumn(word(n, 12));
    r.bestValLoss = realColumn(word(n, 13));
    r.pid = integerColumn(word(n, 14));
    r.createdAt = realColumn(word(n, 15));
    r.heartbeatAt = realColumn(word(n, 16));
    r.forWorkers = integerColumn(word(n, 17)) != 0;
    r.attempts = intColumn(word(n, 18));
    eachLine(f[13], [&](const std::string& line) {
        const auto w = words(line, 8);
        m.epochRows.push_back({intColumn(word(w, 0)), realColumn(word(w, 1)), realColumn(word(w, 2)),
                               realColumn(word(w, 3)), realColumn(word(w, 4)), realColumn(word(w, 5)),
                               realColumn(word(w, 6)), realColumn(word(w, 7))});
    });
    eachLine(f[14], [&](const std::string& line) {
        const auto w = words(line, 5);
        m.batchRows.push_back({integerColumn(word(w, 0)), intColumn(word(w, 1)), realColumn(word(w, 2)),
                               realColumn(word(w, 3)), realColumn(word(w, 4))});
    });
    eachLine(f[15], [&](const std::string& line) {
        const auto w = words(line, 3);
        m.editRows.push_back({integerColumn(word(w, 0)), word(w, 1), storedJson(word(w, 2))});
    });
    eachLine(f[16], [&](const std::string& line) {
        const auto w = words(line, 3);
        m.checkpointRows.push_back(
            {intColumn(word(w, 0)), word(w, 1) == "@" ? checkpointPath : word(w, 1), realColumn(word(w, 2))});
    });
    m.sweepRow = {1, f[17], storedObject(f[18]), storedObject(f[19]), "finished", 0};
    dropMistypedFields(r);
    dropMistypedFields(m.sweepRow);
}

void writeCheckpoint(const std::string& path, std::string bytes) {
    if (bytes.size() >= 20) {  // CRC-32 of everything before the last four bytes, little-endian
        const auto crc = crc32Of(std::span<const std::uint8_t>(
            reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size() - 4));
        for (int i = 0; i < 4; ++i) bytes[bytes.size() - 4 + static_cast<std::size_t>(i)] = static_cast<char>(crc >> (8 * i));
    }
    writeBytes(path, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

void removeStore(const std::string& path) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
}

// What the readers of a store do with it: list, export, show; then resume, fork or a claim.
void readStore(RunStore& s, const json& forkChanges, std::size_t reader) {
    auto runs = s.runs();
    if (!runs) return;
    (void)runsCsv(*runs);
    for (const RunRecord& r : *runs) {
        (void)s.run(r.id);
        (void)s.epochs(r.id);
        (void)s.batches(r.id);
        (void)s.edits(r.id);
        (void)s.checkpoints(r.id);
        if (r.sweepId > 0) (void)s.runs(r.sweepId);
    }
    if (auto sweeps = s.sweeps())
        for (const SweepRecord& w : *sweeps) (void)s.sweep(w.id);
    if (runs->empty()) return;
    // One of the three readers that rebuild the run (a model, its checkpoint, its data) per
    // input, chosen by the input's length: each builds a model, so running all three tripled an
    // input's cost, and a one-byte mutation moves an input to another reader.
    const RunRecord first = runs->front();
    switch (reader % 3) {
    case 0:
        (void)prepareClaimedRun(s, first, 1, smallLoader());
        break;
    case 1:
        (void)prepareResume(s, first.id, 0, 1, smallLoader());
        break;
    default:
        if (auto list = s.checkpoints(first.id); list && !list->empty())
            (void)prepareFork(s, first.id, list->front().epoch, forkChanges, "fork", smallLoader());
    }
}

// The seed: a real run of 2 epochs (a small mlp on the harness's spirals), read back field by field.
int writeSeed(const char* out) {
    const std::string path = (fuzzFolder("run-store-seed") / "runs.sqlite").string();
    auto store = openSqliteRunStore(path);
    if (!store) return std::fprintf(stderr, "%s\n", store.error().what().c_str()), 1;
    NewRun request;
    request.dataset = "spirals";
    request.model = "small mlp";
    auto spec = ModelSpec::fromJson(json::parse(R"({"name":"small mlp","input":[2],"classes":3,"layers":[
        {"type":"dense","units":8},{"type":"relu"},{"type":"dense","units":"classes"}]})"), "the seed's spec");
    if (!spec) return std::fprintf(stderr, "%s\n", spec.error().what().c_str()), 1;
    request.spec = *spec;
    request.options = {{"epochs", 2}, {"threads", 1}, {"samples", 64}};
    auto prepared = prepareNewRun(**store, request, smallLoader());
    if (!prepared) return std::fprintf(stderr, "%s\n", prepared.error().what().c_str()), 1;
    const std::int64_t id = prepared->record.id;
    auto outcome = trainRecorded(path, std::move(*prepared));
    if (!outcome) return std::fprintf(stderr, "%s\n", outcome.error().what().c_str()), 1;
    auto run = (*store)->run(id);
    auto checkpoints = (*store)->checkpoints(id);
    if (!run || !checkpoints || checkpoints->empty()) return std::fprintf(stderr, "no checkpoint\n"), 1;
    const RunRecord& r = *run;
    auto num = [](double v) { return std::isfinite(v) ? json(v).dump() : std::string("NULL"); };
    std::vector<std::string> f(kFields);
    f[0] = r.name, f[1] = r.color, f[2] = runStatusText(r.status), f[3] = r.options.dump(), f[4] = r.model;
    f[5] = r.spec.dump(), f[6] = r.dataset.dump(), f[7] = r.final.dump(), f[8] = r.bestModelPath, f[9] = r.error;
    f[10] = r.host, f[11] = r.worker;
    f[12] = "0 0 0 " + std::to_string(r.epochsPlanned) + " " + std::to_string(r.epochsDone) + " " +
            std::to_string(r.steps) + " " + num(r.wallSeconds) + " " + num(r.cpuSeconds) + " " +
            num(r.samplesPerSecond) + " 1 0 " + std::to_string(r.bestEpoch) + " " + num(r.bestValAccuracy) + " " +
            num(r.bestValLoss) + " 0 " + num(r.createdAt) + " " + num(r.heartbeatAt) + " 0 0";
    const auto epochs = (*store)->epochs(id);
    const auto batches = (*store)->batches(id);
    if (!epochs || !batches) return std::fprintf(stderr, "no metrics\n"), 1;
    for (const auto& e : *epochs)
        f[13] += std::to_string(e.epoch) + " " + num(e.trainLoss) + " " + num(e.trainAccuracy) + " " +
                 num(e.valLoss) + " " + num(e.valAccuracy) + " " + num(e.learningRate) + " " + num(e.seconds) + " " +
                 num(e.samplesPerSecond) + "\n";
    int kept = 0;
    for (const auto& b : *batches)
        if (kept++ < 4)
            f[14] += std::to_string(b.step) + " " + std::to_string(b.epoch) + " " + num(b.loss) + " " +
                     num(b.accuracy) + " " + num(b.learningRate) + "\n";
    f[15] = "2 lr 0.01\n";
    for (const auto& c : *checkpoints) f[16] += std::to_string(c.epoch) + " " + "@ " + num(c.metric) + "\n";
    f[17] = "seed sweep", f[18] = R"({"lr":{"log":[0.001,0.1]}})", f[19] = R"({"strategy":"random","trials":2})";
    f[20] = R"({"lr":0.005,"epochs":4})";
    std::ifstream in(checkpoints->front().path, std::ios::binary);
    f[21].assign(std::istreambuf_iterator<char>(in), {});
    std::string seed;
    for (int i = 0; i < kFields; ++i) seed += f[static_cast<std::size_t>(i)] + (i + 1 < kFields ? std::string(1, kSeparator) : "");
    std::ofstream(out, std::ios::binary) << seed;
    std::printf("wrote %s (%zu bytes)\n", out, seed.size());
    store->reset();  // the last connection checkpoints the WAL into the file: the store is one file
    std::filesystem::copy_file(path, std::string(out) + ".sqlite", std::filesystem::copy_options::overwrite_existing);
    std::printf("wrote %s.sqlite\n", out);
    return 0;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    if (const char* out = std::getenv("STUDIO_FUZZ_RUN_STORE_SEED")) std::exit(writeSeed(out));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = (fuzzFolder("run-store") / "runs.sqlite").string();
    static const std::string checkpointPath = (fuzzFolder("run-store") / "run1-epoch.tsckpt").string();
    const std::string input(reinterpret_cast<const char*>(data), size);
    if (input.rfind(std::string("SQLite format 3\0", 16), 0) == 0) {
        removeStore(path);
        writeBytes(path, data, size);
        auto store = openSqliteRunStore(path);
        if (store) readStore(**store, json::object(), size);
        return 0;
    }
    const auto f = split(input, kSeparator, kFields);
    if (f.size() < static_cast<std::size_t>(kFields)) return 0;
    writeCheckpoint(checkpointPath, f[21]);
    MemoryRunStore store;
    fillStore(store, f, checkpointPath);
    json changes = json::object();
    if (auto parsed = parseJsonLimited(f[20], "The fork's changes", "")) changes = *parsed;
    readStore(store, changes, size);
    return 0;
}
