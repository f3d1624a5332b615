#include "engine/data/gzip_file.h"

#include <filesystem>
#include <system_error>

#include <zlib.h>

namespace studio {

Result<std::vector<std::uint8_t>> readGzipOrRaw(const std::string& path, std::size_t limit) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::notFound("File '" + path + "' does not exist.", "Check the path.");
    const std::uintmax_t onDisk = std::filesystem::file_size(path, ec);
    gzFile file = gzopen(path.c_str(), "rb");
    if (!file) return Error::io("Cannot open '" + path + "' for reading.", "Check its permissions.");
    gzbuffer(file, 1 << 18);

    std::vector<std::uint8_t> data;
    // A gzip's size is not known up front; start from the size on disk (raw) or a few times it.
    if (!ec) data.reserve(static_cast<std::size_t>(std::min<std::uintmax_t>(onDisk * 4, std::uintmax_t(1) << 31)));
    constexpr unsigned kChunk = 1u << 22;
    bool failed = false;
    std::string reason;
    while (limit == 0 || data.size() < limit) {
        const std::size_t want = limit == 0 ? kChunk : std::min<std::size_t>(kChunk, limit - data.size());
        const std::size_t old = data.size();
        data.resize(old + want);
        const int got = gzread(file, data.data() + old, static_cast<unsigned>(want));
        if (got < 0) {
            int code = 0;
            reason = gzerror(file, &code);
            failed = true;
            data.resize(old);
            break;
        }
        data.resize(old + static_cast<std::size_t>(got));
        if (got == 0) break;
    }
    if (!failed && (limit == 0 || data.size() < limit)) {
        // gzread returns a short count at a cut-off stream; gzerror then says Z_BUF_ERROR.
        int code = Z_OK;
        const char* message = gzerror(file, &code);
        if (code != Z_OK) {
            failed = true;
            reason = message ? message : "read error";
        }
    }
    gzclose(file);
    if (failed)
        return Error::corrupt("'" + path + "' is damaged: " + reason + ".",
                              "The download may be incomplete; fetch or reinstall the file.");
    return data;
}

}  // namespace studio
