#pragma once
// IDX files (the MNIST / Fashion-MNIST format), raw or gzipped: an images file (magic 0x00000803,
// count × rows × cols unsigned bytes) and its labels file (magic 0x00000801, count bytes).

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace studio {

/// The ten Fashion-MNIST class names, in label order.
const std::vector<std::string>& fashionMnistClassNames();

/// Candidate labels files beside an images file: "train-images-idx3-ubyte.gz" →
/// "train-labels-idx1-ubyte.gz", "train-labels-idx1-ubyte", ... (existing or not).
std::vector<std::string> idxLabelsCandidates(const std::string& imagesPath);

/// True when the file's name or its first bytes say it is an IDX images file.
bool isIdxImagesFile(const std::string& path);
/// True when a folder holds at least one IDX images file.
bool folderHasIdx(const std::string& folder);

/// Loads an IDX images file (labels beside it) or a folder holding train-* and t10k-*/test-*
/// pairs (t10k/test becomes the official test set). `classNames` empty: "0".."K-1" (K = the
/// largest label + 1), or the Fashion-MNIST names when the path mentions "fashion" and K = 10.
/// Otherwise every label must be below classNames.size(). Errors name the file at fault.
Result<DatasetBundle> loadIdx(const std::string& path, const std::string& displayName = {},
                              std::vector<std::string> classNames = {});

}  // namespace studio
