#include "engine/io/csv.h"

#include <cctype>
#include <cstdlib>

namespace studio {

namespace {

bool isNumber(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

}  // namespace

std::string csvCell(std::string s) {
    if (!s.empty() && (s[0] == '=' || s[0] == '@' || ((s[0] == '+' || s[0] == '-') && !isNumber(s)))) s = "'" + s;
    const bool quote = s.find_first_of(",\"\r\n") != std::string::npos ||
                       (!s.empty() && (std::isspace(static_cast<unsigned char>(s.front())) ||
                                       std::isspace(static_cast<unsigned char>(s.back()))));
    if (!quote) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

}  // namespace studio
