#include "engine/core/parallel.h"

#include <oneapi/tbb/info.h>

namespace studio {

int ThreadPool::hardwareThreads() { return tbb::info::default_concurrency(); }

ThreadPool::ThreadPool(int threads)
    : m_threads(threads > 0 ? threads : hardwareThreads()), m_arena(m_threads) {}

}  // namespace studio
