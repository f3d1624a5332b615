// bench_layers: forward + backward time of each layer of a preset on one shard, single thread,
// with GFLOP/s per layer (forward flops × 3 for training: the forward product, dW and dx; the
// first layer has no dx, so × 2) and that rate as a percentage of single-thread sgemm measured
// in the same run (Eigen's and oneDNN's sgemm at 1024³; the faster one is the reference).
// Times are thread CPU time, medians of repeated calls. Then the whole model through a Workspace.
//   bench_layers [--model mlp,lenet,cnn] [--shard 32] [--seconds 0.5] [--conv auto|im2col]

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <omp.h>

#include <Eigen/Core>
#include <oneapi/dnnl/dnnl.h>

#include "engine/core/rng.h"
#include "engine/nn/conv2d.h"
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
    f();  // warm-up: allocations, caches, JIT
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

struct Sgemm {
    double eigen = 0, dnnl = 0;
    double best() const { return std::max(eigen, dnnl); }
};

// Single-thread sgemm GFLOP/s at n³, by Eigen and by oneDNN.
Sgemm measureSgemm(int n, double budget) {
    using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Mat a = Mat::Random(n, n), b = Mat::Random(n, n), c(n, n);
    const double flops = 2.0 * n * n * n;
    Sgemm s;
    s.eigen = flops / timeIt([&] { c.noalias() = a * b; }, budget) / 1e9;
    s.dnnl = flops / timeIt([&] {
                 dnnl_sgemm('N', 'N', n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f, c.data(), n);
             }, budget) / 1e9;
    return s;
}

void benchModel(const std::string& name, int shard, double budget, const Sgemm& sgemm) {
    const bool image = name != "mlp";
    auto spec = presetSpec(name, image ? Shape{1, 28, 28} : Shape{784}, 10);
    if (!spec.ok()) {
        std::fprintf(stderr, "%s\n", spec.error().what().c_str());
        std::exit(1);
    }
    auto model = Model::build(*spec);
    if (!model.ok()) {
        std::fprintf(stderr, "%s\n", model.error().what().c_str());
        std::exit(1);
    }
    model->initialize(7);
    Rng rng(11);
    Tensor x(image ? Shape{shard, 1, 28, 28} : Shape{shard, 784});
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.uniform(-1.0f, 1.0f);
    RunContext ctx;
    ctx.training = true;

    std::printf("\n%s preset, shard %d, 1 thread\n", name.c_str(), shard);
    std::printf("%-3s %-10s %-12s %-18s %9s %9s %9s %9s %9s %8s\n", "#", "layer", "output", "kernel", "fwd ms",
                "bwd ms", "fwd GF/s", "f+b GF/s", "of sgemm", "");
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
        std::string kernel = layer.kind() == "conv2d" ? dynamic_cast<const Conv2D&>(layer).kernelName(shard)
                             : layer.kind() == "dense" ? "onednn sgemm"
                                                        : "";
        const double rate = flopsAll / (fwd + bwd) / 1e9;
        char percent[32] = "";
        if (matmul) std::snprintf(percent, sizeof percent, "%8.0f%%", 100.0 * rate / sgemm.best());
        std::printf("%-3d %-10s %-12s %-18s %9.3f %9.3f %9.1f %9.1f %9s %8s\n", i + 1, layer.kind().c_str(),
                    shapeToString(layer.outputShape()).c_str(), kernel.c_str(), fwd * 1e3, bwd * 1e3,
                    flopsFwd / fwd / 1e9, rate, percent,
                    matmul && rate < 0.75 * sgemm.best() ? "< 75%" : "");
        in = y;
    }
    std::printf("layers: %.3f ms per shard = %.0f samples/s per core, %.1f GFLOP/s (%.0f%% of sgemm)\n", totalMs,
                shard / (totalMs / 1e3), totalFlops / (totalMs / 1e3) / 1e9,
                100.0 * totalFlops / (totalMs / 1e3) / 1e9 / sgemm.best());

    Workspace ws(*model);
    ws.input() = x;
    Tensor dOut({shard, model->outputSize()});
    for (std::size_t j = 0; j < dOut.size(); ++j) dOut[j] = rng.uniform(-0.1f, 0.1f);
    const double step = timeIt([&] {
        model->forward(ws, ctx);
        model->backward(ws, dOut, ctx);
    }, 2.0 * budget);
    std::printf("whole model forward+backward: %.3f ms per shard = %.0f samples/s per core\n", step * 1e3,
                shard / step);
}

}  // namespace

int main(int argc, char** argv) {
    std::string models = "mlp,lenet,cnn";
    int shard = 32;
    double budget = 0.5;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i], value = argv[i + 1];
        if (key == "--model") models = value;
        else if (key == "--shard") shard = std::max(1, std::atoi(value.c_str()));
        else if (key == "--seconds") budget = std::atof(value.c_str());
        else if (key == "--conv") Conv2D::setKernel(value == "im2col" ? Conv2D::Kernel::Im2col : Conv2D::Kernel::Auto);
        else {
            std::fprintf(stderr, "usage: bench_layers [--model mlp,lenet,cnn] [--shard 32] [--seconds 0.5] "
                                 "[--conv auto|im2col]\n");
            return 2;
        }
    }
    omp_set_num_threads(1);  // oneDNN's sgemm on this thread only, as the layers run
    const Sgemm sgemm = measureSgemm(1024, 2.0 * budget);
    std::printf("sgemm 1024³, 1 thread: Eigen %.1f GFLOP/s, oneDNN %.1f GFLOP/s (reference: %.1f)\n", sgemm.eigen,
                sgemm.dnnl, sgemm.best());
    std::stringstream list(models);
    for (std::string name; std::getline(list, name, ',');) benchModel(name, shard, budget, sgemm);
    return 0;
}
