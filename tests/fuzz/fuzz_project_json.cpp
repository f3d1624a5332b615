// libFuzzer target: a project file's bytes as File ▸ Open Project reads them (Project::load: the
// 16 MiB limit, the depth-limited JSON parser, Project::fromJson with the spec reader and the
// settings' check through the option schema), then what File ▸ Save Project would write: a
// project that opened must save as text that opens again and saves as the same text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "app/gui/project.h"
#include "engine/io/json_limits.h"
#include "tests/fuzz/fuzz_dataset_files.h"

namespace {

[[noreturn]] void fail(const char* what, const std::string& detail) {
    std::fprintf(stderr, "fuzz_project_json: %s: %s\n", what, detail.c_str());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using studio::app::Project;
    static const std::string path = (fuzzFolder("project") / "project.json").string();
    writeBytes(path, data, size);
    auto project = Project::load(QString::fromStdString(path));
    if (!project) return 0;

    const std::string saved = project->toJson().dump(2) + "\n";  // what Project::save writes
    auto json = studio::parseJsonLimited(saved, "The saved project", "");
    if (!json) fail("a saved project does not parse", json.error().what());
    auto reopened = Project::fromJson(*json, "the saved project");
    if (!reopened) fail("a saved project does not open", reopened.error().what());
    const std::string savedAgain = reopened->toJson().dump(2) + "\n";
    if (savedAgain != saved) fail("saving a reopened project changes it", saved + "\n---\n" + savedAgain);
    return 0;
}
