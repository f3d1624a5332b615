#pragma once
// The machine a report's figures belong to: CPU model, logical cores, the vector extensions the
// kernels can use, memory and the operating system. Read from /proc and uname; "unknown" where
// the system does not say.

#include <cstdint>
#include <string>
#include <vector>

namespace studio {

struct MachineInfo {
    std::string cpuModel = "unknown";
    int logicalCores = 0;                // processors listed in /proc/cpuinfo (else hardware_concurrency)
    std::vector<std::string> flags;      // the SIMD extensions present, of a fixed list (sse4_2 … avx512_vnni)
    std::int64_t memoryBytes = 0;        // MemTotal
    std::string system;                  // "Linux 6.1.0 x86_64"
    std::string host;
};

MachineInfo readMachineInfo();

}  // namespace studio
