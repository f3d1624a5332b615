#pragma once
// MetricsQueue: the trainer pushes events from its driver thread; the GUI drains everything
// pending in one call ~30×/s (STYLE.md §7). A mutex and a vector swap: pushes never wait on the
// reader's work, and a drain costs one lock however many events piled up.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "engine/train/metrics.h"

namespace studio {

class MetricsQueue {
public:
    /// Threads: any thread.
    void push(TrainingEvent event);
    /// Everything pushed since the last drain, oldest first. Never blocks on the trainer's work.
    std::vector<TrainingEvent> drain();
    /// Like drain(), but waits up to `timeout` for at least one event (for blocking callers).
    std::vector<TrainingEvent> waitAndDrain(std::chrono::milliseconds timeout);
    void clear();

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::vector<TrainingEvent> m_pending;
};

}  // namespace studio
