#include "engine/train/search_space.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/core/rng.h"
#include "engine/io/json_limits.h"
#include "engine/train/option_schema.h"

namespace studio {

using nlohmann::json;

namespace {

const char* kHint =
    "A space maps options to a list of values or a range, e.g. {\"lr\": {\"log_uniform\": [1e-4, 1e-2]}, "
    "\"batch_size\": [32, 64, 128]}; see `training-studio-cli train --help` for the options.";

Error spaceError(const std::string& key, const std::string& what) {
    return Error::invalid("Search space option '" + key + "' " + what + ".", kHint);
}

}  // namespace

Result<SearchSpace> SearchSpace::fromJson(const json& j) {
    if (!j.is_object()) return Error::invalid("The search space must be a JSON object.", kHint);
    if (j.empty()) return Error::invalid("The search space is empty: there is nothing to vary.", kHint);
    SearchSpace space;
    space.m_source = j;
    for (auto it = j.begin(); it != j.end(); ++it) {
        SearchDimension d;
        const OptionInfo* option = nullptr;
        if (it.key() == "model") {
            d.key = "model";
        } else {
            option = findOption(it.key());
            if (!option) {
                std::string list = "model";
                for (const auto& o : optionSchema()) list += ", " + o.key;
                return Error::invalid("Search space option '" + it.key() + "' is not an option.",
                                      "Known options: " + list + ".");
            }
            d.key = option->key;
        }
        const json& v = it.value();
        if (v.is_array()) {
            if (v.empty()) return spaceError(d.key, "has an empty list of values");
            for (const json& value : v) {
                if (option) {
                    if (auto s = checkOption(*option, value); !s)
                        return Error::invalid("Search space: " + s.error().message(), s.error().hint());
                } else if (!value.is_string() || value.get<std::string>().empty()) {
                    return spaceError("model", "must list preset names or spec files");
                }
                d.values.push_back(value);
            }
        } else if (v.is_object() && v.size() == 1) {
            const std::string kind = v.begin().key();
            const json& range = v.begin().value();
            if (kind == "uniform")
                d.kind = SearchDimension::Kind::Uniform;
            else if (kind == "log_uniform")
                d.kind = SearchDimension::Kind::LogUniform;
            else if (kind == "int_uniform")
                d.kind = SearchDimension::Kind::IntUniform;
            else if (kind == "int_log_uniform")
                d.kind = SearchDimension::Kind::IntLogUniform;
            else
                return spaceError(d.key, "has an unknown range kind '" + kind +
                                             "' (use uniform, log_uniform, int_uniform or int_log_uniform)");
            if (!option || !option->isNumeric())
                return spaceError(d.key, "is not a number, so it takes a list of values");
            if (!range.is_array() || range.size() != 2 || !range[0].is_number() || !range[1].is_number())
                return spaceError(d.key, "needs a range [low, high]");
            d.lo = range[0].get<double>();
            d.hi = range[1].get<double>();
            const bool isInt =
                d.kind == SearchDimension::Kind::IntUniform || d.kind == SearchDimension::Kind::IntLogUniform;
            if (isInt && option->type != OptionInfo::Type::Integer)
                return spaceError(d.key, "is not a whole number: use uniform or log_uniform");
            if (!(d.lo <= d.hi)) return spaceError(d.key, "has a range whose low end is above its high end");
            const bool isLog =
                d.kind == SearchDimension::Kind::LogUniform || d.kind == SearchDimension::Kind::IntLogUniform;
            if (isLog && d.lo <= 0) return spaceError(d.key, "needs a positive low end for a log range");
            for (double end : {d.lo, d.hi})
                if (auto s = checkOption(*option, isInt ? json(static_cast<long long>(std::llround(end))) : json(end));
                    !s)
                    return Error::invalid("Search space: " + s.error().message(), s.error().hint());
        } else {
            return spaceError(d.key, "must be a list of values or a range such as {\"uniform\": [0, 0.5]}");
        }
        space.m_dims.push_back(std::move(d));
    }
    return space;
}

Result<SearchSpace> SearchSpace::fromText(const std::string& text) {
    std::string body = text;
    std::error_code ec;
    const bool looksLikeJson =
        text.find_first_not_of(" \t\r\n") != std::string::npos && text[text.find_first_not_of(" \t\r\n")] == '{';
    if (!looksLikeJson) {
        if (!std::filesystem::is_regular_file(text, ec))
            return Error::notFound("The search space '" + text + "' is neither JSON nor an existing file.", kHint);
        std::ifstream in(text);
        std::stringstream ss;
        ss << in.rdbuf();
        body = ss.str();
        if (body.size() > (1u << 20))
            return Error::invalid("The search space file " + text + " is larger than 1 MiB.", kHint);
    }
    auto j = parseJsonLimited(body, "The search space " + (looksLikeJson ? std::string("given") : text), kHint);
    if (!j) return j.error();
    return fromJson(*j);
}

bool SearchSpace::isFinite() const {
    for (const auto& d : m_dims)
        if (d.kind != SearchDimension::Kind::Values) return false;
    return true;
}

std::vector<json> SearchSpace::grid() const {
    std::vector<json> points{json::object()};
    for (const auto& d : m_dims) {
        std::vector<json> next;
        for (const json& p : points)
            for (const json& v : d.values) {
                json q = p;
                q[d.key] = v;
                next.push_back(std::move(q));
            }
        points = std::move(next);
    }
    return points;
}

json SearchSpace::sample(std::uint64_t seed, std::uint64_t index) const {
    json point = json::object();
    std::uint64_t dim = 0;
    for (const auto& d : m_dims) {
        Rng rng = Rng::forStream(seed, RngPurpose::Sweep, index, dim++);
        switch (d.kind) {
            case SearchDimension::Kind::Values:
                point[d.key] = d.values[static_cast<std::size_t>(rng.below(d.values.size()))];
                break;
            case SearchDimension::Kind::Uniform:
                point[d.key] = d.lo + (d.hi - d.lo) * rng.uniformDouble();
                break;
            case SearchDimension::Kind::LogUniform:
                point[d.key] = std::exp(std::log(d.lo) + (std::log(d.hi) - std::log(d.lo)) * rng.uniformDouble());
                break;
            case SearchDimension::Kind::IntUniform: {
                const auto lo = std::llround(d.lo), hi = std::llround(d.hi);
                point[d.key] = lo + static_cast<long long>(rng.below(static_cast<std::uint64_t>(hi - lo + 1)));
                break;
            }
            case SearchDimension::Kind::IntLogUniform: {
                const double x = std::exp(std::log(d.lo) + (std::log(d.hi + 1) - std::log(d.lo)) * rng.uniformDouble());
                point[d.key] = std::min(std::llround(d.hi), static_cast<long long>(std::floor(x)));
                break;
            }
        }
    }
    return point;
}

}  // namespace studio
