#pragma once
// Pictures for the run report, drawn with OpenCV (which stays inside engine/data): PNG bytes for
// data URIs and line charts of per-epoch curves. Qt-free, so the CLI's report has the same
// pictures as the studio's.

#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image_io.h"

namespace studio {

/// 8-bit CHW (1 or 3 channels, RGB) → PNG file bytes. Empty for an empty image.
std::vector<std::uint8_t> encodePng(const DecodedImage& image);

/// Nearest-neighbour enlargement by an integer factor (small images stay crisp in a report).
DecodedImage enlarged(const DecodedImage& image, int factor);

struct ChartSeries {
    std::string name;
    std::uint8_t r = 0, g = 0, b = 0;
    bool dashed = false;
    std::vector<double> x, y;  // same length; non-finite y values leave a gap
};

struct LineChart {
    std::string title, xLabel;
    int width = 640, height = 300;
    bool zeroToOne = false;   // y axis fixed to [0, 1] (accuracies)
    bool integerX = false;    // x ticks on whole numbers only (epochs)
    std::vector<ChartSeries> series;
};

/// The chart as an RGB image: axes with ticks and numbers, one polyline per series, a legend.
/// A chart without finite points draws its axes and "no data".
DecodedImage drawLineChart(const LineChart& chart);

}  // namespace studio
