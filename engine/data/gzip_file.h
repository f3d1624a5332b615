#pragma once
// Reading files that may be gzip-compressed (zlib detects it; raw files pass through).
// A gzip's inflated size is not known up front and may be a thousand times its size on disk,
// so readers stream: read a header, check what it promises, then read exactly that.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"

struct gzFile_s;

namespace studio {

class GzipReader {
public:
    /// Errors name the file: missing, not a regular file, unreadable.
    static Result<GzipReader> open(const std::string& path);
    GzipReader(GzipReader&& other) noexcept;
    GzipReader& operator=(GzipReader&& other) noexcept;
    GzipReader(const GzipReader&) = delete;
    GzipReader& operator=(const GzipReader&) = delete;
    ~GzipReader();

    /// Reads up to `n` bytes into `out` and returns how many; fewer only where the data end.
    /// A damaged or cut-off gzip stream is an Error naming the file.
    Result<std::size_t> read(std::uint8_t* out, std::size_t n);
    /// True when no byte follows. Reads at most one byte ahead (which is then consumed).
    Result<bool> atEnd();
    const std::string& path() const { return m_path; }

private:
    GzipReader(std::string path, gzFile_s* file) : m_path(std::move(path)), m_file(file) {}
    std::string m_path;
    gzFile_s* m_file = nullptr;
};

/// The first `limit` decompressed bytes of `path` (fewer when the data are shorter).
Result<std::vector<std::uint8_t>> readGzipOrRaw(const std::string& path, std::size_t limit);

}  // namespace studio
