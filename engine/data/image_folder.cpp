#include "engine/data/image_folder.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "engine/core/parallel.h"
#include "engine/data/image_io.h"

namespace studio {

namespace fs = std::filesystem;

namespace {

// Decoded full-size images exist only inside one task; a chunk holds only fitted 8-bit copies.
constexpr int kChunk = 256;
constexpr int kChannelProbesPerClass = 4;

struct Item {
    std::string path;
    std::int32_t label;
};

std::string layoutHint(const std::string& root) {
    return "Lay it out as " + root + "/<class>/<image>: one sub-folder per class (e.g. " + root + "/cat/001.png, " + root +
           "/dog/001.jpg).";
}

bool hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

std::vector<fs::path> sortedEntries(const fs::path& dir, std::error_code& ec) {
    std::vector<fs::path> entries;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (!hidden(entry.path())) entries.push_back(entry.path());
    std::sort(entries.begin(), entries.end());
    return entries;
}

bool looksColour(const DecodedImage& image) {
    if (image.channels != 3) return false;
    const std::size_t plane = static_cast<std::size_t>(image.height) * image.width;
    for (std::size_t k = 0; k < plane; ++k) {
        const int r = image.chw[k], g = image.chw[plane + k], b = image.chw[2 * plane + k];
        if (std::abs(r - g) > 8 || std::abs(g - b) > 8) return true;
    }
    return false;
}

}  // namespace

Result<DatasetBundle> loadImageFolder(const std::string& root, const ImageFolderOptions& options) {
    std::error_code ec;
    if (!fs::exists(root, ec))
        return Error::notFound("Image folder '" + root + "' does not exist.", layoutHint(root));
    if (!fs::is_directory(root, ec))
        return Error::invalid("'" + root + "' is not a folder.", layoutHint(root));
    const int side = options.imageSize > 0 ? options.imageSize : 32;
    if (side > 1024)
        return Error::invalid("Image size " + std::to_string(side) + " is too large for a dataset.", "Use at most 1024 pixels.");
    if (options.channels != 0 && options.channels != 1 && options.channels != 3)
        return Error::invalid("Channels must be 1 (gray) or 3 (colour), not " + std::to_string(options.channels) + ".",
                              "Or leave it at 0 to decide from the images.");

    DatasetBundle bundle;
    std::vector<std::string> classNames;
    std::vector<Item> items;
    int rootFiles = 0;
    const std::vector<fs::path> top = sortedEntries(root, ec);
    if (ec) return Error::io("Cannot list the folder '" + root + "': " + ec.message() + ".", "Check its permissions.");
    for (const fs::path& entry : top) {
        if (!fs::is_directory(entry, ec)) {
            ++rootFiles;
            bundle.skipped.push_back({entry.string(), "not inside a class folder (expected <root>/<class>/<image>)"});
            continue;
        }
        std::vector<Item> classItems;
        for (const fs::path& file : sortedEntries(entry, ec)) {
            if (fs::is_directory(file, ec))
                bundle.skipped.push_back({file.string(), "a folder inside a class folder; only images directly inside are read"});
            else
                classItems.push_back({file.string(), static_cast<std::int32_t>(classNames.size())});
        }
        if (classItems.empty()) {
            bundle.skipped.push_back({entry.string(), "empty class folder, not used as a class"});
            continue;
        }
        classNames.push_back(entry.filename().string());
        items.insert(items.end(), classItems.begin(), classItems.end());
    }
    if (classNames.empty())
        return Error::invalid("Image folder '" + root + "' has no class folders with files" +
                                  (rootFiles ? " (its " + std::to_string(rootFiles) + " files lie directly in it)." : "."),
                              layoutHint(root));
    if (classNames.size() < 2)
        return Error::invalid("Image folder '" + root + "' has only one class folder ('" + classNames.front() +
                                  "'); a classifier needs at least two.",
                              layoutHint(root) + " Did you choose a class folder instead of its parent?");

    ThreadPool pool(options.threads);
    int channels = options.channels;
    if (channels == 0) {
        // Colour if any of the first few images of any class has colour; gray otherwise.
        std::vector<std::size_t> probes;
        std::vector<int> perClass(classNames.size(), 0);
        for (std::size_t i = 0; i < items.size(); ++i)
            if (perClass[static_cast<std::size_t>(items[i].label)]++ < kChannelProbesPerClass) probes.push_back(i);
        std::vector<char> colour(probes.size(), 0);
        pool.forEach(static_cast<int>(probes.size()), [&](int k) {
            auto image = readImageFile(items[probes[static_cast<std::size_t>(k)]].path);
            colour[static_cast<std::size_t>(k)] = image && looksColour(*image);
        });
        channels = std::any_of(colour.begin(), colour.end(), [](char c) { return c != 0; }) ? 3 : 1;
    }

    Dataset data = Dataset::images(fs::path(root).filename().string(), channels, side, side, classNames);
    data.reserve(static_cast<int>(items.size()));
    const std::size_t sampleBytes = data.sampleSize();
    std::vector<std::string> sources;
    std::vector<std::uint8_t> slots(static_cast<std::size_t>(kChunk) * sampleBytes);
    std::vector<std::string> failures(kChunk);
    std::vector<std::uint8_t> okMask(kChunk);
    for (std::size_t start = 0; start < items.size(); start += kChunk) {
        const int n = static_cast<int>(std::min<std::size_t>(kChunk, items.size() - start));
        pool.forEach(n, [&](int k) {
            const Item& item = items[start + static_cast<std::size_t>(k)];
            auto image = readImageFile(item.path);
            if (!image) {
                failures[static_cast<std::size_t>(k)] = image.error().message();
                okMask[static_cast<std::size_t>(k)] = 0;
                return;
            }
            const DecodedImage fitted = fitImage(*image, channels, side, side, options.resize);
            std::copy(fitted.chw.begin(), fitted.chw.end(), slots.begin() + static_cast<std::ptrdiff_t>(k * sampleBytes));
            okMask[static_cast<std::size_t>(k)] = 1;
        });
        // Appended in file order: the dataset is the same for every thread count.
        for (int k = 0; k < n; ++k) {
            const Item& item = items[start + static_cast<std::size_t>(k)];
            if (!okMask[static_cast<std::size_t>(k)]) {
                bundle.skipped.push_back({item.path, failures[static_cast<std::size_t>(k)]});
                continue;
            }
            data.appendImages(slots.data() + static_cast<std::size_t>(k) * sampleBytes, &item.label, 1);
            sources.push_back(item.path);
        }
    }
    if (data.size() == 0) {
        std::string why = bundle.skipped.empty() ? std::string() : " For example: " + bundle.skipped.back().reason;
        return Error::invalid("Image folder '" + root + "' has no usable images (" + std::to_string(bundle.skipped.size()) +
                                  " files skipped)." + why,
                              layoutHint(root));
    }
    for (int i = 0; i < data.size(); ++i) data.setSource(i, std::move(sources[static_cast<std::size_t>(i)]));

    bundle.description = data.name() + ", " + std::to_string(data.size()) + " images in " + std::to_string(classNames.size()) +
                         " classes, " + std::to_string(side) + "×" + std::to_string(side) + (channels == 1 ? " gray" : " colour") +
                         (bundle.skipped.empty() ? std::string() : ", " + std::to_string(bundle.skipped.size()) + " files skipped");
    bundle.pool = std::move(data);
    return bundle;
}

}  // namespace studio
