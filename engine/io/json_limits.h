#pragma once
// Parsing JSON that came from a file. nlohmann's DOM is recursive when copied, compared and
// destroyed, so a file nested 150 000 levels deep ("[[[[…") overflows the stack in whoever
// touches it. A byte scan refuses deep nesting before any node is built.

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

/// No file the studio writes nests deeper than this (a model file header: about 6 levels).
inline constexpr int kMaxJsonDepth = 64;

/// The deepest [ / { nesting in `text`, brackets inside strings ignored. Stops counting (and
/// returns a value > limit) as soon as `limit` is passed, so the cost is one pass, no allocation.
int jsonNestingDepth(std::string_view text, int limit = kMaxJsonDepth);

/// Parses `text`, refusing nesting deeper than kMaxJsonDepth and invalid JSON. `what` names the
/// source in messages ("Model spec 'net.json'"); `hint` says how to fix a syntax error.
/// Never throws (out of memory becomes an Error too).
Result<nlohmann::json> parseJsonLimited(std::string_view text, const std::string& what, const std::string& hint);

}  // namespace studio
