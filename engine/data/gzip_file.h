#pragma once
// Reading a whole file that may be gzip-compressed (zlib detects it; raw files pass through).

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace studio {

/// The decompressed contents of `path` (or its raw bytes when it is not gzip). At most `limit`
/// bytes are read (0 = all). Errors name the file: missing, unreadable, truncated gzip stream.
Result<std::vector<std::uint8_t>> readGzipOrRaw(const std::string& path, std::size_t limit = 0);

}  // namespace studio
