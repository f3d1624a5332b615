#include "engine/data/dataset_catalog.h"

#include <filesystem>
#include <system_error>

#include "engine/data/cifar.h"
#include "engine/data/csv_dataset.h"
#include "engine/data/idx.h"
#include "engine/data/image_folder.h"
#include "engine/data/synthetic.h"

namespace studio {

namespace fs = std::filesystem;

namespace {

const char* const kFashionDir = "/usr/share/datasets/fashion-mnist";

bool fashionInstalled() {
    std::error_code ec;
    return fs::is_regular_file(fs::path(kFashionDir) / "train-images-idx3-ubyte.gz", ec) &&
           fs::is_regular_file(fs::path(kFashionDir) / "t10k-images-idx3-ubyte.gz", ec);
}

std::string acceptedList() {
    std::string names;
    for (const GeneratedSetInfo& s : generatedSets()) names += s.name + ", ";
    return "Use a built-in name (" + names +
           "fashion-mnist) or a path to: a CSV table (numeric columns and a label column); an IDX images file (its labels file beside it) or a folder of IDX pairs; "
           "a CIFAR-10 .bin batch or a folder of them; an image folder laid out as <root>/<class>/<image>.";
}

}  // namespace

std::vector<DatasetInfo> listDatasets() {
    std::vector<DatasetInfo> out;
    for (const GeneratedSetInfo& s : generatedSets())
        out.push_back({s.name, s.description + " (" + std::to_string(s.defaultSamples) + " samples)", "built in", true});
    if (fashionInstalled())
        out.push_back({"fashion-mnist", "Fashion-MNIST: 10 kinds of clothing, 60000 train + 10000 test, 28×28 gray",
                       kFashionDir, true});
    return out;
}

Result<DatasetBundle> loadDataset(const std::string& nameOrPath, const DatasetOptions& options) {
    if (isGeneratedSet(nameOrPath)) return generateDataset(nameOrPath, options.seed, options.samples, options.threads, options.noise);
    if (nameOrPath == "fashion-mnist" || nameOrPath == "fashion_mnist" || nameOrPath == "fashionmnist") {
        if (!fashionInstalled())
            return Error::notFound("Fashion-MNIST is not installed (looked in " + std::string(kFashionDir) + ").",
                                   "Install the Debian package dataset-fashion-mnist, or pass the folder holding its IDX files.");
        auto bundle = loadIdx(kFashionDir, "Fashion-MNIST", fashionMnistClassNames());
        if (bundle) bundle->description = "Fashion-MNIST, " + std::to_string(bundle->pool.size()) + " train + " +
                                          std::to_string(bundle->test ? bundle->test->size() : 0) + " test, 28×28 gray";
        return bundle;
    }

    std::error_code ec;
    const fs::path path(nameOrPath);
    if (nameOrPath.empty() || !fs::exists(path, ec))
        return Error::notFound("Unknown dataset '" + nameOrPath + "': not a built-in name and no such file or folder.",
                               acceptedList());
    if (fs::is_regular_file(path, ec)) {
        if (isCsvPath(nameOrPath)) {
            CsvDatasetOptions table;
            table.labelColumn = options.labelColumn;
            const auto header = csvHeaderFromName(options.csvHeader);
            if (!header)
                return Error::invalid("The CSV header choice '" + options.csvHeader + "' is not auto, yes or no.",
                                      "Use --csv-header auto, yes or no.");
            table.header = *header;
            return loadCsvDataset(nameOrPath, table);
        }
        if (isIdxImagesFile(nameOrPath)) return loadIdx(nameOrPath);
        if (isCifarBatchFile(nameOrPath)) return loadCifar10(nameOrPath);
        return Error::unsupported("'" + nameOrPath + "' is a file but neither a .csv table, an IDX images file nor a CIFAR-10 batch.",
                                  acceptedList());
    }
    if (fs::is_directory(path, ec)) {
        if (folderHasCifar(nameOrPath)) return loadCifar10(nameOrPath);
        if (folderHasIdx(nameOrPath)) return loadIdx(nameOrPath);
        bool hasSubfolder = false;
        for (const auto& entry : fs::directory_iterator(path, ec)) hasSubfolder = hasSubfolder || entry.is_directory(ec);
        if (!hasSubfolder)
            return Error::unsupported("The folder '" + nameOrPath +
                                          "' holds no IDX files, no CIFAR-10 batches and no class sub-folders.",
                                      acceptedList());
        ImageFolderOptions folder;
        folder.imageSize = options.imageSize > 0 ? options.imageSize : 32;
        folder.channels = options.channels;
        folder.threads = options.threads;
        return loadImageFolder(nameOrPath, folder);
    }
    return Error::unsupported("'" + nameOrPath + "' is neither a regular file nor a folder.", acceptedList());
}

}  // namespace studio
