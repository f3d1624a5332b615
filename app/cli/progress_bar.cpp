#include "app/cli/progress_bar.h"

#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <string>

namespace studio::cli {

namespace {

constexpr int kWidth = 24;
constexpr auto kRedraw = std::chrono::milliseconds(100);

std::string clockText(double seconds) {
    const long s = seconds > 0 ? static_cast<long>(seconds + 0.5) : 0;
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    return buf;
}

}  // namespace

EpochProgressBar::EpochProgressBar(std::FILE* out) : m_out(out) {
    const char* term = std::getenv("TERM");
    m_enabled = ::isatty(::fileno(out)) == 1 && !(term && std::strcmp(term, "dumb") == 0);
}

void EpochProgressBar::start(const RunStarted& started) {
    m_stepsPerEpoch = started.stepsPerEpoch;
    m_epochs = started.epochs;
    m_epoch = 0;
}

void EpochProgressBar::batch(const BatchMetrics& m) {
    if (!m_enabled || m_stepsPerEpoch <= 0) return;
    const auto now = Clock::now();
    if (m.epoch != m_epoch) {  // a new epoch: its clock starts at its first batch
        m_epoch = m.epoch;
        m_epochStart = now;
        m_lastDraw = {};
    }
    if (m.batch < m_stepsPerEpoch && now - m_lastDraw < kRedraw) return;
    m_lastDraw = now;
    const double done = static_cast<double>(m.batch) / m_stepsPerEpoch;
    const double elapsed = std::chrono::duration<double>(now - m_epochStart).count();
    const double eta = m.batch > 1 ? elapsed / (m.batch - 1) * (m_stepsPerEpoch - m.batch) : 0.0;
    const int filled = static_cast<int>(done * kWidth + 0.5);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '-');
    std::fprintf(m_out, "\r\033[Kepoch %d/%d [%s] %d/%d %3.0f%%  loss %.4f  ETA %s", m.epoch, m_epochs, bar.c_str(),
                 m.batch, m_stepsPerEpoch, done * 100.0, m.loss, m.batch > 1 ? clockText(eta).c_str() : "-");
    std::fflush(m_out);
    m_drawn = true;
}

void EpochProgressBar::clear() {
    if (!m_drawn) return;
    std::fputs("\r\033[K", m_out);
    m_drawn = false;
}

}  // namespace studio::cli
