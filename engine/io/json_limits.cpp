#include "engine/io/json_limits.h"

#include <new>

namespace studio {

int jsonNestingDepth(std::string_view text, int limit) {
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (const char c : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest && (deepest = depth) > limit) return deepest;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return deepest;
}

Result<nlohmann::json> parseJsonLimited(std::string_view text, const std::string& what, const std::string& hint) {
    if (jsonNestingDepth(text) > kMaxJsonDepth)
        return Error::corrupt(
            what + " nests lists or objects more than " + std::to_string(kMaxJsonDepth) + " levels deep.",
            "No file Training Studio reads needs that; is this the right file?");
    try {
        nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
        if (j.is_discarded()) return Error::corrupt(what + " is not valid JSON.", hint);
        return j;
    } catch (const std::bad_alloc&) {
        return Error::io("Out of memory while reading " + what + ".",
                         "Is this the right file? Close other programs and retry.");
    } catch (const std::exception& e) {
        return Error::corrupt(what + " is not valid JSON (" + e.what() + ").", hint);
    }
}

}  // namespace studio
