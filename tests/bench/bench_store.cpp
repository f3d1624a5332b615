// What the run store costs workers, on either backend, when N workers use it at once:
//   claim latency     N threads (each with its own connection, as N worker processes would)
//                     claim from one queue until it is empty; median and 95th percentile
//   epoch write       N threads each write an epoch's progress (844 batch rows — a
//                     Fashion-MNIST lenet epoch at batch 64 — an epoch row and the run row) into
//                     their own run, 20 epochs each; median and 95th percentile per epoch
//
//   build/tests/bench/bench_store STORE [WORKERS...]     e.g. postgresql://… 1 3 6
//
// STORE must be empty or new (a fresh database, or a path to a new SQLite file): the bench
// fills it. Prints one line per (figure, workers). A benchmark, not a test: nothing asserts.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/store/run_store.h"

using namespace studio;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return std::nan("");
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(std::min<double>(v.size() - 1, std::floor(p * (v.size() - 1) + 0.5)))];
}

RunRecord trial(std::int64_t sweep) {
    RunRecord r;
    r.name = "bench trial";
    r.options = {{"lr", 0.001}, {"batch_size", 64}, {"epochs", 20}};
    r.sweepId = sweep;
    r.forWorkers = true;
    r.bestValAccuracy = std::nan("");
    r.createdAt = r.heartbeatAt = unixNow();
    return r;
}

std::unique_ptr<RunStore> open(const std::string& where) {
    auto s = openRunStore(where);
    if (!s) {
        std::fprintf(stderr, "%s\n", s.error().what().c_str());
        std::exit(1);
    }
    return std::move(*s);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_store STORE [WORKERS...]\n");
        return 2;
    }
    const std::string where = argv[1];
    std::vector<int> counts;
    for (int i = 2; i < argc; ++i) counts.push_back(std::max(1, std::atoi(argv[i])));
    if (counts.empty()) counts = {1, 3, 6};
    auto setup = open(where);
    std::printf("store %s\n", setup->location().c_str());

    for (int workers : counts) {
        // A sweep of 60 queued trials per worker count.
        const std::int64_t sweep = 1000 + workers;
        const int trials = 60;
        for (int i = 0; i < trials; ++i)
            if (!setup->createRun(trial(sweep))) return 1;
        std::mutex mutex;
        std::vector<double> claims;
        std::vector<std::int64_t> claimed;
        std::vector<std::thread> threads;
        for (int w = 0; w < workers; ++w)
            threads.emplace_back([&, w] {
                auto store = open(where);
                const std::string name = "bench-" + std::to_string(w);
                for (;;) {
                    const auto t = Clock::now();
                    auto c = store->claimRun(sweep, name, 60);
                    const double ms = msSince(t);
                    if (!c || !*c) return;
                    std::lock_guard lock(mutex);
                    claims.push_back(ms);
                    claimed.push_back((*c)->id);
                }
            });
        for (auto& t : threads) t.join();
        std::printf("claim, %d workers at once: median %.2f ms, p95 %.2f ms (%zu claims)\n", workers,
                    percentile(claims, 0.5), percentile(claims, 0.95), claims.size());

        // Each worker writes 20 epochs into a run of its own.
        std::vector<double> writes;
        threads.clear();
        for (int w = 0; w < workers; ++w)
            threads.emplace_back([&, w] {
                auto store = open(where);
                RunRecord run = *store->run(claimed[static_cast<std::size_t>(w)]);
                std::int64_t step = 0;
                for (int epoch = 1; epoch <= 20; ++epoch) {
                    RunProgress p;
                    for (int b = 0; b < 844; ++b) p.batches.push_back({++step, epoch, 0.5 + 1.0 / step, 0.8, 0.001});
                    p.epochs.push_back({epoch, 0.4, 0.85, 0.45, 0.84, 0.001, 7.5, 7200});
                    run.epochsDone = epoch;
                    run.steps = step;
                    p.run = run;
                    const auto t = Clock::now();
                    if (!store->write(run.id, p)) return;
                    const double ms = msSince(t);
                    std::lock_guard lock(mutex);
                    writes.push_back(ms);
                }
            });
        for (auto& t : threads) t.join();
        std::printf("epoch write (844 batch rows), %d workers at once: median %.2f ms, p95 %.2f ms (%zu epochs)\n",
                    workers, percentile(writes, 0.5), percentile(writes, 0.95), writes.size());
    }
    return 0;
}
