#pragma once
// Command-line arguments of one subcommand: "--name value", "--name=value", flags and
// positionals. Every mistake is an Error naming the option and saying what to do.

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace studio::cli {

struct OptionSpec {
    std::set<std::string> valued;  // "--epochs", ...
    std::set<std::string> flags;   // "--json", ...
    bool positionals = false;      // IMAGE... for predict
};

class Arguments {
public:
    /// argv[first..argc) of `command`. "--help"/"-h" is always a flag.
    static Result<Arguments> parse(const std::vector<std::string>& args, const OptionSpec& spec,
                                   const std::string& command);

    bool flag(const std::string& name) const { return m_flags.count(name) > 0; }
    bool has(const std::string& name) const { return m_values.count(name) > 0; }
    std::optional<std::string> value(const std::string& name) const;
    /// The option's value, or an Error "option --dataset is required" naming an example.
    Result<std::string> required(const std::string& name, const std::string& example) const;
    /// Whole number in [lo, hi]; `fallback` when absent. "--epochs 'ten' is not a whole number".
    Result<long long> integer(const std::string& name, long long fallback, long long lo, long long hi) const;
    Result<double> number(const std::string& name, double fallback, double lo, double hi) const;
    const std::vector<std::string>& positionals() const { return m_positionals; }
    const std::string& command() const { return m_command; }

private:
    std::string m_command;
    std::map<std::string, std::string> m_values;
    std::set<std::string> m_flags;
    std::vector<std::string> m_positionals;
};

}  // namespace studio::cli
