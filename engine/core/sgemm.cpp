#include "engine/core/sgemm.h"

#include <string>

#include <omp.h>

#include <oneapi/dnnl/dnnl.h>

#include "engine/core/assert.h"

namespace studio {

void useOneOpenMpThreadHere() {
    thread_local bool done = false;
    if (!done) {
        omp_set_num_threads(1);
        done = true;
    }
}

void sgemm(bool transA, bool transB, int m, int n, int k, float alpha, const float* a, int lda, const float* b,
           int ldb, float beta, float* c, int ldc) {
    useOneOpenMpThreadHere();
    const dnnl_status_t status =
        dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    STUDIO_ASSERT(status == dnnl_success, ("oneDNN sgemm failed with status " + std::to_string(status)).c_str());
}

}  // namespace studio
