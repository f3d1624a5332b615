#include "engine/data/image_io.h"

#include "engine/io/atomic_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <system_error>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace studio {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxPixels = 100'000'000;  // 100 megapixels

struct HeaderInfo {
    std::string format;                   // "PNG", "JPEG", ... or "" when unrecognised
    std::uint64_t width = 0, height = 0;  // 0 when the header does not say (or we do not parse it)
};

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (p[1] << 16) | (p[2] << 8) | p[3];
}
std::uint32_t le32(const std::uint8_t* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (std::uint32_t(p[3]) << 24);
}

bool startsWith(const std::vector<std::uint8_t>& b, std::initializer_list<int> sig, std::size_t at = 0) {
    if (b.size() < at + sig.size()) return false;
    std::size_t i = at;
    for (int s : sig)
        if (b[i++] != static_cast<std::uint8_t>(s)) return false;
    return true;
}

// Reads the format and, for the common formats, the size from the header, so a huge image is
// refused before OpenCV allocates it.
HeaderInfo sniff(const std::vector<std::uint8_t>& b) {
    HeaderInfo h;
    if (startsWith(b, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
        h.format = "PNG";
        if (b.size() >= 24) {
            h.width = be32(&b[16]);
            h.height = be32(&b[20]);
        }
    } else if (startsWith(b, {0xFF, 0xD8, 0xFF})) {
        h.format = "JPEG";
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
                h.height = (std::size_t(b[i + 5]) << 8) | b[i + 6];
                h.width = (std::size_t(b[i + 7]) << 8) | b[i + 8];
                break;
            }
            i += 2 + len;
        }
    } else if (startsWith(b, {'B', 'M'}) && b.size() >= 26) {
        h.format = "BMP";
        h.width = le32(&b[18]);
        const std::int32_t height = static_cast<std::int32_t>(le32(&b[22]));
        h.height = static_cast<std::uint64_t>(height < 0 ? -static_cast<std::int64_t>(height) : height);
    } else if (startsWith(b, {'G', 'I', 'F', '8'})) {
        h.format = "GIF";
    } else if (startsWith(b, {'I', 'I', 0x2A, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2A})) {
        h.format = "TIFF";
    } else if (startsWith(b, {'R', 'I', 'F', 'F'}) && startsWith(b, {'W', 'E', 'B', 'P'}, 8)) {
        h.format = "WebP";
    } else if (b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') {
        h.format = "PNM";
    } else if (startsWith(b, {'#', '?'})) {
        h.format = "HDR";
    } else if (startsWith(b, {0x76, 0x2F, 0x31, 0x01})) {
        h.format = "OpenEXR";
    } else if (startsWith(b, {0x00, 0x00, 0x00, 0x0C, 'j', 'P'}) || startsWith(b, {0xFF, 0x4F, 0xFF, 0x51})) {
        h.format = "JPEG 2000";
    } else if (startsWith(b, {0x59, 0xA6, 0x6A, 0x95})) {
        h.format = "Sun raster";
    }
    return h;
}

// libjpeg pads a truncated file with grey and only warns; a JPEG without an end marker is cut off.
bool jpegLooksTruncated(const std::vector<std::uint8_t>& b) {
    for (std::size_t i = b.size(); i >= 2; --i)
        if (b[i - 2] == 0xFF && b[i - 1] == 0xD9) return false;
    return true;
}

// A PNG ends with its IEND chunk (trailing bytes after it are tolerated). Without one the file
// was cut off; saying so here spares the user libpng's own error line on stderr.
bool pngLooksTruncated(const std::vector<std::uint8_t>& b) {
    static constexpr std::uint8_t iend[] = {'I', 'E', 'N', 'D'};
    return std::search(b.rbegin(), b.rend(), std::rbegin(iend), std::rend(iend)) == b.rend();
}

cv::Mat to8Bit(const cv::Mat& m) {
    cv::Mat out;
    switch (m.depth()) {
        case CV_8U:
            return m;
        case CV_16U:
            m.convertTo(out, CV_8U, 1.0 / 257.0);
            return out;
        case CV_32F:
        case CV_64F:
            m.convertTo(out, CV_8U, 255.0);
            return out;  // HDR/EXR: [0,1] → [0,255], saturated
        default: {
            cv::Mat flat = m.reshape(1);
            double lo = 0, hi = 0;
            cv::minMaxLoc(flat, &lo, &hi);
            const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
            m.convertTo(out, CV_8U, scale, -lo * scale);
            return out;
        }
    }
}

