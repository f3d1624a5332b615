#include "engine/data/image_header.h"

#include <algorithm>
#include <initializer_list>

namespace studio {

namespace {

using Bytes = std::span<const std::uint8_t>;

bool startsWith(Bytes b, std::initializer_list<int> sig, std::size_t at = 0) {
    if (b.size() < at + sig.size()) return false;
    std::size_t i = at;
    for (int s : sig)
        if (b[i++] != static_cast<std::uint8_t>(s)) return false;
    return true;
}

std::uint32_t be32(Bytes b, std::size_t at) {
    return (std::uint32_t(b[at]) << 24) | (std::uint32_t(b[at + 1]) << 16) | (std::uint32_t(b[at + 2]) << 8) |
           b[at + 3];
}
std::uint32_t le32(Bytes b, std::size_t at) {
    return b[at] | (std::uint32_t(b[at + 1]) << 8) | (std::uint32_t(b[at + 2]) << 16) |
           (std::uint32_t(b[at + 3]) << 24);
}
std::uint32_t le24(Bytes b, std::size_t at) {
    return b[at] | (std::uint32_t(b[at + 1]) << 8) | (std::uint32_t(b[at + 2]) << 16);
}
std::uint32_t le16(Bytes b, std::size_t at) {
    return b[at] | (std::uint32_t(b[at + 1]) << 8);
}

// IHDR is the first chunk: width and height at bytes 16 and 20.
void readPng(Bytes b, ImageHeader& h) {
    if (b.size() < 24 || !startsWith(b, {'I', 'H', 'D', 'R'}, 12)) return;
    h.width = be32(b, 16);
    h.height = be32(b, 20);
}

// The first start-of-frame marker (baseline, progressive, lossless, arithmetic) holds the size.
void readJpeg(Bytes b, ImageHeader& h) {
    std::size_t i = 2;
    while (i + 9 < b.size()) {
        if (b[i] != 0xFF) {
            ++i;
            continue;
        }
        const std::uint8_t m = b[i + 1];
        if (m == 0xFF) {
            ++i;
            continue;
        }
        if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
            i += 2;
            continue;
        }
        const std::size_t len = (std::size_t(b[i + 2]) << 8) | b[i + 3];
        const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            h.height = (std::uint64_t(b[i + 5]) << 8) | b[i + 6];
            h.width = (std::uint64_t(b[i + 7]) << 8) | b[i + 8];
            return;
        }
        i += 2 + len;
    }
}

// BITMAPCOREHEADER (12 bytes) has 16-bit sizes; the later headers signed 32-bit ones, a
// negative height meaning top-down rows.
void readBmp(Bytes b, ImageHeader& h) {
    if (b.size() < 26) return;
    if (le32(b, 14) == 12) {
        h.width = le16(b, 18);
        h.height = le16(b, 20);
        return;
    }
    const auto width = static_cast<std::int32_t>(le32(b, 18));
    const auto height = static_cast<std::int32_t>(le32(b, 22));
    if (width <= 0 || height == 0 || height == INT32_MIN) return;
    h.width = static_cast<std::uint64_t>(width);
    h.height = static_cast<std::uint64_t>(height < 0 ? -static_cast<std::int64_t>(height) : height);
}

// The first image file directory's ImageWidth (256) and ImageLength (257), SHORT or LONG,
// in the file's byte order ("II" little-endian, "MM" big-endian). OpenCV decodes that page.
void readTiff(Bytes b, ImageHeader& h) {
    if (b.size() < 8) return;
    const bool little = b[0] == 'I';
    auto u16 = [&](std::size_t at) { return little ? le16(b, at) : (std::uint32_t(b[at]) << 8) | b[at + 1]; };
    auto u32 = [&](std::size_t at) { return little ? le32(b, at) : be32(b, at); };
    const std::size_t ifd = u32(4);
    if (ifd < 8 || ifd + 2 > b.size()) return;
    const std::size_t entries = u16(ifd);
    std::uint64_t width = 0, height = 0, rowsPerStrip = 0, tileWidth = 0, tileHeight = 0;
    for (std::size_t k = 0; k < entries; ++k) {
        const std::size_t e = ifd + 2 + 12 * k;
        if (e + 12 > b.size()) return;  // a directory cut off: the size cannot be trusted
        const std::uint32_t tag = u16(e), type = u16(e + 2), count = u32(e + 4);
        std::uint64_t* size = tag == 256 ? &width : tag == 257 ? &height : tag == 278 ? &rowsPerStrip
                            : tag == 322 ? &tileWidth : tag == 323 ? &tileHeight : nullptr;
        if (!size || count != 1) continue;
        const std::uint64_t value = type == 3 ? u16(e + 8) : type == 4 ? u32(e + 8) : 0;
        *size = std::max(*size, value);  // a repeated tag: believe the larger, so nothing slips past the limit
    }
    h.width = width;
    h.height = height;
    h.rowsPerStrip = rowsPerStrip == 0xFFFFFFFFu ? 0 : rowsPerStrip;  // 2^32-1: the whole image is one strip
    h.tileWidth = tileWidth;
    h.tileHeight = tileHeight;
}

