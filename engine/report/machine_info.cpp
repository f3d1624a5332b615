#include "engine/report/machine_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace studio {

MachineInfo readMachineInfo() {
    MachineInfo m;
    std::ifstream in("/proc/cpuinfo");
    std::set<std::string> present;
    int processors = 0;
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string key = line.substr(0, colon);
        key.erase(key.find_last_not_of(" \t") + 1);
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : std::string();
        if (key == "processor") ++processors;
        if (key == "model name" && processors == 1) m.cpuModel = value;
        if (key == "flags" && processors == 1) {
            std::stringstream ss(value);
            for (std::string f; ss >> f;) present.insert(f);
        }
    }
    for (const char* f : {"sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                          "avx_vnni", "avx512_bf16", "amx_tile", "neon", "asimd"})
        if (present.count(f)) m.flags.emplace_back(f);
    m.logicalCores = processors > 0 ? processors : static_cast<int>(std::thread::hardware_concurrency());

    std::ifstream mem("/proc/meminfo");
    for (std::string line; std::getline(mem, line);)
        if (line.rfind("MemTotal:", 0) == 0) {
            std::stringstream ss(line.substr(9));
            long long kb = 0;
            ss >> kb;
            m.memoryBytes = kb * 1024;
        }
    utsname u{};
    if (uname(&u) == 0) m.system = std::string(u.sysname) + " " + u.release + " " + u.machine;
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0) m.host = host;
    return m;
}

}  // namespace studio
