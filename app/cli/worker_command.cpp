// training-studio-cli worker: claims trials of sweeps from a shared run store and trains them,
// one after another, until none is left. Start as many as you like, on any machines, with any
// launcher (ssh, a Slurm job array, Kubernetes Jobs, systemd): they share nothing but the store.

#include <csignal>
#include <cstdio>
#include <memory>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/run_report.h"
#include "engine/store/trial_worker.h"

namespace studio::cli {

namespace {

const char* kHelp = R"(Usage: training-studio-cli worker --store URL [options]

Claims queued trials (from `sweep ... --enqueue-only`) from the run store, trains each, records
it there, and repeats. No trial runs twice; a trial whose worker dies (no heartbeat for --lease
seconds) goes back to the queue and resumes from its last checkpoint, with the same weights as
an uninterrupted run. SIGTERM, SIGINT or SIGHUP (a Slurm preemption, Ctrl+C, a closed ssh session) stops the trial, gives it
back to the queue, and exits 0.

  --store URL             postgresql://user@host:port/database (the password from ~/.pgpass or
                          a service file), or a SQLite path for workers on one machine
  --sweep ID              only trials of this sweep (default: any sweep's)
  --threads N             threads per trial (default: every core)
  --max-trials N          exit after claiming N trials
  --idle-exit SECONDS     exit after this long without a trial to claim (default: exit when no
                          trial is queued or training)
  --lease SECONDS         how long without a heartbeat before another worker may take over a
                          trial (default 60)
  --name TEXT             this worker's name in the store (default host:pid)

Checkpoints and best models go to the store's shared folder when it has one (`runs folder`),
else into the database itself.
)";

std::shared_ptr<std::atomic<bool>> g_stop = std::make_shared<std::atomic<bool>>(false);

extern "C" void onStopSignal(int) {
    g_stop->store(true);  // lock-free atomic store: safe in a signal handler
}

}  // namespace

int workerCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = {"--store", "--sweep", "--threads", "--max-trials", "--idle-exit", "--lease", "--name"};
    auto start = startCommand(args, spec, "worker", kHelp);
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    auto store = a.required("--store", "postgresql://studio@db.example:5432/runs");
    if (!store) return reportError(store.error());
    auto sweep = a.integer("--sweep", 0, 0, 1'000'000'000'000LL);
    auto threads = a.integer("--threads", 0, 0, 1024);
    auto maxTrials = a.integer("--max-trials", 0, 0, 100'000'000);
    auto idle = a.number("--idle-exit", 0, 0, 1e9);
    auto lease = a.number("--lease", 60, 0.5, 1e7);
    for (const auto* r : {&sweep, &threads, &maxTrials})
        if (!*r) return reportError(r->error());
    for (const auto* r : {&idle, &lease})
        if (!*r) return reportError(r->error());

    WorkerOptions o;
    o.store = *store;
    o.sweepId = *sweep;
    o.threads = static_cast<int>(*threads);
    o.maxTrials = static_cast<int>(*maxTrials);
    o.idleExitSeconds = *idle;
    o.leaseSeconds = *lease;
    o.name = a.value("--name").value_or("");
    o.stop = g_stop;
    struct sigaction action {};
    action.sa_handler = onStopSignal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGHUP, &action, nullptr);  // the ssh session or terminal that started it closed

    std::printf("Worker on %s, store %s%s\n", hostName().c_str(), redactedStoreLocation(o.store).c_str(),
                o.sweepId ? (", sweep " + std::to_string(o.sweepId)).c_str() : "");
    std::fflush(stdout);
    auto summary = runWorker(o, reportingLoader(), [](const WorkerEvent& e) {
        const long long run = static_cast<long long>(e.runId);
        switch (e.kind) {
            case WorkerEvent::Kind::Claimed:
                if (e.epoch > 0)
                    std::printf("run %lld (%s): resumed from epoch %d of %d (attempt %d)\n", run, e.runName.c_str(),
                                e.epoch, e.epochs, e.attempt);
                else
                    std::printf("run %lld (%s): claimed (attempt %d)\n", run, e.runName.c_str(), e.attempt);
                break;
            case WorkerEvent::Kind::Epoch:
                std::printf("run %lld epoch %d/%d: val acc %s\n", run, e.epoch, e.epochs,
                            fixed(e.valAccuracy, 4).c_str());
                break;
            case WorkerEvent::Kind::Finished:
                std::printf("run %lld %s after %d epochs: best val acc %s\n", run, e.message.c_str(), e.epoch,
                            fixed(e.valAccuracy, 4).c_str());
                break;
            case WorkerEvent::Kind::Released:
                std::printf("run %lld: stopped and given back to the queue (its checkpoints stay)\n", run);
                break;
            case WorkerEvent::Kind::Lost:
            case WorkerEvent::Kind::Failed:
                std::printf("run %lld: %s\n", run, e.message.c_str());
                break;
        }
        std::fflush(stdout);
    });
    if (!summary) return reportError(summary.error());
    std::printf("Worker done: %d trials claimed, %d finished, %d failed, %d given back; %s\n", summary->trials,
                summary->finished, summary->failed, summary->released, summary->exitReason.c_str());
    return 0;
}

}  // namespace studio::cli
