#include "app/cli/cli.h"

int main(int argc, char** argv) { return studio::cli::run(argc, argv); }
