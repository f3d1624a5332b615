#include "app/cli/option_flags.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/data/augment.h"
#include "engine/train/option_schema.h"

namespace studio::cli {

using nlohmann::json;

namespace {

std::string valueText(const OptionInfo& o, const json& v) {
    if (v.is_null()) return "the model's own";
    if (v.is_string()) return v.get<std::string>().empty() ? "none" : v.get<std::string>();
    if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
    char buf[64];
    std::snprintf(buf, sizeof buf, o.type == OptionInfo::Type::Integer ? "%.0f" : "%g", v.get<double>());
    return buf;
}

std::string metavar(const OptionInfo& o) {
    switch (o.type) {
        case OptionInfo::Type::Integer:
            return "N";
        case OptionInfo::Type::Number:
            return "X";
        case OptionInfo::Type::Boolean:
            return "true|false";
        case OptionInfo::Type::Path:
            return "FILE";
        case OptionInfo::Type::Text:
            return "TEXT";
        case OptionInfo::Type::Choice: {
            std::string s;
            for (const auto& c : o.choices) s += (s.empty() ? "" : "|") + c;
            return s;
        }
    }
    return "V";
}

// Words of `text` in lines of at most `width` columns, each after the first indented by `indent`.
std::string wrapped(const std::string& text, std::size_t indent, std::size_t width) {
    std::string out, line;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(' ', start);
        if (end == std::string::npos) end = text.size();
        const std::string word = text.substr(start, end - start);
        if (!line.empty() && indent + line.size() + 1 + word.size() > width) {
            out += line + "\n" + std::string(indent, ' ');
            line.clear();
        }
        line += (line.empty() ? "" : " ") + word;
        start = end + 1;
    }
    return out + line;
}

}  // namespace

std::set<std::string> optionFlags() {
    std::set<std::string> flags{"--augment", "--teacher"};
    for (const OptionInfo& o : optionSchema()) flags.insert(o.flag());
    return flags;
}

Result<json> optionsFromArguments(const Arguments& a) {
    json given = json::object();
    if (auto list = a.value("--augment")) {
        auto aug = AugmentConfig::parse(*list);
        if (!aug) return Error::invalid("Option --augment: " + aug.error().message(), aug.error().hint());
        given["aug_shift"] = aug->shift;
        given["aug_flip_h"] = aug->flipHorizontal;
        given["aug_flip_v"] = aug->flipVertical;
        given["aug_rotate"] = aug->rotateDegrees;
        given["aug_brightness"] = aug->brightness;
        given["aug_contrast"] = aug->contrast;
        given["aug_noise"] = aug->noise;
    }
    for (const OptionInfo& o : optionSchema()) {
        auto text = a.value(o.flag());
        if (o.key == "distill_teacher" && !text) text = a.value("--teacher");
        if (!text) continue;
        auto value = parseOptionText(o, *text);
        if (!value) return value.error();
        // Recorded absolute, so a resume or fork from another folder finds the same file.
        if (o.type == OptionInfo::Type::Path && !text->empty()) {
            std::error_code ec;
            const auto absolute = std::filesystem::absolute(*text, ec);
            if (!ec) *value = absolute.lexically_normal().string();
        }
        if (auto s = checkOption(o, *value); !s) {
            // The schema names the option by key; on the command line it is the flag.
            std::string message = s.error().message();
            if (const auto at = message.find("'" + o.key + "'"); at != std::string::npos)
                message.replace(at, o.key.size() + 2, o.flag());
            return Error::invalid(message, s.error().hint());
        }
        given[o.key] = *value;
    }
    return given;
}

std::string optionsHelp() {
    std::string out, group;
    for (const OptionInfo& o : optionSchema()) {
        if (o.group != group) {
            group = o.group;
            out += "\n" + group + ":\n";
        }
        std::string left = "  " + o.flag() + " " + metavar(o);
        if (left.size() < 30)
            left.resize(30, ' ');
        else
            left += "\n" + std::string(30, ' ');
        std::string text = o.help + " (default " + valueText(o, o.fallback);
        if (o.isNumeric()) text += "; " + valueText(o, o.min) + " to " + valueText(o, o.max);
        if (o.liveEditable) text += "; live";
        out += left + wrapped(text + ")", 30, 100) + "\n";
    }
    out +=
        "  --augment LIST              short form of the aug-* options: e.g. shift,flip,rotate=10,brightness,\n"
        "                              contrast,noise (none by default)\n"
        "  --teacher FILE              short form of --distill-teacher\n";
    return out;
}

}  // namespace studio::cli
