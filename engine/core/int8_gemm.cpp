#include "engine/core/int8_gemm.h"

#include <algorithm>
#include <array>
#include <utility>
#include <cstring>

#include <immintrin.h>

#include "engine/core/assert.h"

namespace studio {

namespace {

constexpr int kBlock = 16;  // output channels per packed block

std::int32_t load4(const std::uint8_t* p) {
    std::int32_t v;
    std::memcpy(&v, p, 4);
    return v;
}

// ---- AVX-512 VNNI: MR rows × NB blocks of 16 channels, MR·NB zmm accumulators ----------------

template <int MR, int NB>
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void vnniTile(const std::uint8_t* a, int lda,
                                                                   const PackedInt8Weights& b, int block,
                                                                   std::int32_t* c, int ldc, int cols) {
    __m512i acc[MR][NB];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r)
#pragma GCC unroll 2
        for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_setzero_si512();
    const std::int8_t* bp[NB];
    for (int j = 0; j < NB; ++j) bp[j] = b.block(block + j);
    const int groups = b.paddedDepth() / 4;
    for (int g = 0; g < groups; ++g) {
        __m512i w[NB];
#pragma GCC unroll 2
        for (int j = 0; j < NB; ++j) w[j] = _mm512_load_si512(bp[j] + 64 * g);
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const __m512i av = _mm512_set1_epi32(load4(a + static_cast<std::size_t>(r) * lda + 4 * g));
#pragma GCC unroll 2
            for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], av, w[j]);
        }
    }
    for (int r = 0; r < MR; ++r)
        for (int j = 0; j < NB; ++j) {
            std::int32_t* out = c + static_cast<std::size_t>(r) * ldc + kBlock * j;
            const int n = std::min(kBlock, cols - kBlock * j);
            if (n == kBlock)
                _mm512_storeu_si512(out, acc[r][j]);
            else if (n > 0)
                _mm512_mask_storeu_epi32(out, static_cast<__mmask16>((1u << n) - 1), acc[r][j]);
        }
}

constexpr int kVnniRows = 6;

using Tile = void (*)(const std::uint8_t*, int, const PackedInt8Weights&, int, std::int32_t*, int, int);

template <int NB, int... R>
constexpr std::array<Tile, sizeof...(R)> vnniTiles(std::integer_sequence<int, R...>) {
    return {&vnniTile<R + 1, NB>...};
}

void gemmVnni(const std::uint8_t* a, int m, int lda, const PackedInt8Weights& b, std::int32_t* c, int ldc) {
    static constexpr auto one = vnniTiles<1>(std::make_integer_sequence<int, kVnniRows>{});
    static constexpr auto two = vnniTiles<2>(std::make_integer_sequence<int, kVnniRows>{});
    for (int j = 0; j < b.blocks(); j += 2) {
        const int nb = std::min(2, b.blocks() - j);
        const int cols = std::min(b.outputs() - kBlock * j, kBlock * nb);
        for (int i = 0; i < m; i += kVnniRows) {
            const int rows = std::min(kVnniRows, m - i);
            const Tile tile = (nb == 2 ? two : one)[static_cast<std::size_t>(rows - 1)];
            tile(a + static_cast<std::size_t>(i) * lda, lda, b, j, c + static_cast<std::size_t>(i) * ldc + kBlock * j,
                 ldc, cols);
        }
    }
}

// ---- AVX2: MR rows × one block (two ymm halves of 8 channels) -----------------------------------

template <int MR>
__attribute__((target("avx2"))) void avx2Tile(const std::uint8_t* a, int lda, const PackedInt8Weights& b, int block,
                                               std::int32_t* c, int ldc, int cols) {
    __m256i acc[MR][2];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    const std::int8_t* bp = b.block(block);
    const __m256i ones = _mm256_set1_epi16(1), twos = _mm256_set1_epi16(2);
    const __m256i low7 = _mm256_set1_epi8(0x7F), bit0 = _mm256_set1_epi8(1);
    const int groups = b.paddedDepth() / 4;
    for (int g = 0; g < groups; ++g) {
        const __m256i w0 = _mm256_load_si256(reinterpret_cast<const __m256i*>(bp + 64 * g));
        const __m256i w1 = _mm256_load_si256(reinterpret_cast<const __m256i*>(bp + 64 * g + 32));
#pragma GCC unroll 8
        for (int r = 0; r < MR; ++r) {
            const __m256i av = _mm256_set1_epi32(load4(a + static_cast<std::size_t>(r) * lda + 4 * g));
            // a = 2·hi + lo with hi ≤ 127, lo ≤ 1: no int16 pair sum can saturate.
            const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(av, 1), low7);
            const __m256i lo = _mm256_and_si256(av, bit0);
            acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(_mm256_maddubs_epi16(hi, w0), twos));
            acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(_mm256_maddubs_epi16(lo, w0), ones));
            acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(_mm256_maddubs_epi16(hi, w1), twos));
            acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(_mm256_maddubs_epi16(lo, w1), ones));
        }
    }
    for (int r = 0; r < MR; ++r)
        for (int h = 0; h < 2; ++h) {
            std::int32_t* out = c + static_cast<std::size_t>(r) * ldc + 8 * h;
            const int n = std::min(8, cols - 8 * h);
            if (n == 8) {
                _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), acc[r][h]);
            } else if (n > 0) {
                alignas(32) std::int32_t tmp[8];
                _mm256_store_si256(reinterpret_cast<__m256i*>(tmp), acc[r][h]);
                std::copy(tmp, tmp + n, out);
            }
        }
}

