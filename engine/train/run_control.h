#pragma once
// RunControl: pause/resume/stop requests from any thread, honoured by the training loop at
// step boundaries. Paused, the loop sleeps on a condition variable (no polling, no CPU).

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

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
        m_edits.clear();
    }
    bool isPaused() const {
        std::lock_guard lock(m_mutex);
        return m_paused;
    }
    bool stopRequested() const {
        std::lock_guard lock(m_mutex);
        return m_stop;
    }
    /// A live option edit, applied by the loop at its next step boundary.
    void requestEdit(std::string key, nlohmann::json value) {
        std::lock_guard lock(m_mutex);
        m_edits.emplace_back(std::move(key), std::move(value));
    }
    std::vector<std::pair<std::string, nlohmann::json>> takeEdits() {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_edits, {});
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
    std::vector<std::pair<std::string, nlohmann::json>> m_edits;
};

}  // namespace studio
