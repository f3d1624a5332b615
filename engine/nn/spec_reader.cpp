#include "engine/nn/spec_reader.h"

namespace studio {

std::optional<std::string> imageInputProblem(const std::vector<int>& input) {
    if (input.size() == 3) return std::nullopt;
    std::string got = "a ";
    for (std::size_t i = 0; i < input.size(); ++i) got += (i ? "×" : "") + std::to_string(input[i]);
    if (input.size() == 1) got = std::to_string(input[0]) + " features";
    else got += " input";
    return "needs an image input (C×H×W) but gets " + got + "; put it before flatten/dense";
}

int SpecReader::integer(const std::string& key, std::optional<int> fallback, int lo, int hi) {
    m_seen.insert(key);
    if (!has(key)) {
        if (!fallback) {
            problem("'" + key + "' is required");
            return lo;
        }
        return *fallback;
    }
    const auto& v = m_options.at(key);
    if (!v.is_number_integer()) {
        problem("'" + key + "' must be a whole number");
        return fallback.value_or(lo);
    }
    const auto x = v.get<long long>();
    if (x < lo || x > hi) {
        problem("'" + key + "' is " + std::to_string(x) + " but must be between " + std::to_string(lo) + " and " +
                std::to_string(hi));
        return fallback.value_or(lo);
    }
    return static_cast<int>(x);
}

double SpecReader::number(const std::string& key, std::optional<double> fallback, double lo, double hi) {
    m_seen.insert(key);
    if (!has(key)) {
        if (!fallback) {
            problem("'" + key + "' is required");
            return lo;
        }
        return *fallback;
    }
    const auto& v = m_options.at(key);
    if (!v.is_number()) {
        problem("'" + key + "' must be a number");
        return fallback.value_or(lo);
    }
    const double x = v.get<double>();
    if (!(x >= lo && x <= hi)) {
        problem("'" + key + "' is " + v.dump() + " but must be between " + nlohmann::json(lo).dump() + " and " +
                nlohmann::json(hi).dump());
        return fallback.value_or(lo);
    }
    return x;
}

bool SpecReader::boolean(const std::string& key, bool fallback) {
    m_seen.insert(key);
    if (!has(key)) return fallback;
    const auto& v = m_options.at(key);
    if (!v.is_boolean()) {
        problem("'" + key + "' must be true or false");
        return fallback;
    }
    return v.get<bool>();
}

std::string SpecReader::text(const std::string& key, const std::string& fallback,
                             const std::vector<std::string>& allowed) {
    m_seen.insert(key);
    if (!has(key)) return fallback;
    const auto& v = m_options.at(key);
    if (v.is_string()) {
        const auto s = v.get<std::string>();
        for (const auto& a : allowed)
            if (a == s) return s;
    }
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    problem("'" + key + "' is " + v.dump() + " but must be one of " + list);
    return fallback;
}

std::optional<std::string> SpecReader::finish() {
    if (m_options.is_object()) {
        for (const auto& [key, value] : m_options.items()) {
            (void)value;
            if (!m_seen.contains(key)) problem("unknown option '" + key + "'");
        }
    } else if (!m_options.is_null()) {
        problem("options must be a JSON object");
    }
    if (m_problems.empty()) return std::nullopt;
    std::string all;
    for (const auto& p : m_problems) all += (all.empty() ? "" : "; ") + p;
    return all;
}

}  // namespace studio
