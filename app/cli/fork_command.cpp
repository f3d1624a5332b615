// training-studio-cli fork RUN_ID --epoch K [option flags]: a new run that starts from a
// checkpoint of another with some options changed, recorded with its parent and epoch.

#include <cstdio>

#include "app/cli/arguments.h"
#include "app/cli/cli_common.h"
#include "app/cli/commands.h"
#include "app/cli/option_flags.h"
#include "app/cli/run_report.h"
#include "engine/store/experiment.h"

namespace studio::cli {

namespace {

const char* kHelpHead = R"(Usage: training-studio-cli fork RUN_ID --epoch K [option flags] [--store PATH] [--json]

Starts a new run from run RUN_ID's checkpoint after epoch K, with the options given here
changed (learning rate, schedule, augmentation, dropout, weight decay, epochs, ...). The fork
records its parent and epoch, and its curves begin with the parent's up to epoch K. Options
that change the data or what a step is (seed, splits, batch size, image size) cannot change.

  --epoch K                   the parent's epoch to start from (see `runs show RUN_ID`)
  --name TEXT                 the fork's name (default: the parent's, with the run and epoch it forks)
  --store PATH                the run store (default as for train)
  --save FILE                 write the fork's best model to FILE
  --json                      finish with one JSON line, as train does
)";

}  // namespace

int forkCommand(const Args& args) {
    OptionSpec spec;
    spec.valued = optionFlags();
    spec.valued.insert({"--epoch", "--store", "--name", "--save"});
    spec.flags = {"--json"};
    spec.positionals = true;
    auto start = startCommand(args, spec, "fork", std::string(kHelpHead) + optionsHelp());
    if (const int* done = std::get_if<int>(&start)) return *done;
    const Arguments& a = std::get<Arguments>(start);
    if (a.positionals().size() != 1)
        return reportError(
            Error::invalid("fork takes one run id.", "For example: training-studio-cli fork 3 --epoch 2 --lr 0.0005"));
    char* end = nullptr;
    const long long parent = std::strtoll(a.positionals()[0].c_str(), &end, 10);
    if (*end != '\0' || parent < 1)
        return reportError(Error::invalid("'" + a.positionals()[0] + "' is not a run id.",
                                          "Run ids are whole numbers: see `training-studio-cli runs list`."));
    auto epoch = a.integer("--epoch", 0, 1, 100000);
    if (!epoch) return reportError(epoch.error());
    if (!a.has("--epoch"))
        return reportError(Error::invalid(
            "fork needs --epoch K, the parent's epoch to start from.",
            "See the parent's checkpoints with `training-studio-cli runs show " + a.positionals()[0] + "`."));
    if (const auto save = a.value("--save"))
        if (auto s = checkSaveTarget(*save); !s) return reportError(s.error());
    auto changes = optionsFromArguments(a);
    if (!changes) return reportError(changes.error());
    const std::string storePath = a.value("--store").value_or(defaultStorePath());
    auto store = openRunStore(storePath);
    if (!store) return reportError(store.error());
    auto prepared = prepareFork(**store, parent, static_cast<int>(*epoch), *changes, a.value("--name").value_or(""),
                                reportingLoader());
    if (!prepared) return reportError(prepared.error());
    std::printf("Run %lld forks run %lld after epoch %d\n", static_cast<long long>(prepared->record.id), parent,
                static_cast<int>(*epoch));
    store->reset();
    return trainAndReport(storePath, std::move(*prepared), a);
}

}  // namespace studio::cli
