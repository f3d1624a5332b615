#include "engine/train/metrics_queue.h"

namespace studio {

void MetricsQueue::push(TrainingEvent event) {
    {
        std::lock_guard lock(m_mutex);
        m_pending.push_back(std::move(event));
    }
    m_cv.notify_all();
}

std::vector<TrainingEvent> MetricsQueue::drain() {
    std::vector<TrainingEvent> out;
    std::lock_guard lock(m_mutex);
    out.swap(m_pending);
    return out;
}

std::vector<TrainingEvent> MetricsQueue::waitAndDrain(std::chrono::milliseconds timeout) {
    std::vector<TrainingEvent> out;
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, timeout, [this] { return !m_pending.empty(); });
    out.swap(m_pending);
    return out;
}

void MetricsQueue::clear() {
    std::lock_guard lock(m_mutex);
    m_pending.clear();
}

}  // namespace studio
