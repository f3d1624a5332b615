#pragma once
// RunControl: pause/resume/stop requests from any thread, honoured by the training loop at
// step boundaries. Paused, the loop sleeps on a condition variable (no polling, no CPU).

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace studio {

class RunControl {
public:
    void pause() {
        std::lock_guard lock(m_mutex);
        m_paused = true;
    }
    void resume() {
        {
            std::lock_guard lock(m_mutex);
            m_paused = false;
        }
        m_cv.notify_all();
    }
    void requestStop() {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_cv.notify_all();
    }
    /// Before a new run.
    void reset() {
        std::lock_guard lock(m_mutex);
        m_paused = false;
        m_stop = false;
    }
    bool isPaused() const {
        std::lock_guard lock(m_mutex);
        return m_paused;
    }
    bool stopRequested() const {
        std::lock_guard lock(m_mutex);
        return m_stop;
    }
    /// Called by the loop between steps: waits while paused; false when the run must stop.
    bool proceed() {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return !m_paused || m_stop; });
        return !m_stop;
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_paused = false;
    bool m_stop = false;
};

}  // namespace studio
