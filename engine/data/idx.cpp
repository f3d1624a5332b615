#include "engine/data/idx.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "engine/data/gzip_file.h"

namespace studio {

namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kImagesMagic = 0x00000803;
constexpr std::uint32_t kLabelsMagic = 0x00000801;

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string hex(std::uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

const std::string kLayoutHint =
    "IDX data come as pairs such as train-images-idx3-ubyte[.gz] + train-labels-idx1-ubyte[.gz] in one folder.";

// 1 GiB of pixels: 20 times Fashion-MNIST's training set, far below what a header can claim.
constexpr std::uint64_t kMaxIdxBytes = std::uint64_t(1) << 30;

// Data beyond what the header states mean a damaged or mislabelled file (or a gzip bomb).
Status checkNothingFollows(GzipReader& reader, const std::string& what, std::uint32_t count) {
    auto end = reader.atEnd();
    if (!end) return end.error();
    if (!*end)
        return Error::corrupt("'" + reader.path() + "' holds more data than its header states (" +
                                  std::to_string(count) + " " + what + ").",
                              "The file is damaged or not an IDX file; fetch or reinstall it.");
    return Status::success();
}

struct IdxPair {
    std::string imagesPath, labelsPath;
    int count = 0, rows = 0, cols = 0;
    std::vector<std::uint8_t> images;   // raw file bytes, pixels from offset 16
    std::vector<std::int32_t> labels;
};

Result<IdxPair> readPair(const std::string& imagesPath) {
    IdxPair pair;
    pair.imagesPath = imagesPath;
    for (const std::string& candidate : idxLabelsCandidates(imagesPath)) {
        std::error_code ec;
        if (fs::is_regular_file(candidate, ec)) {
            pair.labelsPath = candidate;
            break;
        }
    }
    if (pair.labelsPath.empty()) {
        const auto candidates = idxLabelsCandidates(imagesPath);
        return Error::notFound("No labels file beside the IDX images file '" + imagesPath + "'.",
                               "Expected '" + fs::path(candidates.empty() ? "" : candidates.front()).filename().string() +
                                   "' in the same folder. " + kLayoutHint);
    }

    auto images = GzipReader::open(imagesPath);
    if (!images) return images.error();
    std::uint8_t head[16];
    auto got = images->read(head, sizeof head);
    if (!got) return got.error();
    if (*got < 16)
        return Error::corrupt(
            "'" + imagesPath + "' is too short for an IDX images header (" + std::to_string(*got) + " bytes).",
            kLayoutHint);
    if (be32(head) != kImagesMagic)
        return Error::corrupt("'" + imagesPath + "' has the wrong magic number " + hex(be32(head)) +
                                  " (an IDX images file starts with 0x00000803: unsigned bytes, 3 dimensions).",
                              kLayoutHint);
    const std::uint32_t count = be32(head + 4), rows = be32(head + 8), cols = be32(head + 12);
    if (count == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096 || count > 100'000'000)
        return Error::corrupt("'" + imagesPath + "' declares implausible dimensions " + std::to_string(count) + " × " +
                                  std::to_string(rows) + " × " + std::to_string(cols) + ".",
                              "The file may be damaged.");
    const std::uint64_t needed = std::uint64_t(count) * rows * cols;  // < 2^51: no overflow
    if (needed > kMaxIdxBytes)
        return Error::invalid("'" + imagesPath + "' declares " + std::to_string(count) + " images of " +
                                  std::to_string(rows) + "×" + std::to_string(cols) + " (" +
                                  std::to_string(needed >> 20) + " MiB), more than the 1 GiB Training Studio loads.",
                              "Use a subset of the images, or check that the file is not damaged.");
    // Memory grows with the data that arrive, never past the promised size: a 40-byte file that
    // claims 1 GiB costs one 64 KiB chunk, and a gzip that inflates further than its header says
    // (a "gzip bomb") is read no further. (The whole promise was allocated and zero-filled before:
    // 49 fuzzer executions a second.)
    constexpr std::uint64_t kChunk = 64 << 10;
    pair.images.assign(head, head + 16);
    pair.images.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(16 + needed, kChunk)));
    std::uint64_t have = 0;
    while (have < needed) {
        const std::size_t old = pair.images.size();
        const auto want = static_cast<std::size_t>(std::min(kChunk, needed - have));
        pair.images.resize(old + want);
        got = images->read(pair.images.data() + old, want);
        if (!got) return got.error();
        pair.images.resize(old + *got);
        have += *got;
        if (*got < want) break;
    }
    if (have < needed)
        return Error::corrupt("'" + imagesPath + "' is truncated: its header promises " + std::to_string(count) +
                                  " images of " + std::to_string(rows) + "×" + std::to_string(cols) + " (" +
                                  std::to_string(needed) + " bytes) but only " + std::to_string(have) +
                                  " bytes follow.",
                              "The download may be incomplete; fetch or reinstall the file.");
    STUDIO_TRY(checkNothingFollows(*images, "images of " + std::to_string(rows) + "×" + std::to_string(cols), count));
    pair.count = static_cast<int>(count);
    pair.rows = static_cast<int>(rows);
    pair.cols = static_cast<int>(cols);

