#include "app/cli/arguments.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace studio::cli {

namespace {

std::string helpHint(const std::string& command) {
    return "Run `training-studio-cli " + command + " --help` for the options.";
}

std::string formatNumber(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

}  // namespace

Result<Arguments> Arguments::parse(const std::vector<std::string>& args, const OptionSpec& spec,
                                   const std::string& command) {
    Arguments out;
    out.m_command = command;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            out.m_flags.insert("--help");
            continue;
        }
        if (a.size() > 1 && a[0] == '-' &&
            !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
            std::string name = a, inlineValue;
            bool hasInline = false;
            if (const auto eq = a.find('='); eq != std::string::npos) {
                name = a.substr(0, eq);
                inlineValue = a.substr(eq + 1);
                hasInline = true;
            }
            if (spec.flags.count(name)) {
                if (hasInline)
                    return Error::invalid("Option " + name + " takes no value (got '" + inlineValue + "').",
                                          helpHint(command));
                out.m_flags.insert(name);
            } else if (spec.valued.count(name)) {
                if (!hasInline) {
                    if (i + 1 >= args.size())
                        return Error::invalid("Option " + name + " needs a value.", helpHint(command));
                    inlineValue = args[++i];
                }
                out.m_values[name] = inlineValue;
            } else {
                return Error::invalid("Unknown option '" + name + "' for '" + command + "'.", helpHint(command));
            }
            continue;
        }
        if (!spec.positionals)
            return Error::invalid("Unexpected argument '" + a + "' for '" + command + "'.", helpHint(command));
        out.m_positionals.push_back(a);
    }
    return out;
}

std::optional<std::string> Arguments::value(const std::string& name) const {
    auto it = m_values.find(name);
    if (it == m_values.end()) return std::nullopt;
    return it->second;
}

Result<std::string> Arguments::required(const std::string& name, const std::string& example) const {
    auto v = value(name);
    if (!v || v->empty())
        return Error::invalid("Option " + name + " is required for '" + m_command + "'.",
                              "For example: " + name + " " + example + ".");
    return *v;
}

Result<long long> Arguments::integer(const std::string& name, long long fallback, long long lo, long long hi) const {
    auto v = value(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const long long x = std::strtoll(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || errno == ERANGE)
        return Error::invalid("Option " + name + " expects a whole number, got '" + *v + "'.",
                              "For example: " + name + " " + std::to_string(fallback == 0 ? lo : fallback) + ".");
    if (x < lo || x > hi)
        return Error::invalid("Option " + name + " is " + *v + " but must be between " + std::to_string(lo) + " and " +
                                  std::to_string(hi) + ".",
                              helpHint(m_command));
    return x;
}

Result<double> Arguments::number(const std::string& name, double fallback, double lo, double hi) const {
    auto v = value(name);
    if (!v) return fallback;
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0' || errno == ERANGE || !std::isfinite(x))
        return Error::invalid("Option " + name + " expects a number, got '" + *v + "'.",
                              "For example: " + name + " " + formatNumber(fallback) + ".");
    if (x < lo || x > hi)
        return Error::invalid("Option " + name + " is " + *v + " but must be between " + formatNumber(lo) + " and " +
                                  formatNumber(hi) + ".",
                              helpHint(m_command));
    return x;
}

}  // namespace studio::cli
