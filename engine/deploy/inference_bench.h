#pragma once
// The inference benchmark: how long one batch takes and how many samples per second a model
// serves, at batch sizes 1/8/32/256 on 1 and on all threads. Every variant (float, INT8, with a
// backbone) runs through snapshotLogits, so all are measured by the same code.
//
//   for each (threads, batch):                       threads outer: one ThreadPool per count
//       x = `batch` inputs cycled from the given samples
//       split x into chunks of kInferenceChunkSamples (fixed, never from the thread count)
//       warm-up runs (caches, per-thread workspaces, allocation), not timed
//       time whole-batch runs until both `minRuns` and `minSeconds` are reached (≤ maxRuns)
//       latency_us = median run time; samples_per_s = batch / median
//
// Medians, not means: one run the OS preempts must not move the figure.

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/infer/snapshot.h"

namespace studio {

class ThreadPool;

struct InferenceBenchOptions {
    std::vector<int> batches{1, 8, 32, 256};
    std::vector<int> threads{1, 0};  // 0 = all hardware threads
    int warmupRuns = 3;
    int minRuns = 7;
    int maxRuns = 2000;
    double minSeconds = 0.25;  // per (batch, threads) pair
};

struct InferenceBenchResult {
    int batch = 0;
    int threads = 0;  // the real count (0 in the options is resolved)
    double latencyUs = 0.0;        // median time of one whole batch
    double samplesPerSecond = 0.0; // batch / median
    int runs = 0;                  // timed runs the median is taken over
};

struct InferenceBenchReport {
    std::string model;  // what the caller calls it (a path, a variant's name)
    std::vector<InferenceBenchResult> results;  // threads-major, in the options' order

    /// {"model": ..., "results": [{"batch", "threads", "latency_us", "samples_per_s"}, …]}
    nlohmann::json toJson() const;
    /// The result for (batch, threads), or null.
    const InferenceBenchResult* find(int batch, int threads) const;
};

/// Called after each (batch, threads) pair: done pairs of total.
using BenchProgress = std::function<void(int done, int total)>;

/// The median of `values` (the mean of the middle two for an even count); NaN when empty.
double median(std::vector<double> values);

/// Times `run` (after `warmupRuns` untimed calls) until minRuns and minSeconds are both reached
/// or maxRuns is; returns the run times in microseconds, in order.
std::vector<double> timeRuns(const std::function<void()>& run, int warmupRuns, int minRuns, int maxRuns,
                             double minSeconds);

/// Samples per chunk: one. Each sample is a task, so a batch splits the same way on any thread
/// count and every thread count runs the same kernels. Measured 2026-11-30 (Fashion-MNIST cnn,
/// 1 thread): chunks of 4 and 32 samples served 1.5-2.3k samples/s against 4.3-5.3k/s for single
/// samples (oneDNN's batched convolutions run out of cache), and lenet 32k/s at 32 against 55k/s;
/// the INT8 path runs sample by sample for the same reason. A chunk of one is the engine at its best.
inline constexpr int kInferenceChunkSamples = 1;

/// x:(N, input...) → logits:(N, classes) through snapshotLogits, chunk by chunk on `pool`
/// (each chunk on one thread with its own workspace); equals one snapshotLogits call on x.
void chunkedLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits, ThreadPool& pool);

/// `count` inputs for the model: uniform pixels in [0, 1) from a fixed seed, normalized by the
/// snapshot's preprocessing, as a real prepared image would be. (count, input...).
Tensor benchInputs(const ModelSnapshot& snapshot, int count);

/// Errors (named, with a fix): an empty batch or thread list, a batch or thread count < 1
/// (threads may be 0 = all), warm-up/run counts out of range. `samples`:(M, input...) are cycled
/// to fill each batch; an empty tensor means benchInputs(snapshot, 256). `cancel` (may be null)
/// stops between (batch, threads) pairs with Error::Kind::Cancelled.
Result<InferenceBenchReport> benchInference(const ModelSnapshot& snapshot, const std::string& name,
                                            const InferenceBenchOptions& options, const Tensor& samples = {},
                                            const BenchProgress& progress = {},
                                            const std::atomic<bool>* cancel = nullptr);

}  // namespace studio
