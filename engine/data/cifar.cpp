#include "engine/data/cifar.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace studio {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kPixels = 3 * 32 * 32;
constexpr std::size_t kRecord = 1 + kPixels;
constexpr std::uint64_t kMaxRecords = 120'000;  // twice CIFAR-10's 60 000 images: 369 MB of pixels
const std::string kLayoutHint =
    "CIFAR-10 (binary version) is a folder with data_batch_1.bin … data_batch_5.bin and test_batch.bin, "
    "each 10000 records of 3073 bytes.";

bool isDataBatchName(const std::string& name) { return name.rfind("data_batch", 0) == 0 && name.size() > 4 && name.ends_with(".bin"); }

std::vector<std::string> readClassNames(const fs::path& folder) {
    std::ifstream in(folder / "batches.meta.txt");
    std::vector<std::string> names;
    std::string line;
    while (std::getline(in, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    return names;
}

// The records in one batch file, checked against its size before anything is allocated: a
// sparse or hostile 4.6 GB "batch" is refused here instead of dying in std::bad_alloc.
Result<std::uint64_t> batchRecords(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    if (ec) return Error::notFound("CIFAR batch '" + path + "' cannot be read: " + ec.message() + ".", kLayoutHint);
    if (size == 0 || size % kRecord != 0)
        return Error::corrupt("CIFAR batch '" + path + "' is truncated or not a CIFAR-10 batch: " + std::to_string(size) +
                                  " bytes is not a whole number of 3073-byte records.",
                              "The download may be incomplete. " + kLayoutHint);
    if (size / kRecord > kMaxRecords)
        return Error::invalid("CIFAR batch '" + path + "' holds " + std::to_string(size / kRecord) + " records (" +
                                  std::to_string(size >> 20) + " MiB); Training Studio loads at most " +
                                  std::to_string(kMaxRecords) + " (twice CIFAR-10).",
                              "Check that this is a CIFAR-10 batch. " + kLayoutHint);
    return size / kRecord;
}

// Streams the records in chunks: peak memory is the dataset plus one chunk, not twice the file.
Status appendBatch(const std::string& path, std::uint64_t records, Dataset& into) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::io("Cannot open CIFAR batch '" + path + "'.", "Check the file and its permissions.");
    constexpr std::uint64_t kChunkRecords = 1000;
    std::vector<std::uint8_t> bytes, pixels;
    std::vector<std::int32_t> labels;
    for (std::uint64_t first = 0; first < records; first += kChunkRecords) {
        const int n = static_cast<int>(std::min(kChunkRecords, records - first));
        bytes.resize(static_cast<std::size_t>(n) * kRecord);
        in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!in) return Error::io("Could not read all of '" + path + "'.", "Check the file and its permissions.");
        pixels.resize(static_cast<std::size_t>(n) * kPixels);
        labels.resize(static_cast<std::size_t>(n));
        for (int i = 0; i < n; ++i) {
            const std::uint8_t* record = bytes.data() + static_cast<std::size_t>(i) * kRecord;
            if (record[0] >= into.classCount())
                return Error::corrupt("CIFAR batch '" + path + "': label " + std::to_string(record[0]) + " of record " +
                                          std::to_string(first + static_cast<std::uint64_t>(i)) + " is out of range (" +
                                          std::to_string(into.classCount()) + " classes).",
                                      "The file may be damaged, or be CIFAR-100 (not supported).");
            labels[static_cast<std::size_t>(i)] = record[0];
            std::copy(record + 1, record + kRecord,
                      pixels.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(i) * kPixels));
        }
        into.appendImages(pixels.data(), labels.data(), n);
    }
    return Status::success();
}

