#include "engine/store/run_store.h"

#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <fstream>
#include <string>
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>

#include "engine/io/json_limits.h"

namespace studio {

namespace {

constexpr std::array<std::pair<RunStatus, const char*>, 7> kStatusNames{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Paused, "paused"},
    {RunStatus::Finished, "finished"},
    {RunStatus::Stopped, "stopped"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Interrupted, "interrupted"},
}};

}  // namespace

const char* runStatusText(RunStatus s) {
    for (const auto& [status, name] : kStatusNames)
        if (status == s) return name;
    return "interrupted";
}

std::optional<RunStatus> runStatusFromText(const std::string& text) {
    for (const auto& [status, name] : kStatusNames)
        if (text == name) return status;
    return std::nullopt;
}

bool isResumable(RunStatus s) {
    return s == RunStatus::Stopped || s == RunStatus::Interrupted || s == RunStatus::Failed || s == RunStatus::Finished;
}

nlohmann::json storedJson(const std::string& text) {
    auto j = parseJsonLimited(text, "A stored value", "");
    return j ? *j : nlohmann::json();
}

nlohmann::json storedObject(const std::string& text) {
    auto j = storedJson(text);
    return j.is_object() ? j : nlohmann::json::object();
}

void dropMistypedFields(RunRecord& run) {
    for (const char* key : {"source", "name", "hash"})
        if (run.dataset.contains(key) && !run.dataset[key].is_string()) run.dataset.erase(key);
}

void dropMistypedFields(SweepRecord& sweep) {
    nlohmann::json& s = sweep.settings;
    if (s.contains("strategy") && !s["strategy"].is_string()) s.erase("strategy");
    if (s.contains("rungs")) {
        const nlohmann::json& rungs = s["rungs"];
        bool whole = rungs.is_array();
        for (const auto& r : rungs) whole = whole && r.is_number_integer();
        if (!whole) s.erase("rungs");
    }
}

bool isActive(RunStatus s) {
    return s == RunStatus::Queued || s == RunStatus::Running || s == RunStatus::Paused;
}

bool isPostgresUrl(const std::string& location) {
    return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string redactedStoreLocation(const std::string& location) {
    if (!isPostgresUrl(location)) return location;
    std::string out = location;
    // postgresql://user:secret@host → postgresql://user@host
    const auto scheme = out.find("://") + 3;
    const auto at = out.find('@', scheme);
    const auto slash = out.find('/', scheme);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
        const auto colon = out.find(':', scheme);
        if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
    // …?password=secret&… → …?…
    for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=")) {
        auto end = out.find('&', p);
        const bool first = p > 0 && out[p - 1] == '?';
        if (end == std::string::npos)
            out.erase(first ? p - 1 : p - 1);
        else
            out.erase(p, end + 1 - p);
    }
    return out;
}

Result<std::unique_ptr<RunStore>> openRunStore(const std::string& location) {
    if (isPostgresUrl(location)) return openPostgresRunStore(location);
    if (location.rfind("sqlite://", 0) == 0) return openSqliteRunStore(location.substr(9));
    return openSqliteRunStore(location);
}

std::string defaultStorePath() {
    // Paths joined with std::filesystem: GCC 12 warns falsely (-Wrestrict) on these string sums.
    namespace fs = std::filesystem;
    if (const char* env = std::getenv("TRAINING_STUDIO_STORE"); env && *env) return env;
    fs::path base(".");
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        base = xdg;
    else if (const char* home = std::getenv("HOME"); home && *home)
        base = fs::path(home) / ".local" / "share";
    return (base / "training-studio" / "runs.sqlite").string();
}

std::string runColor(std::int64_t runId) {
    static const char* palette[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    return palette[static_cast<std::size_t>((runId > 0 ? runId - 1 : 0) % 10)];
}

double unixNow() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool processAlive(std::int64_t pid) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;
    const auto close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || (line[close + 2] != 'Z' && line[close + 2] != 'X');
}

std::string hostName() {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "localhost";
    return buf;
}

}  // namespace studio