// RIFF/WEBP: a lossy "VP8 ", lossless "VP8L" or extended "VP8X" first chunk.
void readWebp(Bytes b, ImageHeader& h) {
    if (startsWith(b, {'V', 'P', '8', ' '}, 12) && b.size() >= 30 && startsWith(b, {0x9D, 0x01, 0x2A}, 23)) {
        h.width = le16(b, 26) & 0x3FFF;
        h.height = le16(b, 28) & 0x3FFF;
    } else if (startsWith(b, {'V', 'P', '8', 'L'}, 12) && b.size() >= 25 && b[20] == 0x2F) {
        const std::uint32_t bits = le32(b, 21);
        h.width = (bits & 0x3FFF) + 1;
        h.height = ((bits >> 14) & 0x3FFF) + 1;
    } else if (startsWith(b, {'V', 'P', '8', 'X'}, 12) && b.size() >= 30) {
        h.width = std::uint64_t(le24(b, 24)) + 1;
        h.height = std::uint64_t(le24(b, 27)) + 1;
    }
}

// "P5 # comment\n 640 480 ...": two decimal numbers after the magic, with whitespace and
// comments between.
void readPnm(Bytes b, ImageHeader& h) {
    std::size_t i = 2;
    auto number = [&]() -> std::uint64_t {
        for (;;) {
            while (i < b.size() && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) ++i;
            if (i < b.size() && b[i] == '#') {
                while (i < b.size() && b[i] != '\n' && b[i] != '\r') ++i;
                continue;
            }
            break;
        }
        std::uint64_t v = 0;
        int digits = 0;
        while (i < b.size() && b[i] >= '0' && b[i] <= '9') {
            if (++digits > 10) return 0;
            v = v * 10 + (b[i++] - '0');
        }
        return v;
    };
    const std::uint64_t width = number();
    if (width == 0) return;
    h.width = width;
    h.height = number();
    if (h.height == 0) h.width = 0;
}

}  // namespace

ImageHeader readImageHeader(Bytes b) {
    ImageHeader h;
    // First, whatever the first bytes say: cv::imdecode tries its other readers when the one
    // for the stated format refuses the signature, and its DICOM reader (GDCM) aborts the
    // process on a broken file. fuzz_image found a "WebP" with "DICM" at 128 that did that.
    if (startsWith(b, {'D', 'I', 'C', 'M'}, 128)) {
        h.knownOther = "DICOM";
        return h;
    }
    if (startsWith(b, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
        h.format = "PNG";
        readPng(b, h);
    } else if (startsWith(b, {0xFF, 0xD8, 0xFF})) {
        h.format = "JPEG";
        readJpeg(b, h);
    } else if (startsWith(b, {'B', 'M'})) {
        h.format = "BMP";
        readBmp(b, h);
    } else if (startsWith(b, {'I', 'I', 0x2A, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2A})) {
        h.format = "TIFF";
        readTiff(b, h);
    } else if (startsWith(b, {'R', 'I', 'F', 'F'}) && startsWith(b, {'W', 'E', 'B', 'P'}, 8)) {
        h.format = "WebP";
        readWebp(b, h);
    } else if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6' &&
               (b[2] == ' ' || b[2] == '\t' || b[2] == '\r' || b[2] == '\n' || b[2] == '#')) {
        h.format = "PNM";
        readPnm(b, h);
    } else if (startsWith(b, {'G', 'I', 'F', '8'})) {
        h.knownOther = "GIF";
    } else if (startsWith(b, {'D', 'I', 'C', 'M'}, 128)) {
        h.knownOther = "DICOM";
    } else if (startsWith(b, {'I', 'I', 0x2B, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2B})) {
        h.knownOther = "BigTIFF";
    } else if (startsWith(b, {'#', '?'})) {
        h.knownOther = "Radiance HDR";
    } else if (startsWith(b, {0x76, 0x2F, 0x31, 0x01})) {
        h.knownOther = "OpenEXR";
    } else if (startsWith(b, {0x00, 0x00, 0x00, 0x0C, 'j', 'P'}) || startsWith(b, {0xFF, 0x4F, 0xFF, 0x51})) {
        h.knownOther = "JPEG 2000";
    } else if (startsWith(b, {0x59, 0xA6, 0x6A, 0x95})) {
        h.knownOther = "Sun raster";
    } else if (startsWith(b, {'P', '7'})) {
        h.knownOther = "PAM";
    }
    return h;
}

}  // namespace studio
