#include "engine/core/rng.h"

#include <cmath>

namespace studio {

std::uint64_t Rng::below(std::uint64_t n) {
    if (n <= 1) return 0;
    // Lemire: multiply-high with rejection of the biased low range.
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    std::uint64_t low = static_cast<std::uint64_t>(m);
    if (low < n) {
        const std::uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = static_cast<unsigned __int128>(next()) * n;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

float Rng::normal() {
    if (m_hasSpare) {
        m_hasSpare = false;
        return m_spare;
    }
    double u1 = uniformDouble();
    while (u1 <= 1e-300) u1 = uniformDouble();
    const double u2 = uniformDouble();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double t = 6.283185307179586 * u2;
    m_spare = static_cast<float>(r * std::sin(t));
    m_hasSpare = true;
    return static_cast<float>(r * std::cos(t));
}

}  // namespace studio
