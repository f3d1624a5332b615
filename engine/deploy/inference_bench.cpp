#include "engine/deploy/inference_bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "engine/core/parallel.h"
#include "engine/core/rng.h"
#include "engine/infer/snapshot_forward.h"

namespace studio {

namespace {

// One batch cut into its fixed chunks, with an output per chunk, all allocated before timing.
struct ChunkedBatch {
    std::vector<Tensor> inputs;
    std::vector<Tensor> outputs;
};

Shape batchShape(const Shape& input, int n) {
    Shape s{n};
    s.insert(s.end(), input.begin(), input.end());
    return s;
}

ChunkedBatch cutBatch(const Tensor& x, int first, int count, const Shape& input) {
    ChunkedBatch b;
    const int chunk = kInferenceChunkSamples;
    const std::size_t sample = shapeSize(input);
    for (int begin = 0; begin < count; begin += chunk) {
        const int n = std::min(chunk, count - begin);
        Tensor part(batchShape(input, n));
        for (int i = 0; i < n; ++i) {
            const int from = (first + begin + i) % x.dim(0);
            std::memcpy(part.sample(i), x.sample(from), sample * sizeof(float));
        }
        b.inputs.push_back(std::move(part));
    }
    b.outputs.resize(b.inputs.size());
    return b;
}

void runChunks(const ModelSnapshot& snapshot, ChunkedBatch& b, ThreadPool& pool) {
    pool.forEach(static_cast<int>(b.inputs.size()), [&](int c) {
        snapshotLogits(snapshot, b.inputs[std::size_t(c)], b.outputs[std::size_t(c)]);
    });
}

Status checkOptions(const InferenceBenchOptions& o) {
    const std::string hint = "Use batch sizes such as 1,8,32,256 and thread counts such as 1,2 (0 = all cores).";
    if (o.batches.empty()) return Error::invalid("The inference benchmark was given no batch sizes.", hint);
    if (o.threads.empty()) return Error::invalid("The inference benchmark was given no thread counts.", hint);
    for (int b : o.batches)
        if (b < 1 || b > 65536)
            return Error::invalid("Batch size " + std::to_string(b) + " is outside 1…65536.", hint);
    for (int t : o.threads)
        if (t < 0 || t > 1024)
            return Error::invalid("Thread count " + std::to_string(t) + " is outside 0…1024.", hint);
    if (o.warmupRuns < 0 || o.minRuns < 1 || o.maxRuns < o.minRuns || !(o.minSeconds >= 0.0))
        return Error::invalid("The benchmark's run counts are inconsistent (warm-up " + std::to_string(o.warmupRuns) +
                                  ", at least " + std::to_string(o.minRuns) + ", at most " +
                                  std::to_string(o.maxRuns) + ").",
                              "Use warm-up ≥ 0 and 1 ≤ minimum runs ≤ maximum runs.");
    return Status::success();
}

}  // namespace

nlohmann::json InferenceBenchReport::toJson() const {
    nlohmann::json rows = nlohmann::json::array();
    for (const InferenceBenchResult& r : results)
        rows.push_back({{"batch", r.batch},
                        {"threads", r.threads},
                        {"latency_us", r.latencyUs},
                        {"samples_per_s", r.samplesPerSecond}});
    return {{"model", model}, {"results", rows}};
}

const InferenceBenchResult* InferenceBenchReport::find(int batch, int threads) const {
    for (const InferenceBenchResult& r : results)
        if (r.batch == batch && r.threads == threads) return &r;
    return nullptr;
}

double median(std::vector<double> values) {
    if (values.empty()) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + long(mid), values.end());
    if (values.size() % 2 == 1) return values[mid];
    const double upper = values[mid];
    const double lower = *std::max_element(values.begin(), values.begin() + long(mid));
    return 0.5 * (lower + upper);
}

std::vector<double> timeRuns(const std::function<void()>& run, int warmupRuns, int minRuns, int maxRuns,
                             double minSeconds) {
    using Clock = std::chrono::steady_clock;
    for (int i = 0; i < warmupRuns; ++i) run();
    std::vector<double> us;
    double total = 0.0;
    while (int(us.size()) < maxRuns && (int(us.size()) < minRuns || total < minSeconds)) {
        const auto start = Clock::now();
        run();
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        us.push_back(seconds * 1e6);
        total += seconds;
    }
    return us;
}

void chunkedLogits(const ModelSnapshot& snapshot, const Tensor& x, Tensor& logits, ThreadPool& pool) {
    const Shape input(x.shape().begin() + 1, x.shape().end());
    ChunkedBatch b = cutBatch(x, 0, x.dim(0), input);
    runChunks(snapshot, b, pool);
    const int classes = snapshotClasses(snapshot);
    logits.resize({x.dim(0), classes});
    std::size_t at = 0;
    for (const Tensor& out : b.outputs) {
        std::memcpy(logits.data() + at, out.data(), out.size() * sizeof(float));
        at += out.size();
    }
}

Tensor benchInputs(const ModelSnapshot& snapshot, int count) {
    const Shape& input = snapshot.preprocessing.inputShape.empty() ? snapshot.model.inputShape()
                                                                   : snapshot.preprocessing.inputShape;
    Tensor x(batchShape(input, count));
    Rng rng = Rng::forStream(1, RngPurpose::Test, 0x62656e6368ull);  // "bench"
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform();
    const bool normalize = !snapshot.preprocessing.mean.empty();
    for (int n = 0; n < count && normalize; ++n) snapshot.preprocessing.normalize(x.sample(n));
    return x;
}

Result<InferenceBenchReport> benchInference(const ModelSnapshot& snapshot, const std::string& name,
                                            const InferenceBenchOptions& options, const Tensor& samples,
                                            const BenchProgress& progress, const std::atomic<bool>* cancel) {
    STUDIO_TRY(checkOptions(options));
    // What the whole model takes: with a frozen backbone the head's input is features, not samples.
    const Shape input = snapshot.preprocessing.inputShape.empty() ? snapshot.model.inputShape()
                                                                  : snapshot.preprocessing.inputShape;
    const Tensor generated = samples.empty() ? benchInputs(snapshot, 256) : Tensor();
    const Tensor& x = samples.empty() ? generated : samples;
    if (x.rank() < 1 || x.dim(0) < 1 || x.sampleSize() != shapeSize(input))
        return Error::invalid("The benchmark's samples do not fit model '" + name + "', which takes " +
                                  shapeToString(input) + " inputs.",
                              "Benchmark on samples of the model's own dataset, or on generated ones.");

    InferenceBenchReport report;
    report.model = name;
    const int total = int(options.batches.size() * options.threads.size());
    int done = 0;
    for (int requested : options.threads) {
        ThreadPool pool(requested);
        for (int batch : options.batches) {
            if (cancel && cancel->load())
                return Error(Error::Kind::Cancelled, "The benchmark of '" + name + "' was cancelled.");
            ChunkedBatch b = cutBatch(x, 0, batch, input);
            const std::vector<double> us = timeRuns([&] { runChunks(snapshot, b, pool); }, options.warmupRuns,
                                                    options.minRuns, options.maxRuns, options.minSeconds);
            InferenceBenchResult r;
            r.batch = batch;
            r.threads = pool.threads();
            r.latencyUs = median(us);
            r.samplesPerSecond = r.latencyUs > 0.0 ? batch * 1e6 / r.latencyUs : 0.0;
            r.runs = int(us.size());
            report.results.push_back(r);
            if (progress) progress(++done, total);
        }
    }
    return report;
}

}  // namespace studio