constexpr int kAvx2Rows = 4;

template <int... R>
constexpr std::array<Tile, sizeof...(R)> avx2Tiles(std::integer_sequence<int, R...>) {
    return {&avx2Tile<R + 1>...};
}

void gemmAvx2(const std::uint8_t* a, int m, int lda, const PackedInt8Weights& b, std::int32_t* c, int ldc) {
    static constexpr auto tiles = avx2Tiles(std::make_integer_sequence<int, kAvx2Rows>{});
    for (int j = 0; j < b.blocks(); ++j) {
        const int cols = std::min(b.outputs() - kBlock * j, kBlock);
        for (int i = 0; i < m; i += kAvx2Rows) {
            const int rows = std::min(kAvx2Rows, m - i);
            tiles[static_cast<std::size_t>(rows - 1)](a + static_cast<std::size_t>(i) * lda, lda, b, j,
                                                      c + static_cast<std::size_t>(i) * ldc + kBlock * j, ldc, cols);
        }
    }
}

// ---- Portable: the packed layout in plain loops ------------------------------------------------

void gemmPortable(const std::uint8_t* a, int m, int lda, const PackedInt8Weights& b, std::int32_t* c, int ldc) {
    const int groups = b.paddedDepth() / 4;
    for (int j = 0; j < b.blocks(); ++j) {
        const std::int8_t* bp = b.block(j);
        const int cols = std::min(b.outputs() - kBlock * j, kBlock);
        for (int i = 0; i < m; ++i) {
            std::int32_t acc[kBlock] = {};
            const std::uint8_t* row = a + static_cast<std::size_t>(i) * lda;
            for (int g = 0; g < groups; ++g)
                for (int ch = 0; ch < kBlock; ++ch)
                    for (int q = 0; q < 4; ++q)
                        acc[ch] += std::int32_t(row[4 * g + q]) * std::int32_t(bp[64 * g + 4 * ch + q]);
            std::copy(acc, acc + cols, c + static_cast<std::size_t>(i) * ldc + kBlock * j);
        }
    }
}

}  // namespace

Int8Kernel bestInt8Kernel() {
    static const Int8Kernel best = [] {
        __builtin_cpu_init();
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512vnni"))
            return Int8Kernel::Avx512Vnni;
        if (__builtin_cpu_supports("avx2")) return Int8Kernel::Avx2;
        return Int8Kernel::Portable;
    }();
    return best;
}

bool int8KernelAvailable(Int8Kernel kernel) {
    return static_cast<int>(kernel) <= static_cast<int>(bestInt8Kernel());
}

std::string int8KernelName(Int8Kernel kernel) {
    switch (kernel) {
        case Int8Kernel::Avx512Vnni: return "avx512-vnni";
        case Int8Kernel::Avx2: return "avx2";
        case Int8Kernel::Portable: break;
    }
    return "portable";
}

PackedInt8Weights::PackedInt8Weights(const std::int8_t* b, int n, int k)
    : m_n(n), m_k(k), m_k4(studio::paddedDepth(k)), m_blocks((n + kBlock - 1) / kBlock) {
    STUDIO_ASSERT(n >= 0 && k >= 0, "PackedInt8Weights: negative size");
    m_data.assign(static_cast<std::size_t>(m_blocks) * m_k4 * kBlock, 0);
    m_rowSums.assign(static_cast<std::size_t>(n), 0);
    for (int o = 0; o < n; ++o) {
        std::int8_t* dst = m_data.data() + static_cast<std::size_t>(o / kBlock) * m_k4 * kBlock;
        const int ch = o % kBlock;
        for (int i = 0; i < k; ++i) {
            const std::int8_t v = b[static_cast<std::size_t>(o) * k + i];
            STUDIO_ASSERT(v >= -127, "PackedInt8Weights: a weight of -128 (weights are symmetric, [-127, 127])");
            dst[64 * (i / 4) + 4 * ch + i % 4] = v;
            m_rowSums[static_cast<std::size_t>(o)] += v;
        }
    }
}

void int8Gemm(const std::uint8_t* a, int m, int lda, const PackedInt8Weights& b, std::int32_t* c, int ldc,
              Int8Kernel kernel) {
    STUDIO_ASSERT(lda >= b.paddedDepth() && ldc >= b.outputs(), "int8Gemm: row strides too small");
    STUDIO_ASSERT(int8KernelAvailable(kernel), "int8Gemm: the CPU lacks the requested kernel");
    if (m <= 0 || b.outputs() == 0) return;
    switch (kernel) {
        case Int8Kernel::Avx512Vnni: gemmVnni(a, m, lda, b, c, ldc); return;
        case Int8Kernel::Avx2: gemmAvx2(a, m, lda, b, c, ldc); return;
        case Int8Kernel::Portable: gemmPortable(a, m, lda, b, c, ldc); return;
    }
}

void int8GemmReference(const std::uint8_t* a, int m, int k, int lda, const std::int8_t* b, int n,
                       std::int32_t* c, int ldc) {
    for (int i = 0; i < m; ++i)
        for (int o = 0; o < n; ++o) {
            std::int64_t sum = 0;
            for (int q = 0; q < k; ++q)
                sum += std::int64_t(a[static_cast<std::size_t>(i) * lda + q]) *
                       std::int64_t(b[static_cast<std::size_t>(o) * k + q]);
            c[static_cast<std::size_t>(i) * ldc + o] = static_cast<std::int32_t>(sum);
        }
}

}  // namespace studio
