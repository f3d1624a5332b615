// libFuzzer target: a model spec file's text through the limited JSON parser, the spec reader
// and the shape analysis every layer factory does (parameters counted, never allocated).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/io/json_limits.h"
#include "engine/nn/model_spec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto json = studio::parseJsonLimited(text, "Fuzzed spec", "");
    if (!json.ok()) return 0;
    auto spec = studio::ModelSpec::fromJson(*json, "fuzzed spec");
    if (!spec.ok()) return 0;
    (void)studio::analyzeSpec(*spec);
    (void)spec->toJson();
    return 0;
}
