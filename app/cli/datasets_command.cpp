// training-studio-cli datasets: what --dataset accepts on this machine.

#include <algorithm>
#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"

namespace studio::cli {

int datasetsCommand(const Args& args) {
    OptionSpec spec;
    spec.flags = {"--json"};
    auto parsed = Arguments::parse(args, spec, "datasets");
    if (!parsed) return reportError(parsed.error());
    if (parsed->flag("--help")) {
        std::puts(
            "Usage: training-studio-cli datasets [--json]\n\n"
            "Lists the built-in generated datasets and the installed ones that were found,\n"
            "with their sizes. Any of the names can be given to --dataset; so can a path.");
        return 0;
    }
    const auto list = listDatasets();
    if (parsed->flag("--json")) {
        nlohmann::json j = nlohmann::json::array();
        for (const auto& d : list)
            j.push_back({{"name", d.name},
                         {"description", d.description},
                         {"location", d.location},
                         {"available", d.available}});
        printJsonLine(j);
        return 0;
    }
    std::size_t width = 4;
    for (const auto& d : list) width = std::max(width, d.name.size());
    std::printf("%-*s  %s\n", static_cast<int>(width), "NAME", "DESCRIPTION (LOCATION)");
    for (const auto& d : list)
        std::printf("%-*s  %s (%s)%s\n", static_cast<int>(width), d.name.c_str(), d.description.c_str(),
                    d.location.c_str(), d.available ? "" : " — not installed");
    std::puts("\nAlso accepted: a path to IDX files, CIFAR-10 batches, or an image folder root/<class>/<image>.");
    return 0;
}

}  // namespace studio::cli