// Alpha is composited on black: transparent pixels become background (0), the convention of
// the 28×28 sets and of a drawing on a transparent canvas.
cv::Mat compositeOnBlack(const cv::Mat& m) {
    const int colour = m.channels() - 1;
    cv::Mat out(m.rows, m.cols, CV_8UC(colour));
    for (int y = 0; y < m.rows; ++y) {
        const std::uint8_t* in = m.ptr<std::uint8_t>(y);
        std::uint8_t* o = out.ptr<std::uint8_t>(y);
        for (int x = 0; x < m.cols; ++x) {
            const unsigned a = in[x * m.channels() + colour];
            for (int c = 0; c < colour; ++c)
                o[x * colour + c] = static_cast<std::uint8_t>((in[x * m.channels() + c] * a + 127) / 255);
        }
    }
    return out;
}

DecodedImage fromMat(const cv::Mat& hwc) {
    // hwc: 8-bit, 1 channel gray or 3 channels RGB.
    DecodedImage img;
    img.channels = hwc.channels();
    img.height = hwc.rows;
    img.width = hwc.cols;
    img.chw.resize(static_cast<std::size_t>(img.channels) * img.height * img.width);
    const std::size_t plane = static_cast<std::size_t>(img.height) * img.width;
    for (int y = 0; y < hwc.rows; ++y) {
        const std::uint8_t* row = hwc.ptr<std::uint8_t>(y);
        for (int x = 0; x < hwc.cols; ++x)
            for (int c = 0; c < img.channels; ++c)
                img.chw[c * plane + static_cast<std::size_t>(y) * img.width + x] = row[x * img.channels + c];
    }
    return img;
}

cv::Mat toMat(const DecodedImage& image) {
    STUDIO_ASSERT(image.channels == 1 || image.channels == 3, "image must be gray or RGB");
    STUDIO_ASSERT(image.chw.size() == static_cast<std::size_t>(image.channels) * image.height * image.width,
                  "DecodedImage: pixel count does not match its size");
    cv::Mat hwc(image.height, image.width, CV_8UC(image.channels));
    const std::size_t plane = static_cast<std::size_t>(image.height) * image.width;
    for (int y = 0; y < image.height; ++y) {
        std::uint8_t* row = hwc.ptr<std::uint8_t>(y);
        for (int x = 0; x < image.width; ++x)
            for (int c = 0; c < image.channels; ++c)
                row[x * image.channels + c] = image.chw[c * plane + static_cast<std::size_t>(y) * image.width + x];
    }
    return hwc;
}

}  // namespace

Result<DecodedImage> decodeImageBytes(const std::vector<std::uint8_t>& bytes, const std::string& label) {
    const std::string name = "'" + label + "'";
    if (bytes.empty()) return Error::corrupt("Image " + name + " is empty (0 bytes).", "Choose another file.");
    const HeaderInfo header = sniff(bytes);
    if (header.format == "GIF")
        return Error::unsupported("Image " + name + " is a GIF, which is not supported.", "Convert it to PNG or JPEG.");
    if (header.width * header.height > kMaxPixels)
        return Error::invalid("Image " + name + " is too large: " + std::to_string(header.width) + "×" +
                                  std::to_string(header.height) + " pixels (the limit is 100 megapixels).",
                              "Scale it down first.");
    if (header.format == "JPEG" && jpegLooksTruncated(bytes))
        return Error::corrupt("Image " + name + " is a truncated JPEG (no end marker).",
                              "Re-export or re-download the file.");
    if (header.format == "PNG" && pngLooksTruncated(bytes))
        return Error::corrupt("Image " + name + " is a truncated PNG (no end chunk).",
                              "Re-export or re-download the file.");

    cv::Mat decoded;
    try {
        const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8U, const_cast<std::uint8_t*>(bytes.data()));
        decoded = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception& e) {
        decoded.release();
    }
    if (decoded.empty()) {
        if (header.format.empty())
            return Error::unsupported("File " + name + " is not an image (no known image format recognised).",
                                      "Use PNG, JPEG, BMP, TIFF, WebP or PNM.");
        return Error::corrupt(
            "Image " + name + " (" + header.format + ") is corrupt or truncated and could not be decoded.",
            "Re-export or re-download the file.");
    }
    if (static_cast<std::uint64_t>(decoded.rows) * static_cast<std::uint64_t>(decoded.cols) > kMaxPixels)
        return Error::invalid("Image " + name + " is too large: " + std::to_string(decoded.cols) + "×" +
                                  std::to_string(decoded.rows) + " pixels (the limit is 100 megapixels).",
                              "Scale it down first.");

    cv::Mat m = to8Bit(decoded);
    if (m.channels() == 2 || m.channels() == 4) m = compositeOnBlack(m);
    if (m.channels() == 3) {
        cv::Mat rgb;
        cv::cvtColor(m, rgb, cv::COLOR_BGR2RGB);
        m = rgb;
    } else if (m.channels() != 1) {
        return Error::unsupported("Image " + name + " has " + std::to_string(m.channels()) + " channels.",
                                  "Use a gray, RGB or RGBA image.");
    }
    return fromMat(m);
}

