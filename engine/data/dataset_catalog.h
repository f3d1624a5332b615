#pragma once
// Finding and loading datasets by name or path: the built-in generated sets, Fashion-MNIST
// from Debian's dataset-fashion-mnist, CSV tables, IDX pairs, CIFAR-10 batches, image folders.

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace studio {

struct DatasetOptions {
    std::uint64_t seed = 1;      // generated sets
    int samples = 0;             // generated sets: 0 = the set's default
    double noise = 1.0;          // generated 2-D sets: the points' jitter × the set's own (0: clean)
    int imageSize = 0;           // image folders: side in pixels (0 = 32); others keep theirs
    int channels = 0;            // image folders: 1 or 3 (0 = decide from the first images)
    int threads = 0;             // decoding threads (0 = all)
    std::string labelColumn;     // CSV tables: the label column's name or 1-based number ("" = the last)
    std::string csvHeader = "auto";  // CSV tables: "auto" | "yes" | "no" — is the first row a header?
};

struct DatasetInfo {
    std::string name;            // what `--dataset` takes
    std::string description;
    std::string location;        // path, or "built in"
    bool available = true;
};

/// Built-in generated sets (always) and Fashion-MNIST when its files are installed.
std::vector<DatasetInfo> listDatasets();

/// "shapes", "spirals", "circles", "xor", "gauss", "fashion-mnist", or a path: a CSV table
/// (engine/data/csv_dataset.h), an IDX images file (its labels file beside it) or a folder holding an IDX pair, a CIFAR-10 .bin batch or a
/// folder of them, or an image folder root/<class>/<image>. A folder is tried in that order:
/// CIFAR batches, then IDX files, then class sub-folders. Errors name the path and list what is
/// accepted.
Result<DatasetBundle> loadDataset(const std::string& nameOrPath, const DatasetOptions& options = {});

}  // namespace studio
