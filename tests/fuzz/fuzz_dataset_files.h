#pragma once
// Writes fuzzer bytes into files a loader reads by path, in a folder of this process's own.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

inline std::filesystem::path fuzzFolder(const char* name) {
    static const std::filesystem::path folder = [&] {
        auto p = std::filesystem::temp_directory_path() / (std::string("studio-fuzz-") + name + "-" +
                                                           std::to_string(::getpid()));
        std::filesystem::create_directories(p);
        return p;
    }();
    return folder;
}

inline void writeBytes(const std::filesystem::path& path, const std::uint8_t* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}
