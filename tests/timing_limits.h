#pragma once
// Time limits that tests assert (a stall, a stop), stretched for sanitizer builds: ASan and UBSan
// slow the code 2–3×, and the limits check responsiveness, not the sanitizers' overhead.

#ifdef STUDIO_SANITIZED
inline constexpr int kTimingSlack = 3;
#else
inline constexpr int kTimingSlack = 1;
#endif

/// `ms` in a normal build; 3× that under the sanitizers.
constexpr int timeLimitMs(int ms) {
    return ms * kTimingSlack;
}
