#pragma once
// The studio's image formats, recognised by their magic number, and each one's size read from
// its header, so that nothing reaches a decoder unless it is a format we promise and its pixel
// count is known to be sane. OpenCV would otherwise hand unknown bytes to whichever of its
// readers claims them (a DICOM file aborts the process) and allocate whatever a header declares.

#include <cstdint>
#include <span>
#include <string>

namespace studio {

/// What the studio reads, for messages and hints.
inline constexpr char kSupportedImageFormats[] = "PNG, JPEG, BMP, TIFF, WebP or PNM (PBM/PGM/PPM)";

struct ImageHeader {
    std::string format;                   // "PNG", "JPEG", "BMP", "TIFF", "WebP", "PNM"; "" when not one of them
    std::string knownOther;               // "GIF", "DICOM", ... when recognised but not supported
    std::uint64_t width = 0, height = 0;  // 0 when the header does not state them (then refuse)
    // TIFF: the strip or tile its decoder allocates whole (as 4-byte RGBA for many layouts),
    // whatever the image's height: RowsPerStrip (0 = not stated, or "one strip") or the tile size.
    std::uint64_t rowsPerStrip = 0, tileWidth = 0, tileHeight = 0;
};

/// Reads the format and the size from the first bytes. Never reads past `bytes`.
ImageHeader readImageHeader(std::span<const std::uint8_t> bytes);

}  // namespace studio
