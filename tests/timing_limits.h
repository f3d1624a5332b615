#pragma once
// Time limits that tests assert (a stall, a stop), stretched for sanitizer builds: the limits
// check responsiveness, not the sanitizers' overhead, which the Release suite does not pay.
// ThreadSanitizer slows the code 5–15×. GCC's ASan+UBSan slows the GUI thread's work as much:
// with four runs training (tst_runs_window) its longest stall was 159–352 ms against 17–21 ms in
// Release, and a boundary drawing job took 550 ms (2-core EPYC, 2026-12-02).

#if defined(STUDIO_SANITIZED)
inline constexpr int kTimingSlack = 10;
#else
inline constexpr int kTimingSlack = 1;
#endif

/// `ms` in a normal build; 10× that under a sanitizer (ASan+UBSan or ThreadSanitizer).
constexpr int timeLimitMs(int ms) {
    return ms * kTimingSlack;
}
