#pragma once
// Integer matrix product for INT8 inference: u8 activations × s8 weights, exact int32 sums.
//
//   C:(M,N) int32 = A:(M,K) u8 · Bᵀ      B:(N,K) s8 in [−127, 127]      C[m][n] = Σ_k A[m][k]·B[n][k]
//
// B is packed once (PackedInt8Weights) into blocks of 16 output channels: for each group of 4
// consecutive k, 64 bytes hold the 4 weights of each of the 16 channels, so one 32-bit broadcast
// of A[m][4g..4g+3] against one 64-byte load feeds 16 channels (vpdpbusd: 64 multiply-adds).
// K is padded to a multiple of 4 and N to a multiple of 16 with zero weights.
//
// Kernels (runtime dispatch, each checked against int8GemmReference in tests/engine/tst_int8):
//   Avx512Vnni  _mm512_dpbusd_epi32: u8·s8 products summed 4 at a time straight into int32.
//   Avx2        _mm256_maddubs_epi16 + _mm256_madd_epi16. vpmaddubsw adds two u8·s8 products in
//               int16 and saturates above 32767 (255·127·2 = 64770), so each activation is split
//               a = 2·(a >> 1) + (a & 1): both halves' pair sums fit in int16, and the int32
//               result is exact for every u8 input.
//   Portable    plain loops over the packed layout, for CPUs without AVX2.
// Integer sums are exact, so every kernel, blocking and thread count gives the same bits.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/tensor.h"

namespace studio {

enum class Int8Kernel { Portable, Avx2, Avx512Vnni };

/// The fastest kernel this CPU runs (checked once with __builtin_cpu_supports).
Int8Kernel bestInt8Kernel();
bool int8KernelAvailable(Int8Kernel kernel);
std::string int8KernelName(Int8Kernel kernel);  // "avx512-vnni", "avx2", "portable"

/// Rows padded to this many bytes of K: A's row stride must be at least paddedDepth(K).
inline int paddedDepth(int k) { return (k + 3) / 4 * 4; }

class PackedInt8Weights {
public:
    PackedInt8Weights() = default;
    /// b:(n, k) row-major, every value in [−127, 127] (asserted).
    PackedInt8Weights(const std::int8_t* b, int n, int k);

    int outputs() const { return m_n; }
    int depth() const { return m_k; }
    int paddedDepth() const { return m_k4; }
    int blocks() const { return m_blocks; }          // ⌈n/16⌉
    const std::int8_t* block(int j) const { return m_data.data() + static_cast<std::size_t>(j) * m_k4 * 16; }
    /// Σ_k B[n][k] per output: what an activation zero point subtracts (zp·rowSum).
    const std::vector<std::int32_t>& rowSums() const { return m_rowSums; }

private:
    int m_n = 0, m_k = 0, m_k4 = 0, m_blocks = 0;
    std::vector<std::int8_t, AlignedAllocator<std::int8_t, 64>> m_data;
    std::vector<std::int32_t> m_rowSums;
};

/// a:(m, lda) u8 with lda ≥ b.paddedDepth() (columns k..lda are read for k < paddedDepth and
/// multiplied by zero weights, so they may hold anything) → c:(m, ldc) int32, columns 0..n−1
/// overwritten, ldc ≥ n. Serial: callers parallelize over what they write.
void int8Gemm(const std::uint8_t* a, int m, int lda, const PackedInt8Weights& b, std::int32_t* c, int ldc,
              Int8Kernel kernel = bestInt8Kernel());

/// The oracle: the definition as three loops over the unpacked b:(n, k).
void int8GemmReference(const std::uint8_t* a, int m, int k, int lda, const std::int8_t* b, int n,
                       std::int32_t* c, int ldc);

}  // namespace studio
