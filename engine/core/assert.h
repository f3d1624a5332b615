#pragma once
// STUDIO_ASSERT: a broken invariant (a bug in our code), never a user error.
// User errors are Error values (result.h). Asserts stay on in release builds: a wrong
// shape deep in a kernel must stop loudly, not silently corrupt weights.

namespace studio::detail {
[[noreturn]] void assertFailed(const char* expression, const char* message, const char* file, int line);
}

#define STUDIO_ASSERT(cond, msg) \
    ((cond) ? static_cast<void>(0) : ::studio::detail::assertFailed(#cond, msg, __FILE__, __LINE__))
