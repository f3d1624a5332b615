// What keeping runs costs: the store's size and write time per epoch, a checkpoint's size and
// write time, and how long preparing a resume and a fork takes (checkpoint, data, hash).
//
//   build/tests/bench/bench_runs [DATASET] [MODEL]     (default fashion-mnist lenet)
//
// Trains one epoch of MODEL on DATASET into a fresh store in a temporary folder, then times the
// pieces separately. Prints one line per figure.

#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "engine/io/checkpoint_file.h"
#include "engine/store/experiment.h"

using namespace studio;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::uintmax_t folderBytes(const fs::path& p) {
    std::uintmax_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(p))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string dataset = argc > 1 ? argv[1] : "fashion-mnist";
    const std::string model = argc > 2 ? argv[2] : "lenet";
    const fs::path dir = fs::temp_directory_path() / ("bench_runs_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string storePath = (dir / "runs.sqlite").string();

    // The data once; every later step reuses it, so its load time is measured on its own.
    auto t = Clock::now();
    auto bundle = loadDataset(dataset, {});
    if (!bundle) {
        std::fprintf(stderr, "%s\n", bundle.error().what().c_str());
        return 1;
    }
    auto data = std::make_shared<const DatasetBundle>(std::move(*bundle));
    std::printf("load %s: %.0f ms\n", dataset.c_str(), msSince(t));
    t = Clock::now();
    const auto identity = datasetIdentity(*data, dataset);
    std::printf("content hash of %d + %d samples: %.0f ms\n", data->pool.size(), data->test ? data->test->size() : 0,
                msSince(t));
    DatasetLoader cached = [&](const std::string&, const DatasetOptions&) {
        return Result<std::shared_ptr<const DatasetBundle>>(data);
    };

    auto store = openRunStore(storePath);
    if (!store) return 1;
    NewRun request;
    request.dataset = dataset;
    request.model = model;
    request.options = {{"epochs", 3}, {"threads", 2}};
    auto prepared = prepareNewRun(**store, request, cached);
    if (!prepared) {
        std::fprintf(stderr, "%s\n", prepared.error().what().c_str());
        return 1;
    }
    prepared->setup.stopAfterEpoch = 1;
    const std::int64_t id = prepared->record.id;
    const int stepsPerEpoch = static_cast<int>((prepared->setup.split.train.size() + 63) / 64);
    t = Clock::now();
    auto out = trainRecorded(storePath, std::move(*prepared));
    if (!out) return 1;
    std::printf("one recorded epoch of %s: %.0f ms (%d batches)\n", model.c_str(), msSince(t), stepsPerEpoch);

    // The store's write cost for one epoch: the batches, the epoch row and the run row, in one
    // transaction, as the recorder writes them.
    RunProgress progress;
    for (int b = 0; b < stepsPerEpoch; ++b) progress.batches.push_back({1000000 + b, 9, 0.5, 0.8, 0.001});
    progress.epochs.push_back({9, 0.5, 0.8, 0.4, 0.85, 0.001, 10.0, 5000.0});
    progress.run = *(*store)->run(id);
    t = Clock::now();
    const int repeats = 20;
    for (int i = 0; i < repeats; ++i) {
        for (auto& b : progress.batches) b.step += stepsPerEpoch;
        if (!(*store)->write(id, progress)) return 1;
    }
    std::printf("store write per epoch (%d batch rows + epoch + run row, one transaction): %.2f ms\n", stepsPerEpoch,
                msSince(t) / repeats);
    const auto dbBytes =
        fs::file_size(storePath) + (fs::exists(storePath + "-wal") ? fs::file_size(storePath + "-wal") : 0);
    std::printf("store size after %d epochs of batch rows: %.0f KiB (%.1f KiB per epoch)\n", repeats + 1,
                double(dbBytes) / 1024, double(dbBytes) / 1024 / (repeats + 1));

    // A checkpoint: its size and the time to write (atomically, fsynced) and read it.
    auto ckpt = loadRunCheckpoint(**store, id, 1);
    if (!ckpt) return 1;
    const std::string copy = (dir / "copy.tsckpt").string();
    t = Clock::now();
    if (!saveCheckpointFile(copy, **ckpt)) return 1;
    const double writeMs = msSince(t);
    t = Clock::now();
    if (!loadCheckpointFile(copy)) return 1;
    std::printf("checkpoint: %.0f KiB, write %.1f ms (fsync), read %.1f ms\n", double(fs::file_size(copy)) / 1024,
                writeMs, msSince(t));

    // Preparing a resume and a fork (checkpoint, split, normalization; data from memory).
    t = Clock::now();
    auto resume = prepareResume(**store, id, 0, 2, cached);
    if (!resume) {
        std::fprintf(stderr, "%s\n", resume.error().what().c_str());
        return 1;
    }
    std::printf("prepare resume (data in memory; + content hash): %.0f ms\n", msSince(t));
    t = Clock::now();
    auto fork = prepareFork(**store, id, 1, {{"lr", 0.0005}}, "", cached);
    if (!fork) return 1;
    std::printf("prepare fork (data in memory; + content hash, + copying the parent's curves): %.0f ms\n", msSince(t));
    std::printf("run folder: %.0f KiB\n", double(folderBytes(dir)) / 1024);
    fs::remove_all(dir);
    return 0;
}
