#pragma once
// Our own random numbers: identical on every standard library and thread count.
// Counter-based: a stream is keyed by (seed, purpose, a, b, c), so any sample's dropout mask or
// augmentation can be regenerated independently of which thread handles it or in what order.
//   Rng rng = Rng::forStream(seed, RngPurpose::Dropout, step, layerIndex, sampleIndex);

#include <cstdint>
#include <numeric>
#include <span>
#include <vector>

namespace studio {

enum class RngPurpose : std::uint64_t { Init = 1, Shuffle, Split, Dropout, Augment, Dataset, Test, Sweep };

class Rng {
public:
    explicit Rng(std::uint64_t seed) : m_state(mix(seed ^ 0x9E3779B97F4A7C15ull)) {}

    static Rng forStream(std::uint64_t seed, RngPurpose purpose, std::uint64_t a = 0, std::uint64_t b = 0,
                         std::uint64_t c = 0) {
        std::uint64_t h = mix(seed + 0x632BE59BD9B4E019ull);
        h = mix(h ^ (static_cast<std::uint64_t>(purpose) * 0x9E3779B97F4A7C15ull));
        h = mix(h ^ (a + 0xD1B54A32D192ED03ull));
        h = mix(h ^ (b + 0xABC98388FB8FAC03ull));
        h = mix(h ^ (c + 0x8CB92BA72F3D8DD7ull));
        Rng r(0);
        r.m_state = h;
        return r;
    }

    /// SplitMix64 step: 64 well-mixed bits.
    std::uint64_t next() {
        m_state += 0x9E3779B97F4A7C15ull;
        return mix(m_state);
    }
    std::uint32_t nextU32() { return static_cast<std::uint32_t>(next() >> 32); }
    /// Uniform in [0, 1) with 24 bits: exactly representable floats.
    float uniform() { return static_cast<float>(next() >> 40) * (1.0f / 16777216.0f); }
    float uniform(float lo, float hi) { return lo + (hi - lo) * uniform(); }
    double uniformDouble() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    /// Uniform integer in [0, n), unbiased (Lemire's method with rejection).
    std::uint64_t below(std::uint64_t n);
    /// Standard normal (Box–Muller with our own uniforms, computed in double for portability of
    /// the inputs; std::log/std::cos of glibc are correctly rounded enough to be stable here).
    float normal();
    float normal(float mean, float stddev) { return mean + stddev * normal(); }
    bool bernoulli(float p) { return uniform() < p; }

    /// Fisher–Yates shuffle with our own integers (std::shuffle differs between libraries).
    template <typename T>
    void shuffle(std::span<T> items) {
        for (std::size_t i = items.size(); i > 1; --i) {
            const std::size_t j = static_cast<std::size_t>(below(i));
            std::swap(items[i - 1], items[j]);
        }
    }
    std::vector<int> permutation(int n) {
        std::vector<int> p(static_cast<std::size_t>(n));
        std::iota(p.begin(), p.end(), 0);
        shuffle(std::span<int>(p));
        return p;
    }

    static std::uint64_t mix(std::uint64_t z) {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t m_state;
    bool m_hasSpare = false;
    float m_spare = 0.0f;
};

}  // namespace studio
