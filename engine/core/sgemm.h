#pragma once
// sgemm: C = α·op(A)·op(B) + β·C on row-major float matrices, on the calling thread only, by
// oneDNN's JIT sgemm (Debian's libdnnl). Measured on the project's machines it runs 1.6× Eigen's
// product at 1024³ and beats it on the Dense shapes of every preset (tests/bench/bench_layers).
//
// Determinism: one thread per call, so a result depends on the shapes and the CPU's instruction
// set, never on how many threads train (ARCHITECTURE.md, "Determinism").

namespace studio {

/// transA/transB: op(X) = Xᵀ when true. A is M×K after op, B is K×N after op, C is M×N;
/// lda/ldb/ldc are the row strides of A, B, C as stored.
void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
           int ldb, float beta, float* c, int ldc);

/// Debian builds oneDNN on OpenMP: a call from a thread starts an OpenMP team the size of that
/// thread's omp_get_max_threads(). Our TBB threads already split the work, so each calling
/// thread asks once for a team of one. sgemm() and the oneDNN convolutions call it.
void useOneOpenMpThreadHere();

}  // namespace studio
