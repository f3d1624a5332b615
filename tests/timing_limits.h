#pragma once
// Time limits that tests assert (a stall, a stop), stretched for sanitizer builds: ASan and UBSan
// slow the code 2–3×, ThreadSanitizer 5–15×, and the limits check responsiveness, not the
// sanitizers' overhead.

#if defined(STUDIO_TSAN)
inline constexpr int kTimingSlack = 10;
#elif defined(STUDIO_SANITIZED)
inline constexpr int kTimingSlack = 3;
#else
inline constexpr int kTimingSlack = 1;
#endif

/// `ms` in a normal build; 3× that under ASan+UBSan, 10× under ThreadSanitizer.
constexpr int timeLimitMs(int ms) {
    return ms * kTimingSlack;
}
