#pragma once
// User-caused failures are values: an Error names the thing (file, option, layer) and says how
// to fix it. The UI and the CLI show `what()`; nothing in the engine exits on bad input.

#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "engine/core/assert.h"

namespace studio {

class Error {
public:
    enum class Kind { NotFound, InvalidArgument, Corrupt, Io, Numerical, Unsupported, Cancelled };

    Error(Kind kind, std::string message, std::string hint = {})
        : m_kind(kind), m_message(std::move(message)), m_hint(std::move(hint)) {}

    static Error notFound(std::string m, std::string h = {}) { return {Kind::NotFound, std::move(m), std::move(h)}; }
    static Error invalid(std::string m, std::string h = {}) { return {Kind::InvalidArgument, std::move(m), std::move(h)}; }
    static Error corrupt(std::string m, std::string h = {}) { return {Kind::Corrupt, std::move(m), std::move(h)}; }
    static Error io(std::string m, std::string h = {}) { return {Kind::Io, std::move(m), std::move(h)}; }
    static Error numerical(std::string m, std::string h = {}) { return {Kind::Numerical, std::move(m), std::move(h)}; }
    static Error unsupported(std::string m, std::string h = {}) { return {Kind::Unsupported, std::move(m), std::move(h)}; }

    Kind kind() const { return m_kind; }
    const std::string& message() const { return m_message; }
    const std::string& hint() const { return m_hint; }
    /// One line for people: the message, then the hint.
    std::string what() const { return m_hint.empty() ? m_message : m_message + " " + m_hint; }

private:
    Kind m_kind;
    std::string m_message;
    std::string m_hint;
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}  // NOLINT: implicit by design
    Result(Error error) : m_v(std::move(error)) {}  // NOLINT

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { STUDIO_ASSERT(ok(), "Result::value() on an error"); return std::get<0>(m_v); }
    const T& value() const& { STUDIO_ASSERT(ok(), "Result::value() on an error"); return std::get<0>(m_v); }
    T&& value() && { STUDIO_ASSERT(ok(), "Result::value() on an error"); return std::get<0>(std::move(m_v)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { STUDIO_ASSERT(!ok(), "Result::error() on a value"); return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// Result of an operation with no value.
class [[nodiscard]] Status {
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}  // NOLINT
    static Status success() { return {}; }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error& error() const { STUDIO_ASSERT(!ok(), "Status::error() on success"); return *m_error; }

private:
    std::optional<Error> m_error;
};

}  // namespace studio

// Propagate an error from a Result/Status expression.
#define STUDIO_TRY(expr)                                  \
    do {                                                  \
        auto&& studio_try_r_ = (expr);                    \
        if (!studio_try_r_.ok()) return studio_try_r_.error(); \
    } while (0)
