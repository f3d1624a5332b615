#pragma once
// ThreadPool: a tbb::task_arena with a fixed number of threads. Work is split over what is
// written (rows, shards), never over a reduction, so results do not depend on the thread count.

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>

namespace studio {

class ThreadPool {
public:
    /// threads <= 0: all hardware threads.
    explicit ThreadPool(int threads = 0);
    int threads() const { return m_threads; }

    /// f(i) for i in [0, n), each index exactly once, grain 1. Blocks until done.
    template <typename F>
    void forEach(int n, F&& f) {
        if (n <= 0) return;
        if (m_threads == 1 || n == 1) {
            for (int i = 0; i < n; ++i) f(i);
            return;
        }
        m_arena.execute([&] {
            tbb::parallel_for(tbb::blocked_range<int>(0, n, 1), [&](const tbb::blocked_range<int>& r) {
                for (int i = r.begin(); i < r.end(); ++i) f(i);
            }, tbb::simple_partitioner());
        });
    }

    /// Runs f inside the arena (for code that calls tbb algorithms itself).
    template <typename F>
    void execute(F&& f) { m_arena.execute(std::forward<F>(f)); }

    static int hardwareThreads();

private:
    int m_threads;
    tbb::task_arena m_arena;
};

}  // namespace studio
