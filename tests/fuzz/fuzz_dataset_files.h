#pragma once
// Writes fuzzer bytes into files a loader reads by path, in a folder of this process's own.
// The folder is in memory (/dev/shm) where there is one: rewriting a file on a disk's file system
// costs a journal update per input, which was most of a file harness's time. It is removed at exit.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

#include <unistd.h>

inline std::filesystem::path fuzzFolder(const char* name) {
    static const std::filesystem::path folder = [&] {
        std::error_code ec;
        const std::filesystem::path shm = "/dev/shm";
        const auto base = std::filesystem::is_directory(shm, ec) ? shm : std::filesystem::temp_directory_path();
        auto p = base / (std::string("studio-fuzz-") + name + "-" + std::to_string(::getpid()));
        std::filesystem::create_directories(p);
        return p;
    }();
    static const bool removeAtExit = [] {
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(folder, ec);
        });
        return true;
    }();
    (void)removeAtExit;
    return folder;
}

inline void writeBytes(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}
