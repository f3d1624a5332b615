// bench_layers: forward + backward time of each layer of the `cnn` preset on a shard of 32
// 28×28 images, single thread, with GFLOP/s per layer (forward flops × 3 for training: the
// forward product, dW and dx; the first conv has no dx, so × 2). Times are thread CPU time.
// Then the whole model (Model::forward + backward through a Workspace, no loss or optimizer).
//   bench_layers [shard=32] [seconds per layer=0.5] [model]     ("model": only the whole-model run)

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "engine/nn/layer_registry.h"
#include "engine/nn/model.h"
#include "engine/nn/model_spec.h"

using namespace studio;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU time of this thread: other processes sharing the cores do not inflate the numbers.
double threadSeconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// Median thread-CPU time of repeated calls of f.
template <typename F>
double timeIt(F&& f, double budget) {
    f();  // warm-up: allocations, caches
    std::vector<double> samples;
    const auto start = Clock::now();
    while (secondsSince(start) < budget || samples.size() < 5) {
        const double t = threadSeconds();
        f();
        samples.push_back(threadSeconds() - t);
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const int shard = argc > 1 ? std::max(1, std::atoi(argv[1])) : 32;
    const double budget = argc > 2 ? std::atof(argv[2]) : 0.5;
    auto spec = presetSpec("cnn", {1, 28, 28}, 10);
    if (!spec.ok()) {
        std::fprintf(stderr, "%s\n", spec.error().what().c_str());
        return 1;
    }
    auto model = Model::build(*spec);
    if (!model.ok()) {
        std::fprintf(stderr, "%s\n", model.error().what().c_str());
        return 1;
    }
    model->initialize(7);

    Rng rng(11);
    Tensor x({shard, 1, 28, 28});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);

    RunContext ctx;
    ctx.training = true;
    const bool modelOnly = argc > 3 && std::string(argv[3]) == "model";
    if (!modelOnly) {
    std::printf("cnn preset, shard %d, 1 thread\n", shard);
    std::printf("%-3s %-10s %-14s %10s %10s %10s %9s %9s\n", "#", "layer", "output", "fwd ms", "bwd ms", "total ms",
                "fwd GF/s", "f+b GF/s");
    double totalMs = 0.0, totalFlops = 0.0;
    Tensor in = x;
    for (int i = 0; i < model->layerCount(); ++i) {
        const Layer& layer = model->layer(i);
        LayerScratch scratch;
        Tensor y, dy, dx;
        std::vector<Tensor> grads;
        for (const Param& p : layer.params()) grads.emplace_back(p.value.shape());
        ctx.layerIndex = i;
        layer.forward(in, y, scratch, ctx);
        dy.resize(y.shape());
        for (std::size_t j = 0; j < dy.size(); ++j) dy[j] = rng.uniform(-1.0f, 1.0f);
        const bool needDx = i > 0;
        const double fwd = timeIt([&] { layer.forward(in, y, scratch, ctx); }, budget / 2);
        const double bwd = timeIt([&] { layer.backward(in, y, dy, needDx ? &dx : nullptr, grads, scratch, ctx); },
                                  budget / 2);
        const double flopsFwd = static_cast<double>(layer.flops()) * shard;
        const bool matmul = layer.kind() == "conv2d" || layer.kind() == "dense";
        const double flopsAll = matmul ? flopsFwd * (needDx ? 3.0 : 2.0) : flopsFwd;
        totalMs += (fwd + bwd) * 1e3;
        totalFlops += flopsAll;
        std::printf("%-3d %-10s %-14s %10.3f %10.3f %10.3f %9.1f %9.1f\n", i + 1, layer.kind().c_str(),
                    shapeToString(layer.outputShape()).c_str(), fwd * 1e3, bwd * 1e3, (fwd + bwd) * 1e3,
                    flopsFwd / fwd / 1e9, flopsAll / (fwd + bwd) / 1e9);
        in = y;
    }
    std::printf("total %.3f ms per shard of %d: %.0f samples/s per core (layers only, no loss/optimizer), %.1f GFLOP/s\n",
                totalMs, shard, shard / (totalMs / 1e3), totalFlops / (totalMs / 1e3) / 1e9);
    }

    Workspace ws(*model);
    ws.input() = x;
    Tensor dOut({shard, model->outputSize()});
    for (std::size_t j = 0; j < dOut.size(); ++j) dOut[j] = rng.uniform(-0.1f, 0.1f);
    const double step = timeIt([&] {
        model->forward(ws, ctx);
        model->backward(ws, dOut, ctx);
    }, modelOnly ? 4.0 * budget : budget);
    std::printf("whole model forward+backward: %.3f ms per shard of %d = %.0f samples/s per core\n", step * 1e3, shard,
                shard / step);
    return 0;
}
