#pragma once
// Reads a layer's options from its spec JSON, collecting every problem in words.
//   SpecReader r(options);
//   int k = r.integer("kernel", 3, 1, 64);
//   ...; if (auto e = r.finish()) return Error::invalid(*e);   // also rejects unknown keys

#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace studio {

class SpecReader;

/// For layers that need C×H×W: nullopt when `input` is an image shape, else the problem in words
/// ("needs an image input (C×H×W) but gets 120 features; put it before flatten/dense").
std::optional<std::string> imageInputProblem(const std::vector<int>& input);

class SpecReader {
public:
    explicit SpecReader(const nlohmann::json& options) : m_options(options) {}

    /// An integer option in [lo, hi]; `fallback` when absent. Records a problem otherwise.
    int integer(const std::string& key, std::optional<int> fallback, int lo, int hi);
    double number(const std::string& key, std::optional<double> fallback, double lo, double hi);
    bool boolean(const std::string& key, bool fallback);
    std::string text(const std::string& key, const std::string& fallback, const std::vector<std::string>& allowed);
    bool has(const std::string& key) const { return m_options.is_object() && m_options.contains(key); }

    void problem(std::string text) { m_problems.push_back(std::move(text)); }
    /// nullopt when all is well; otherwise every problem joined with "; ".
    std::optional<std::string> finish();

private:
    const nlohmann::json& m_options;
    std::set<std::string> m_seen{"type"};
    std::vector<std::string> m_problems;
};

}  // namespace studio
