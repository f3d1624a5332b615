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

/// Reads PNG, JPEG, BMP, TIFF, WebP and PNM (image_header.h): the magic number is checked and the
/// size read from the header before any decoder sees the bytes, so other formats (GIF, DICOM,
/// HDR, ...) and images over 100 megapixels are refused without decoding. Errors name the file
/// and say why (missing, empty, unsupported, truncated/corrupt, too large). 16-bit images are
/// scaled to 8 bits (v / 257); an alpha channel is composited on black (transparent → 0), so the
/// result is always gray (1) or RGB (3). EXIF orientation is not applied.
Result<DecodedImage> readImageFile(const std::string& path);
/// Same from bytes in memory (clipboard, browser drags); `label` names the source in messages.
Result<DecodedImage> decodeImageBytes(const std::vector<std::uint8_t>& bytes, const std::string& label);

/// Converts to `channels` (1 gray, 3 RGB) and resizes to height×width (area interpolation when
/// shrinking, linear when enlarging). mode "stretch" ignores aspect; "pad" letterboxes with black.
DecodedImage fitImage(const DecodedImage& image, int channels, int height, int width, const std::string& mode = "stretch");

/// Writes 8-bit CHW as PNG (for saliency maps, previews). Atomic: temp file + rename.
Status writePng(const std::string& path, const DecodedImage& image);

}  // namespace studio
