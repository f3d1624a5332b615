#include "engine/io/atomic_file.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
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

// Temporaries of saves whose process was killed (SIGKILL, power cut) stay behind as
// ".<name>.tmp-<pid>-XXXXXX". Each save removes those of dead processes in its folder, and any
// of the older unnamed form (".<name>.tmp-XXXXXX") untouched for ten minutes.
void removeOrphanedTemporaries(const std::filesystem::path& folder) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        const auto at = name.rfind(".tmp-");
        if (name.empty() || name[0] != '.' || at == std::string::npos || !it->is_regular_file(ec)) continue;
        const std::string rest = name.substr(at + 5);
        bool orphan = false;
        if (const auto dash = rest.find('-');
            dash != std::string::npos && dash > 0 && rest.find_first_not_of("0123456789") == dash) {
            const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
            orphan = pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
        } else {
            const auto modified = fs::last_write_time(it->path(), ec);
            orphan = !ec && now - modified > std::chrono::minutes(10);
        }
        if (orphan) fs::remove(it->path(), ec);
    }
}

}  // namespace

Status writeFileAtomically(const std::string& path, std::span<const std::uint8_t> bytes, const std::string& what) {
    namespace fs = std::filesystem;
    const fs::path target(path);
    if (target.filename().empty())
        return Error::invalid("Cannot save " + what + " to '" + path + "': it names a folder, not a file.",
                              "Add a file name.");
    const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
    removeOrphanedTemporaries(folder);
    std::string tempName(1, '.');
    tempName.append(target.filename().string()).append(".tmp-").append(std::to_string(::getpid())).append("-XXXXXX");
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