Result<DecodedImage> readImageFile(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) return Error::notFound("Image '" + path + "' does not exist.", "Check the path.");
    if (!fs::is_regular_file(status))
        return Error::invalid("'" + path + "' is not a file.", "Choose an image file (PNG, JPEG, BMP, ...).");
    const auto size = fs::file_size(path, ec);
    if (ec) return Error::io("Cannot read the size of '" + path + "': " + ec.message() + ".");
    if (size == 0) return Error::corrupt("Image '" + path + "' is empty (0 bytes).", "Choose another file.");
    if (size > (std::uint64_t(1) << 31))
        return Error::invalid(
            "'" + path + "' is too large to be an image we read (" + std::to_string(size >> 20) + " MiB).",
            "Scale it down first.");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::io("Cannot open '" + path + "' for reading.", "Check its permissions.");
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (static_cast<std::uint64_t>(in.gcount()) != size)
        return Error::io("Could not read all of '" + path + "'.", "The file may be changing or on a failing disk.");
    return decodeImageBytes(bytes, path);
}

DecodedImage fitImage(const DecodedImage& image, int channels, int height, int width, const std::string& mode) {
    STUDIO_ASSERT(channels == 1 || channels == 3, "fitImage: channels must be 1 or 3");
    STUDIO_ASSERT(height > 0 && width > 0, "fitImage: empty target size");
    cv::Mat m = toMat(image);
    if (m.channels() != channels) {
        cv::Mat converted;
        cv::cvtColor(m, converted, channels == 1 ? cv::COLOR_RGB2GRAY : cv::COLOR_GRAY2RGB);
        m = converted;
    }
    auto resized = [](const cv::Mat& src, int h, int w) {
        if (src.rows == h && src.cols == w) return src;
        cv::Mat out;
        const bool shrinking = w <= src.cols && h <= src.rows;
        cv::resize(src, out, cv::Size(w, h), 0, 0, shrinking ? cv::INTER_AREA : cv::INTER_LINEAR);
        return out;
    };
    if (mode == "pad") {
        const double scale = std::min(static_cast<double>(width) / m.cols, static_cast<double>(height) / m.rows);
        const int w = std::clamp(static_cast<int>(std::lround(m.cols * scale)), 1, width);
        const int h = std::clamp(static_cast<int>(std::lround(m.rows * scale)), 1, height);
        cv::Mat canvas(height, width, m.type(), cv::Scalar::all(0));
        resized(m, h, w).copyTo(canvas(cv::Rect((width - w) / 2, (height - h) / 2, w, h)));
        return fromMat(canvas);
    }
    STUDIO_ASSERT(mode == "stretch", "fitImage: mode must be stretch or pad");
    return fromMat(resized(m, height, width));
}

Status writePng(const std::string& path, const DecodedImage& image) {
    cv::Mat m = toMat(image);
    if (m.channels() == 3) cv::cvtColor(m, m, cv::COLOR_RGB2BGR);
    std::vector<std::uint8_t> bytes;
    try {
        if (!cv::imencode(".png", m, bytes)) return Error::io("Could not encode a PNG for '" + path + "'.");
    } catch (const cv::Exception& e) {
        return Error::io("Could not encode a PNG for '" + path + "': " + e.what());
    }
    return writeFileAtomically(path, bytes, "the PNG image");
}

}  // namespace studio
