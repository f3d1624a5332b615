#include "engine/teach/boundary_image.h"

#include <algorithm>
#include <cmath>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace studio {

namespace {

// Tableau-like, distinguishable on white and on dark backgrounds.
constexpr std::array<std::uint32_t, 8> kPalette = {0xE8590C, 0x1C7ED6, 0x2F9E44, 0xAE3EC9,
                                                   0xF08C00, 0x0C8599, 0xE64980, 0x5C7CFA};

cv::Vec3b rgb(std::uint32_t c) {
    return {static_cast<std::uint8_t>(c >> 16), static_cast<std::uint8_t>(c >> 8), static_cast<std::uint8_t>(c)};
}

cv::Vec3b mix(cv::Vec3b background, cv::Vec3b colour, float a) {
    cv::Vec3b out;
    for (int k = 0; k < 3; ++k)
        out[k] = static_cast<std::uint8_t>(std::lround(background[k] + (colour[k] - background[k]) * a));
    return out;
}

cv::Scalar scalar(cv::Vec3b c) { return {static_cast<double>(c[0]), static_cast<double>(c[1]), static_cast<double>(c[2])}; }

}  // namespace

std::vector<PlanePoint> planePoints(const DatasetBundle& data, const DataSplit& split) {
    STUDIO_ASSERT(isPlaneDataset(data.pool), "planePoints: not 2-D feature data");
    std::vector<PlanePoint> points;
    auto add = [&points](const Dataset& d, const std::vector<int>& indices, bool heldOut) {
        if (!isPlaneDataset(d)) return;
        for (int i : indices) {
            const float* p = d.featureRow(i);
            points.push_back({p[0], p[1], d.label(i), heldOut});
        }
    };
    add(data.pool, split.train, false);
    add(data.pool, split.validation, true);
    add(split.testFromPool || !data.test ? data.pool : *data.test, split.test, true);
    return points;
}

std::uint32_t classColour(int cls) { return kPalette[static_cast<std::size_t>(std::abs(cls)) % kPalette.size()]; }

float boundaryShade(float pMax, int classes, bool discrete) {
    if (discrete) return 0.55f;
    const float chance = classes > 0 ? 1.0f / static_cast<float>(classes) : 0.0f;
    const float c = chance < 1.0f ? std::clamp((pMax - chance) / (1.0f - chance), 0.0f, 1.0f) : 1.0f;
    return 0.12f + 0.68f * c;
}

DecodedImage renderBoundary(const BoundaryGrid& grid, const std::vector<PlanePoint>& points,
                            const BoundaryPictureStyle& style) {
    const int side = std::max(16, style.size);
    const cv::Vec3b background = style.dark ? cv::Vec3b(0x1e, 0x1f, 0x22) : cv::Vec3b(0xff, 0xff, 0xff);
    cv::Mat cells(grid.height, grid.width, CV_8UC3);
    for (int row = 0; row < grid.height; ++row)
        for (int col = 0; col < grid.width; ++col) {
            const int cls = grid.predicted(row, col);
            const float shade = boundaryShade(grid.probability(row, col, cls), grid.classes, style.discrete);
            cells.at<cv::Vec3b>(row, col) = mix(background, rgb(classColour(cls)), shade);
        }
    cv::Mat canvas;
    cv::resize(cells, canvas, cv::Size(side, side), 0, 0, style.discrete ? cv::INTER_NEAREST : cv::INTER_LINEAR);

    const PlaneExtent& e = grid.extent;
    const float sx = static_cast<float>(side) / (e.xMax - e.xMin), sy = static_cast<float>(side) / (e.yMax - e.yMin);
    const int radius = std::max(2, side / 160);
    const cv::Vec3b outline = style.dark ? cv::Vec3b(0xf2, 0xf2, 0xf2) : cv::Vec3b(0x21, 0x25, 0x29);
    for (const bool heldOut : {false, true}) {  // held-out points on top, so they stay visible
        if (heldOut && !style.showHeldOut) continue;
        for (const PlanePoint& p : points) {
            if (p.heldOut != heldOut || !std::isfinite(p.x) || !std::isfinite(p.y)) continue;
            const cv::Point c(static_cast<int>(std::lround((p.x - e.xMin) * sx)),
                              static_cast<int>(std::lround((e.yMax - p.y) * sy)));
            const cv::Scalar fill = scalar(rgb(classColour(p.label)));
            if (heldOut) {
                const cv::Rect box(c.x - radius, c.y - radius, 2 * radius + 1, 2 * radius + 1);
                cv::rectangle(canvas, box, fill, cv::FILLED);
                cv::rectangle(canvas, box, scalar(outline), 1);
            } else {
                cv::circle(canvas, c, radius, fill, cv::FILLED, cv::LINE_AA);
                cv::circle(canvas, c, radius, scalar(outline), 1, cv::LINE_AA);
            }
        }
    }
    DecodedImage image;
    image.channels = 3;
    image.height = side;
    image.width = side;
    image.chw.resize(static_cast<std::size_t>(3) * side * side);
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            for (int k = 0; k < 3; ++k)
                image.chw[(static_cast<std::size_t>(k) * side + y) * side + x] = canvas.at<cv::Vec3b>(y, x)[k];
    return image;
}

Status writeBoundaryPng(const std::string& path, const BoundaryGrid& grid, const std::vector<PlanePoint>& points,
                        const BoundaryPictureStyle& style) {
    return writePng(path, renderBoundary(grid, points, style));
}

Status writeModelBoundaryPng(const std::string& path, const ModelSnapshot& snapshot, const DatasetBundle& data,
                             const DataSplit& split, int resolution, const BoundaryPictureStyle& style,
                             ThreadPool* pool) {
    if (!isPlaneDataset(data.pool))
        return Error::invalid("Dataset '" + data.pool.name() + "' has samples of " +
                                  shapeToString(data.pool.sampleShape()) + ", not 2 features: it has no plane to draw.",
                              "--boundary works with spirals, circles, xor, gauss and 2-feature tables.");
    const Dataset* test = data.test ? &*data.test : nullptr;
    auto grid = computeBoundary(snapshot, planeExtent(data.pool, test), resolution, resolution, pool);
    if (!grid) return grid.error();
    return writeBoundaryPng(path, *grid, planePoints(data, split), style);
}

}  // namespace studio
