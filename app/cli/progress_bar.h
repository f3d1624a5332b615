#pragma once
// EpochProgressBar: a one-line bar with the ETA inside each epoch, redrawn in place (\r) at most
// ten times a second, for a person at a terminal: a 60-second epoch otherwise prints nothing
// until it ends. When stdout is not a terminal (a pipe, a file, a test) it prints nothing, so
// scripts read the same plain lines as before.

#include <chrono>
#include <cstdio>

#include "engine/train/metrics.h"

namespace studio::cli {

class EpochProgressBar {
public:
    /// Draws only when `out` is a terminal (and TERM is not "dumb").
    explicit EpochProgressBar(std::FILE* out);
    /// Whether it draws at all.
    bool enabled() const { return m_enabled; }

    void start(const RunStarted& started);
    /// Redraws the bar for this batch (throttled).
    void batch(const BatchMetrics& m);
    /// Erases the bar, so a whole line can be printed where it was.
    void clear();

private:
    using Clock = std::chrono::steady_clock;
    std::FILE* m_out;
    bool m_enabled = false;
    bool m_drawn = false;
    int m_stepsPerEpoch = 0;
    int m_epochs = 0;
    int m_epoch = 0;
    Clock::time_point m_epochStart;
    Clock::time_point m_lastDraw;
};

}  // namespace studio::cli