    auto labels = GzipReader::open(pair.labelsPath);
    if (!labels) return labels.error();
    got = labels->read(head, 8);
    if (!got) return got.error();
    if (*got < 8)
        return Error::corrupt(
            "'" + pair.labelsPath + "' is too short for an IDX labels header (" + std::to_string(*got) + " bytes).",
            kLayoutHint);
    if (be32(head) != kLabelsMagic)
        return Error::corrupt("'" + pair.labelsPath + "' has the wrong magic number " + hex(be32(head)) +
                                  " (an IDX labels file starts with 0x00000801: unsigned bytes, 1 dimension).",
                              kLayoutHint);
    const std::uint32_t labelCount = be32(head + 4);
    if (labelCount != count)
        return Error::corrupt("'" + pair.labelsPath + "' holds " + std::to_string(labelCount) + " labels but '" + imagesPath +
                                  "' holds " + std::to_string(count) + " images.",
                              "The two files must come from the same set.");
    std::vector<std::uint8_t> lb(labelCount);
    got = labels->read(lb.data(), labelCount);
    if (!got) return got.error();
    if (*got < labelCount)
        return Error::corrupt("'" + pair.labelsPath + "' is truncated: its header promises " +
                                  std::to_string(labelCount) + " labels but only " + std::to_string(*got) +
                                  " bytes follow.",
                              "The download may be incomplete; fetch or reinstall the file.");
    STUDIO_TRY(checkNothingFollows(*labels, "labels", labelCount));
    pair.labels.assign(lb.begin(), lb.end());
    return pair;
}

Status checkLabels(const IdxPair& pair, int classes) {
    for (int i = 0; i < pair.count; ++i)
        if (pair.labels[static_cast<std::size_t>(i)] >= classes)
            return Error::corrupt("'" + pair.labelsPath + "': label " + std::to_string(pair.labels[static_cast<std::size_t>(i)]) +
                                      " of sample " + std::to_string(i) + " is out of range (this set has " +
                                      std::to_string(classes) + " classes, labels 0.." + std::to_string(classes - 1) + ").",
                                  "The labels file may be damaged or belong to another set.");
    return Status::success();
}

Dataset toDataset(const IdxPair& pair, const std::string& name, const std::vector<std::string>& classNames) {
    Dataset d = Dataset::images(name, 1, pair.rows, pair.cols, classNames);
    d.appendImages(pair.images.data() + 16, pair.labels.data(), pair.count);
    return d;
}

// train-*, t10k-* / test-* in a folder; any other lone images file becomes the pool.
struct FolderPairs {
    std::optional<std::string> train, test;
};

FolderPairs findPairs(const std::string& folder) {
    std::vector<std::string> images;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        if (!entry.is_regular_file(ec)) continue;
        if (isIdxImagesFile(entry.path().string())) images.push_back(entry.path().string());
    }
    std::sort(images.begin(), images.end());
    FolderPairs pairs;
    for (const std::string& p : images) {
        const std::string name = lower(fs::path(p).filename().string());
        if ((name.rfind("t10k", 0) == 0 || name.rfind("test", 0) == 0) && !pairs.test)
            pairs.test = p;
        else if (!pairs.train)
            pairs.train = p;
    }
    if (!pairs.train && pairs.test) std::swap(pairs.train, pairs.test);
    return pairs;
}

}  // namespace

