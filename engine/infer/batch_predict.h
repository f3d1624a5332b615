#pragma once
// Classifying many image files: a folder listing, one outcome per file (a prediction or the
// reason it failed, so one bad file never stops the others), and a CSV of the results.

#include <optional>
#include <string>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/infer/predictor.h"
#include "engine/infer/snapshot.h"

namespace studio {

struct FileOutcome {
    std::string path;
    std::optional<Prediction> prediction;  // set when the file was classified …
    std::string error;                     // … otherwise Error::what(): names the file, says why
    bool ok() const { return prediction.has_value(); }
};

/// True for the extensions listImageFiles takes (case-insensitive): png jpg jpeg bmp tif tiff
/// webp pgm ppm pbm.
bool hasImageExtension(const std::string& path);

/// The image files in `folder` (and below it when `recursive`), by extension, sorted by path.
/// Hidden files and folders (".name") are skipped. A symbolic link named like an image that
/// loops or leads nowhere is listed (classifying it gives the reason), so no file goes unreported.
/// An empty list is not an error.
/// Errors: the folder does not exist, is not a folder, or cannot be listed — named.
Result<std::vector<std::string>> listImageFiles(const std::string& folder, bool recursive);

/// One outcome per path, in the order given. Each file is read, decoded, prepared and predicted
/// exactly as predictFile does (so the probabilities equal predictFile's bit for bit); files are
/// split over `pool` (may be null) in fixed chunks, each file on one thread, so the results do
/// not depend on the thread count. Every file is independent: a batch of 32 would not be
/// faster (a conv net costs the same per sample at batch 1) and would round differently.
std::vector<FileOutcome> classifyFiles(const ModelSnapshot& snapshot, const std::vector<std::string>& paths, int topK,
                                       ThreadPool* pool);

/// The outcomes as CSV: a header "file,predicted,confidence,error", then one row per outcome:
/// the path, the most likely class's name (its index when classNames is shorter), its
/// probability with 6 decimals, and the error ("" for classified files; predicted and confidence
/// are "" for failed ones). Cells are written by csvCell (engine/io/csv.h): quoted per RFC 4180,
/// and a file name a spreadsheet would run as a formula is written as text; rows end with "\n".
std::string predictionsCsv(const std::vector<FileOutcome>& outcomes, const std::vector<std::string>& classNames);

/// predictionsCsv written atomically (temp file + rename). Errors name `path`.
Status writePredictionsCsv(const std::string& path, const std::vector<FileOutcome>& outcomes,
                           const std::vector<std::string>& classNames);

}  // namespace studio