// All the batches of one set (the pool, or the test set), counted before reserving memory.
Status loadBatches(const std::vector<std::string>& files, Dataset& into) {
    std::vector<std::uint64_t> records;
    std::uint64_t total = 0;
    for (const std::string& f : files) {
        auto n = batchRecords(f);
        if (!n) return n.error();
        records.push_back(*n);
        total += *n;
        if (total > kMaxRecords)
            return Error::invalid("The CIFAR batches up to '" + f + "' hold " + std::to_string(total) +
                                      " records; Training Studio loads at most " + std::to_string(kMaxRecords) +
                                      " (twice CIFAR-10).",
                                  "Use fewer batch files. " + kLayoutHint);
    }
    into.reserve(static_cast<int>(total));
    for (std::size_t i = 0; i < files.size(); ++i) STUDIO_TRY(appendBatch(files[i], records[i], into));
    return Status::success();
}

}  // namespace

const std::vector<std::string>& cifar10ClassNames() {
    static const std::vector<std::string> names{"airplane", "automobile", "bird",  "cat",  "deer",
                                                "dog",      "frog",       "horse", "ship", "truck"};
    return names;
}

bool folderHasCifar(const std::string& folder) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_regular_file(ec) && (isDataBatchName(name) || name == "test_batch.bin")) return true;
    }
    return false;
}

bool isCifarBatchFile(const std::string& path) {
    std::error_code ec;
    const std::string name = fs::path(path).filename().string();
    if (isDataBatchName(name) || name == "test_batch.bin") return true;
    const auto size = fs::file_size(path, ec);
    return !ec && name.ends_with(".bin") && size > 0 && size % kRecord == 0;
}

Result<DatasetBundle> loadCifar10(const std::string& path) {
    std::error_code ec;
    std::vector<std::string> poolFiles;
    std::string testFile;
    fs::path folder;
    if (fs::is_directory(path, ec)) {
        folder = path;
        for (const auto& entry : fs::directory_iterator(path, ec)) {
            const std::string name = entry.path().filename().string();
            if (!entry.is_regular_file(ec)) continue;
            if (isDataBatchName(name)) poolFiles.push_back(entry.path().string());
            if (name == "test_batch.bin") testFile = entry.path().string();
        }
        // data_batch_2 before data_batch_10: order by the number, then by name.
        std::sort(poolFiles.begin(), poolFiles.end(), [](const std::string& a, const std::string& b) {
            const std::string na = fs::path(a).stem().string(), nb = fs::path(b).stem().string();
            return na.size() != nb.size() ? na.size() < nb.size() : na < nb;
        });
        if (poolFiles.empty() && testFile.empty())
            return Error::notFound("The folder '" + path + "' holds no CIFAR-10 batches.", kLayoutHint);
        if (poolFiles.empty()) {
            poolFiles.push_back(testFile);   // only the test batch: train on what there is
            testFile.clear();
        }
    } else if (fs::is_regular_file(path, ec)) {
        folder = fs::path(path).parent_path();
        poolFiles.push_back(path);
        const fs::path beside = folder / "test_batch.bin";
        if (isDataBatchName(fs::path(path).filename().string()) && fs::is_regular_file(beside, ec)) testFile = beside.string();
    } else {
        return Error::notFound("CIFAR-10 path '" + path + "' does not exist.", kLayoutHint);
    }

    std::vector<std::string> names = readClassNames(folder);
    if (names.empty() || names.size() > 256) names = cifar10ClassNames();
    std::string name = folder.filename().string();
    if (name.empty()) name = "CIFAR-10";

    DatasetBundle bundle;
    bundle.pool = Dataset::images(name, 3, 32, 32, names);
    STUDIO_TRY(loadBatches(poolFiles, bundle.pool));
    if (!testFile.empty()) {
        Dataset test = Dataset::images(name, 3, 32, 32, names);
        STUDIO_TRY(loadBatches({testFile}, test));
        bundle.test = std::move(test);
    }
    bundle.description = name + " (CIFAR-10 batches), " + std::to_string(bundle.pool.size()) + " train" +
                         (bundle.test ? " + " + std::to_string(bundle.test->size()) + " test" : std::string()) +
                         ", 32×32 colour, " + std::to_string(names.size()) + " classes";
    return bundle;
}

}  // namespace studio
