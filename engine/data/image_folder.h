#pragma once
// Image folders: root/<class>/<image>, any format OpenCV reads, decoded in parallel chunks and
// stored as 8-bit CHW at one size. Files that cannot be used are listed, not fatal.

#include <string>

#include "engine/core/result.h"
#include "engine/data/dataset.h"

namespace studio {

struct ImageFolderOptions {
    int imageSize = 32;              // side of the stored square images
    int channels = 0;                // 1 or 3; 0 = colour if any of the first images per class is
    int threads = 0;                 // decoding threads (0 = all)
    std::string resize = "stretch";  // fitImage mode
};

/// Classes are the sub-folders of `root` in name order; images inside each in name order (that
/// order is the sample order, whatever the thread count). Unreadable files, files at the root
/// and nested folders go to bundle.skipped with a reason. Errors: `root` missing, no class
/// folders, fewer than two classes with files, or no usable image at all.
Result<DatasetBundle> loadImageFolder(const std::string& root, const ImageFolderOptions& options = {});

}  // namespace studio
