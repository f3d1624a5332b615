#pragma once
// Decoding and fitting images (OpenCV, only inside engine/data). Everything returns 8-bit CHW.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"

namespace studio {

struct DecodedImage {
    int channels = 0, height = 0, width = 0;   // as stored in the file (after 16-bit/alpha handling)
    std::vector<std::uint8_t> chw;             // channels × height × width
};

/// Reads any format OpenCV decodes. Errors name the file and say why (missing, empty, not an
/// image, truncated/corrupt, too large: > 100 megapixels — checked from the PNG/JPEG/BMP header
/// before decoding, after decoding for other formats). 16-bit images are scaled to 8 bits
/// (v / 257), float images (HDR/EXR) are clamped from [0,1]; an alpha channel is composited on
/// black (transparent → 0), so the result is always gray (1) or RGB (3). GIF is not supported
/// by OpenCV and is reported as such. EXIF orientation is not applied.
Result<DecodedImage> readImageFile(const std::string& path);
/// Same from bytes in memory (clipboard, browser drags); `label` names the source in messages.
Result<DecodedImage> decodeImageBytes(const std::vector<std::uint8_t>& bytes, const std::string& label);

/// Converts to `channels` (1 gray, 3 RGB) and resizes to height×width (area interpolation when
/// shrinking, linear when enlarging). mode "stretch" ignores aspect; "pad" letterboxes with black.
DecodedImage fitImage(const DecodedImage& image, int channels, int height, int width, const std::string& mode = "stretch");

/// Writes 8-bit CHW as PNG (for saliency maps, previews). Atomic: temp file + rename.
Status writePng(const std::string& path, const DecodedImage& image);

}  // namespace studio
