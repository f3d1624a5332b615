// oneTBB's synchronization, told to ThreadSanitizer through oneTBB's own tool interface (ITT).
//
// Debian's libtbb is not built with -fsanitize=thread, so TSan sees neither how a spawned task
// reaches the worker that runs it nor how a parallel_for's caller learns that every task is done:
// each task body then looks racy against the code around the parallel_for (the prior probe's
// 1,365 reports). oneTBB marks exactly these points for thread checkers such as Intel Inspector:
// with TBB_USE_PROFILING_TOOLS=2 (set by STUDIO_TSAN) its headers call "releasing" on a task when
// it is spawned and on the wait context when a task finishes, and "acquired" on the wait context
// when the wait returns; libtbb itself calls "acquired" on a task just before running it. libtbb
// loads the collector named by INTEL_LIBITTNOTIFY64 and, with INTEL_ITTNOTIFY_GROUPS=sync, sends
// those calls here (tests/CMakeLists.txt sets both for the TSan tests); we hand them to TSan as release/acquire on the same address, so
// TSan sees oneTBB's happens-before edges, and only those: two tasks of one parallel_for stay
// unordered, so a race between them is still reported.

#include <sanitizer/tsan_interface.h>

extern "C" {

// Its presence tells ittnotify to look up each __itt_* function below by name (version 1 API).
__attribute__((visibility("default"))) const char* __itt_api_version() { return "studio itt-to-tsan 1"; }

__attribute__((visibility("default"))) void __itt_sync_releasing(void* addr) { __tsan_release(addr); }
__attribute__((visibility("default"))) void __itt_sync_acquired(void* addr) { __tsan_acquire(addr); }

// Sent around blocking waits and when an object stops being a sync object: nothing to tell TSan.
__attribute__((visibility("default"))) void __itt_sync_prepare(void*) {}
__attribute__((visibility("default"))) void __itt_sync_cancel(void*) {}
__attribute__((visibility("default"))) void __itt_sync_destroy(void*) {}

}  // extern "C"
