#include "engine/io/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace studio {

namespace {

Error failure(const std::string& what, const std::string& path, const std::string& step, int err) {
    std::string hint = "Choose another folder.";
    if (err == ENOSPC || err == EDQUOT)
        hint = "The disk is full; free some space or choose another drive.";
    else if (err == EACCES || err == EPERM || err == EROFS)
        hint = "The folder is not writable; choose another folder.";
    else if (err == ENOENT || err == ENOTDIR)
        hint = "The folder does not exist; create it or choose another.";
    return Error::io("Cannot save " + what + " to '" + path + "': " + step + " failed (" + std::strerror(err) + ").",
                     hint);
}

}  // namespace

Status writeFileAtomically(const std::string& path, std::span<const std::uint8_t> bytes, const std::string& what) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    if (target.filename().empty())
        return Error::invalid("Cannot save " + what + " to '" + path + "': it names a folder, not a file.",
                              "Add a file name.");
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::string tempName(1, '.');
    tempName.append(target.filename().string()).append(".tmp-XXXXXX");
    const std::string pattern = (folder / tempName).string();
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) return failure(what, path, "creating a temporary file", errno);
    const std::string temp(name.data());
    auto abandon = [&](const std::string& step, int err) {
        ::close(fd);
        ::unlink(temp.c_str());
        return failure(what, path, step, err);
    };
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            return abandon("writing", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    // mkstemp makes the file 0600; a saved model should be as readable as any other document.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    if (::fsync(fd) != 0) return abandon("flushing to disk", errno);
    if (::close(fd) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return failure(what, path, "closing", err);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        ::unlink(temp.c_str());
        return failure(what, path, "replacing the file", err);
    }
    // Make the rename itself durable; a failure here does not undo the save.
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return Status::success();
}

}  // namespace studio
