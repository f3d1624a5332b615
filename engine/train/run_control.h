#pragma once
// RunControl: pause/resume/stop requests from any thread, honoured by the training loop at
// step boundaries. Paused, the loop sleeps on a condition variable (no polling, no CPU).
// Pacing (for watching a toy run learn): at most N steps per second, or one step at a time
// while paused; the loop sleeps on the same condition variable, so a paced run computes
// exactly what an unpaced one does (only when, never what).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace studio {

struct ModelSnapshot;

class RunControl {
public:
    using Clock = std::chrono::steady_clock;

    void pause() {
        std::lock_guard lock(m_mutex);
        m_paused = true;
    }
    void resume() {
        {
            std::lock_guard lock(m_mutex);
            m_paused = false;
            m_stepping = false;
            m_stepBudget = 0;
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
    /// Before a new run (the pace is a viewer's setting and stays).
    void reset() {
        std::lock_guard lock(m_mutex);
        m_paused = false;
        m_stop = false;
        m_edits.clear();
        m_stepping = false;
        m_stepBudget = 0;
        m_lastStep = {};
        m_peekRequested = false;
        m_peek.reset();
    }
    /// At most `stepsPerSecond` training steps a second (≤ 0: as fast as it goes). Any thread.
    void setPace(double stepsPerSecond) {
        {
            std::lock_guard lock(m_mutex);
            m_stepsPerSecond = std::max(0.0, stepsPerSecond);
        }
        m_cv.notify_all();
    }
    double pace() const {
        std::lock_guard lock(m_mutex);
        return m_stepsPerSecond;
    }
    /// Pauses (if not paused) and lets exactly one more training step run. The evaluation that
    /// may follow that step (an epoch's end) runs too, so the step's epoch finishes.
    void stepOnce() {
        {
            std::lock_guard lock(m_mutex);
            m_paused = true;
            m_stepping = true;
            ++m_stepBudget;
        }
        m_cv.notify_all();
    }
    /// Asks the loop for a copy of the current weights at its next step boundary (peek()).
    void requestPeek() {
        std::lock_guard lock(m_mutex);
        m_peekRequested = true;
    }
    bool takePeekRequest() {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_peekRequested, false);
    }
    void setPeek(std::shared_ptr<const ModelSnapshot> snapshot) {
        std::lock_guard lock(m_mutex);
        m_peek = std::move(snapshot);
    }
    /// The latest weights handed over after requestPeek() (null before the first).
    std::shared_ptr<const ModelSnapshot> peek() const {
        std::lock_guard lock(m_mutex);
        return m_peek;
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
    /// Called by the loop between evaluation batches: waits while paused (unless single
    /// steps were asked for since the pause); false when the run must stop.
    bool proceed() {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [this] { return !m_paused || m_stepping || m_stop; });
        return !m_stop;
    }
    /// Called by the loop before each training step: waits while paused (until a stepOnce)
    /// and until the pace allows the next step; false when the run must stop.
    bool proceedToStep() {
        std::unique_lock lock(m_mutex);
        for (;;) {
            if (m_stop) return false;
            if (m_paused) {
                if (m_stepBudget > 0) {
                    --m_stepBudget;
                    m_lastStep = Clock::now();
                    return true;
                }
                m_cv.wait(lock);
                continue;
            }
            const auto now = Clock::now();
            if (m_stepsPerSecond > 0 && m_lastStep != Clock::time_point{}) {
                const auto due = m_lastStep + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(1.0 / m_stepsPerSecond));
                if (now < due) {
                    m_cv.wait_until(lock, due);  // woken early by stop, pause or a new pace
                    continue;
                }
                // Keep the cadence when on time; a late step (slow training) does not bank credit.
                m_lastStep = now - due < std::chrono::milliseconds(50) ? due : now;
                return true;
            }
            m_lastStep = now;
            return true;
        }
    }

private:
    mutable std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_paused = false;
    bool m_stop = false;
    bool m_stepping = false;  // stepOnce() since the last resume
    int m_stepBudget = 0;
    double m_stepsPerSecond = 0.0;
    Clock::time_point m_lastStep{};
    bool m_peekRequested = false;
    std::shared_ptr<const ModelSnapshot> m_peek;
    std::vector<std::pair<std::string, nlohmann::json>> m_edits;
};

}  // namespace studio
