#include "engine/infer/batch_predict.h"

#include "engine/io/csv.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <span>
#include <system_error>

#include "engine/io/atomic_file.h"

namespace studio {

namespace fs = std::filesystem;

namespace {

// Files per task: small, so a folder of a few large photos still spreads over the threads.
constexpr int kFileChunk = 4;

bool hidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

// 6 decimals, '.' whatever the locale.
std::string sixDecimals(float v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, static_cast<double>(v), std::chars_format::fixed, 6);
    return std::string(buf, r.ptr);
}

// The most likely class: top[0], or the arg-max (lower class on ties) when top-k was 0.
int predictedClass(const Prediction& p) {
    if (!p.top.empty()) return p.top[0].first;
    const auto best = std::max_element(p.probabilities.begin(), p.probabilities.end());
    return static_cast<int>(best - p.probabilities.begin());
}

}  // namespace

bool hasImageExtension(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const char* known : {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm"})
        if (ext == known) return true;
    return false;
}

Result<std::vector<std::string>> listImageFiles(const std::string& folder, bool recursive) {
    std::error_code ec;
    if (!fs::exists(folder, ec)) return Error::notFound("Folder '" + folder + "' does not exist.", "Check the path.");
    if (!fs::is_directory(folder, ec))
        return Error::invalid("'" + folder + "' is not a folder.", "Give a folder of images, or the image itself.");
    std::vector<std::string> files;
    auto consider = [&](const fs::directory_entry& entry) {
        std::error_code ignored;
        if (hidden(entry.path()) || !hasImageExtension(entry.path().string())) return;
        // A link that loops or leads nowhere is listed too: its outcome then says so ("a symbolic
        // link loop"), where leaving it out hid the file from the results without a word.
        const bool brokenLink = entry.is_symlink(ignored) && !entry.exists(ignored);
        if (entry.is_regular_file(ignored) || brokenLink) files.push_back(entry.path().string());
    };
    const std::string cannotList = "Cannot list the folder '" + folder + "': ";
    if (recursive) {
        fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end;
        for (; !ec && it != end; it.increment(ec)) {
            if (hidden(it->path())) {
                it.disable_recursion_pending();
                continue;
            }
            consider(*it);
        }
    } else {
        fs::directory_iterator it(folder, ec), end;
        for (; !ec && it != end; it.increment(ec)) consider(*it);
    }
    if (ec) return Error::io(cannotList + ec.message() + ".", "Check that you may read it.");
    std::sort(files.begin(), files.end());
    return files;
}

std::vector<FileOutcome> classifyFiles(const ModelSnapshot& snapshot, const std::vector<std::string>& paths, int topK,
                                       ThreadPool* pool) {
    const int n = static_cast<int>(paths.size());
    std::vector<FileOutcome> out(paths.size());  // task c writes only its own files
    auto runChunk = [&](int c) {
        const int last = std::min(n, (c + 1) * kFileChunk);
        for (int i = c * kFileChunk; i < last; ++i) {
            FileOutcome& o = out[static_cast<std::size_t>(i)];
            o.path = paths[static_cast<std::size_t>(i)];
            auto p = predictFile(snapshot, o.path, topK);
            if (p.ok())
                o.prediction = std::move(*p);
            else
                o.error = p.error().what();
        }
    };
    const int chunks = (n + kFileChunk - 1) / kFileChunk;
    if (pool)
        pool->forEach(chunks, runChunk);
    else
        for (int c = 0; c < chunks; ++c) runChunk(c);
    return out;
}

std::string predictionsCsv(const std::vector<FileOutcome>& outcomes, const std::vector<std::string>& classNames) {
    std::string csv = "file,predicted,confidence,error\n";
    for (const FileOutcome& o : outcomes) {
        csv += csvCell(o.path);
        if (o.ok() && !o.prediction->probabilities.empty()) {
            const int c = predictedClass(*o.prediction);
            const std::string name =
                c < static_cast<int>(classNames.size()) ? classNames[static_cast<std::size_t>(c)] : std::to_string(c);
            csv += ',' + csvCell(name) + ',' + sixDecimals(o.prediction->probabilities[static_cast<std::size_t>(c)]) +
                   ",\n";
        } else {
            csv += ",,," + csvCell(o.error) + '\n';
        }
    }
    return csv;
}

Status writePredictionsCsv(const std::string& path, const std::vector<FileOutcome>& outcomes,
                           const std::vector<std::string>& classNames) {
    const std::string csv = predictionsCsv(outcomes, classNames);
    return writeFileAtomically(
        path, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(csv.data()), csv.size()),
        "the predictions");
}

}  // namespace studio
