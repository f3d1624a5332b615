#include "engine/data/image_io.h"

#include "engine/data/image_header.h"
#include "engine/io/atomic_file.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <new>
#include <optional>
#include <system_error>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace studio {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kMaxPixels = 100'000'000;  // 100 megapixels

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
    const ImageHeader header = readImageHeader(bytes);
    if (header.format.empty()) {
        if (header.knownOther.empty())
            return Error::unsupported("File " + name + " is not a supported image (" + kSupportedImageFormats + ").",
                                      "Choose a PNG, JPEG, BMP, TIFF, WebP or PNM file.");
        return Error::unsupported("File " + name + " is a " + header.knownOther + " file, not a supported image (" +
                                      kSupportedImageFormats + ").",
                                  "Convert it to PNG or JPEG.");
    }
    // The pixel count is checked before decoding for every format: a 240 KB TIFF may declare
    // 30000×30000 pixels, which the decoder would allocate (2.7 GB) before failing.
    if (header.width == 0 || header.height == 0)
        return Error::corrupt("Image " + name + " (" + header.format +
                                  ") does not state its size in its header, or the header is damaged.",
                              "Re-export or re-download the file, or convert it to PNG.");
    if (header.width * header.height > kMaxPixels)
        return Error::invalid("Image " + name + " is too large: " + std::to_string(header.width) + "×" +
                                  std::to_string(header.height) + " pixels (the limit is 100 megapixels).",
                              "Scale it down first.");
    // OpenCV 4.6 reads a TIFF a strip (or tile) at a time into a buffer of the strip's stated
    // size, not clipped to the image: a 200-byte file of 65285×4 pixels whose strips claim 8973
    // rows made it allocate 2.3 GB.
    if (header.format == "TIFF") {
        const bool tiled = header.tileWidth > 0 || header.tileHeight > 0;
        const std::uint64_t blockWidth = tiled ? header.tileWidth : header.width;
        const std::uint64_t blockHeight = tiled ? header.tileHeight : header.rowsPerStrip ? header.rowsPerStrip : header.height;
        if (blockWidth > kMaxPixels || blockHeight > kMaxPixels || blockWidth * blockHeight > kMaxPixels)
            return Error::invalid("Image " + name + " is a TIFF whose " + (tiled ? "tiles" : "strips") + " are " +
                                      std::to_string(blockWidth) + "×" + std::to_string(blockHeight) +
                                      " pixels, which the decoder allocates whole (the limit is 100 megapixels).",
                                  "Re-save it with smaller strips, or convert it to PNG.");
    }
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
    } catch (const cv::Exception&) {
        decoded.release();
    } catch (const std::bad_alloc&) {
        return Error::io("Out of memory while decoding image " + name + ".", "Close other programs and retry.");
    }
    if (decoded.empty()) {
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
    if (ec == std::errc::too_many_symbolic_link_levels)
        return Error::invalid("'" + path + "' is a symbolic link loop: following it leads back to itself.",
                              "Remove the link, or point it at an image.");
    if (ec || !fs::exists(status)) {
        if (fs::is_symlink(fs::symlink_status(path, ec)))
            return Error::notFound("'" + path + "' is a symbolic link to something that does not exist.",
                                   "Remove the link, or point it at an image.");
        return Error::notFound("Image '" + path + "' does not exist.", "Check the path.");
    }
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
