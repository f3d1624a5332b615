#include "engine/data/gzip_file.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include <zlib.h>

namespace studio {

Result<GzipReader> GzipReader::open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::notFound("File '" + path + "' does not exist.", "Check the path.");
    const std::uintmax_t size = std::filesystem::file_size(path, ec);
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) return Error::io("Cannot open '" + path + "' for reading.", "Check its permissions.");
    // zlib allocates its input buffer and twice that for output on the first read: 256 KiB
    // reads a large file in few calls, but a buffer larger than the file holds nothing more.
    // (768 KiB for a 40-byte file, twice per IDX pair, was most of a fuzzer execution.)
    constexpr std::uintmax_t kLargest = 1 << 18, kSmallest = 1 << 12;
    gzbuffer(file, static_cast<unsigned>(ec ? kLargest : std::clamp(size, kSmallest, kLargest)));
    return GzipReader(path, file);
}

GzipReader::GzipReader(GzipReader&& other) noexcept
    : m_path(std::move(other.m_path)), m_file(std::exchange(other.m_file, nullptr)) {}

GzipReader& GzipReader::operator=(GzipReader&& other) noexcept {
    if (this != &other) {
        if (m_file) gzclose(m_file);
        m_path = std::move(other.m_path);
        m_file = std::exchange(other.m_file, nullptr);
    }
    return *this;
}

GzipReader::~GzipReader() {
    if (m_file) gzclose(m_file);
}

Result<std::size_t> GzipReader::read(std::uint8_t* out, std::size_t n) {
    std::size_t total = 0;
    while (total < n) {
        const unsigned want = static_cast<unsigned>(std::min<std::size_t>(n - total, std::size_t(1) << 30));
        const int got = gzread(m_file, out + total, want);
        if (got > 0) total += static_cast<std::size_t>(got);
        if (got < 0 || static_cast<unsigned>(got) < want) {
            // A short count is the end of the data, or a cut-off stream (gzerror: Z_BUF_ERROR).
            int code = Z_OK;
            const char* message = gzerror(m_file, &code);
            if (got < 0 || code != Z_OK)
                return Error::corrupt("'" + m_path + "' is damaged: " + (message ? message : "read error") + ".",
                                      "The download may be incomplete; fetch or reinstall the file.");
            break;
        }
    }
    return total;
}

Result<bool> GzipReader::atEnd() {
    std::uint8_t byte = 0;
    auto got = read(&byte, 1);
    if (!got) return got.error();
    return *got == 0;
}

Result<std::vector<std::uint8_t>> readGzipOrRaw(const std::string& path, std::size_t limit) {
    auto reader = GzipReader::open(path);
    if (!reader) return reader.error();
    std::vector<std::uint8_t> data;
    constexpr std::size_t kChunk = 64 << 10;  // grow as data arrive, never by a fixed large step
    while (data.size() < limit) {
        const std::size_t old = data.size(), want = std::min(kChunk, limit - old);
        data.resize(old + want);
        auto got = reader->read(data.data() + old, want);
        if (!got) return got.error();
        data.resize(old + *got);
        if (*got < want) break;
    }
    return data;
}

}  // namespace studio
