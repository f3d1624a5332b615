#include "app/cli/cli.h"

#include <cstdio>

namespace studio::cli {
int run(int, char**) {
    std::fprintf(stderr, "training-studio-cli: the command line is being built.\n");
    return 2;
}
}  // namespace studio::cli