const std::vector<std::string>& fashionMnistClassNames() {
    static const std::vector<std::string> names{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    return names;
}

std::vector<std::string> idxLabelsCandidates(const std::string& imagesPath) {
    const fs::path p(imagesPath);
    std::string name = p.filename().string();
    std::string base = name;
    const bool gz = base.size() > 3 && lower(base.substr(base.size() - 3)) == ".gz";
    if (gz) base.resize(base.size() - 3);
    const std::string l = lower(base);
    const auto at = l.rfind("images");
    if (at == std::string::npos) return {};
    std::string labels = base.substr(0, at) + "labels" + base.substr(at + 6);
    const auto idx3 = lower(labels).rfind("idx3");
    if (idx3 != std::string::npos) labels.replace(idx3, 4, "idx1");
    const fs::path dir = p.parent_path();
    std::vector<std::string> out;
    for (const std::string& candidate : gz ? std::vector<std::string>{labels + ".gz", labels}
                                           : std::vector<std::string>{labels, labels + ".gz"})
        out.push_back((dir / candidate).string());
    return out;
}

bool isIdxImagesFile(const std::string& path) {
    const std::string name = lower(fs::path(path).filename().string());
    if (name.find("images") != std::string::npos && name.find("idx3") != std::string::npos) return true;
    auto head = readGzipOrRaw(path, 4);
    return head && head->size() == 4 && be32(head->data()) == kImagesMagic;
}

bool folderHasIdx(const std::string& folder) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
        const std::string name = lower(entry.path().filename().string());
        if (entry.is_regular_file(ec) && name.find("images") != std::string::npos && name.find("idx3") != std::string::npos)
            return true;
    }
    return false;
}

Result<DatasetBundle> loadIdx(const std::string& path, const std::string& displayName, std::vector<std::string> classNames) {
    std::error_code ec;
    FolderPairs pairs;
    if (fs::is_directory(path, ec)) {
        pairs = findPairs(path);
        if (!pairs.train)
            return Error::notFound("The folder '" + path + "' holds no IDX images file.", kLayoutHint);
    } else if (fs::is_regular_file(path, ec)) {
        pairs.train = path;
    } else {
        return Error::notFound("IDX path '" + path + "' does not exist.", kLayoutHint);
    }

    auto train = readPair(*pairs.train);
    if (!train) return train.error();
    std::optional<IdxPair> test;
    if (pairs.test) {
        auto t = readPair(*pairs.test);
        if (!t) return t.error();
        if (t->rows != train->rows || t->cols != train->cols)
            return Error::corrupt("'" + t->imagesPath + "' holds " + std::to_string(t->rows) + "×" + std::to_string(t->cols) +
                                      " images but '" + train->imagesPath + "' holds " + std::to_string(train->rows) + "×" +
                                      std::to_string(train->cols) + ".",
                                  "Both files must come from the same set.");
        test = std::move(*t);
    }

    if (classNames.empty()) {
        int maxLabel = 0;
        for (std::int32_t l : train->labels) maxLabel = std::max(maxLabel, static_cast<int>(l));
        const int classes = maxLabel + 1;
        const bool fashion = lower(fs::absolute(path, ec).string()).find("fashion") != std::string::npos;
        if (fashion && classes == 10) {
            classNames = fashionMnistClassNames();
        } else {
            for (int c = 0; c < classes; ++c) classNames.push_back(std::to_string(c));
        }
    }
    const int classes = static_cast<int>(classNames.size());
    STUDIO_TRY(checkLabels(*train, classes));
    if (test) STUDIO_TRY(checkLabels(*test, classes));

    std::string name = displayName;
    if (name.empty()) {
        const fs::path p = fs::path(path);
        name = fs::is_directory(p, ec) ? p.filename().string() : p.parent_path().filename().string();
        if (name.empty()) name = "IDX";
    }

    DatasetBundle bundle;
    bundle.pool = toDataset(*train, name, classNames);
    if (test) bundle.test = toDataset(*test, name, classNames);
    const std::string size = std::to_string(train->rows) + "×" + std::to_string(train->cols) + " gray";
    bundle.description = name + ", " + std::to_string(train->count) + " train" +
                         (test ? " + " + std::to_string(test->count) + " test" : std::string()) + ", " + size + ", " +
                         std::to_string(classes) + " classes";
    return bundle;
}

}  // namespace studio
