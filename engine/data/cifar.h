#pragma once
// CIFAR-10 binary batches: records of 1 label byte + 3072 pixel bytes (R, G, B planes of 32×32).

#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace studio {

/// The standard CIFAR-10 class names (used when batches.meta.txt is absent).
const std::vector<std::string>& cifar10ClassNames();

/// True when a folder holds data_batch_*.bin or test_batch.bin.
bool folderHasCifar(const std::string& folder);
/// True when a file looks like a CIFAR-10 batch: a .bin whose size is a multiple of 3073.
bool isCifarBatchFile(const std::string& path);

/// A folder with data_batch_1..N.bin (the pool) and test_batch.bin (the official test set), or
/// one batch file (the pool; test_batch.bin beside a data batch becomes the test set).
/// Class names from batches.meta.txt when present. Errors name the batch at fault.
Result<DatasetBundle> loadCifar10(const std::string& path);

}  // namespace studio
