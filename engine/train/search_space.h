#pragma once
// SearchSpace: which options a sweep varies and how, checked against the option schema.
//
//   {"lr": {"log_uniform": [1e-4, 1e-2]},      a range: uniform, log_uniform (numbers),
//    "epochs": {"int_uniform": [2, 6]},          int_uniform / int_log_uniform (whole numbers)
//    "batch_size": [32, 64, 128],                a list of values (any option)
//    "model": ["lenet", "cnn"]}                  "model": architecture presets or spec files
//
// Grid sweeps need lists only; random and successive halving sample ranges too.

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"

namespace studio {

struct SearchDimension {
    enum class Kind { Values, Uniform, LogUniform, IntUniform, IntLogUniform };
    std::string key;  // a schema key, or "model"
    Kind kind = Kind::Values;
    std::vector<nlohmann::json> values;  // Values
    double lo = 0, hi = 0;               // ranges, inclusive
};

class SearchSpace {
public:
    /// Parses and checks: unknown options, values out of the option's range, empty lists,
    /// reversed or non-positive log ranges; errors name the option and what to do.
    static Result<SearchSpace> fromJson(const nlohmann::json& j);
    /// A JSON object, or the path of a file holding one.
    static Result<SearchSpace> fromText(const std::string& jsonOrPath);

    const std::vector<SearchDimension>& dimensions() const { return m_dims; }
    bool isFinite() const;  // lists only (a grid is possible)
    /// Every combination, the first dimension varying slowest. Requires isFinite().
    std::vector<nlohmann::json> grid() const;
    /// Trial `index` of a random sweep seeded with `seed`: the same on every machine.
    nlohmann::json sample(std::uint64_t seed, std::uint64_t index) const;
    nlohmann::json toJson() const { return m_source; }

private:
    std::vector<SearchDimension> m_dims;
    nlohmann::json m_source;
};

}  // namespace studio
