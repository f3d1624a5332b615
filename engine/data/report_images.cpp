#include "engine/data/report_images.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace studio {

namespace {

// CHW RGB/gray → an OpenCV BGR or gray Mat (a copy).
cv::Mat toMat(const DecodedImage& image) {
    const int h = image.height, w = image.width;
    if (image.channels == 1) {
        cv::Mat m(h, w, CV_8UC1);
        std::copy(image.chw.begin(), image.chw.end(), m.data);
        return m;
    }
    cv::Mat m(h, w, CV_8UC3);
    const std::size_t plane = static_cast<std::size_t>(h) * w;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w + x;
            auto& px = m.at<cv::Vec3b>(y, x);
            px[0] = image.chw[2 * plane + i];
            px[1] = image.chw[plane + i];
            px[2] = image.chw[i];
        }
    return m;
}

DecodedImage fromBgr(const cv::Mat& m) {
    DecodedImage out;
    out.channels = 3;
    out.height = m.rows;
    out.width = m.cols;
    const std::size_t plane = static_cast<std::size_t>(m.rows) * m.cols;
    out.chw.resize(3 * plane);
    for (int y = 0; y < m.rows; ++y)
        for (int x = 0; x < m.cols; ++x) {
            const auto& px = m.at<cv::Vec3b>(y, x);
            const std::size_t i = static_cast<std::size_t>(y) * m.cols + x;
            out.chw[i] = px[2];
            out.chw[plane + i] = px[1];
            out.chw[2 * plane + i] = px[0];
        }
    return out;
}

std::string tickText(double v) {
    char buf[32];
    if (v != 0.0 && (std::fabs(v) < 0.01 || std::fabs(v) >= 10000)) std::snprintf(buf, sizeof buf, "%.1e", v);
    else std::snprintf(buf, sizeof buf, "%.3g", v);
    return buf;
}

// 4–6 "nice" ticks covering [lo, hi].
std::vector<double> niceTicks(double lo, double hi, double minStep = 0.0) {
    const double span = hi - lo;
    const double raw = span / 5.0;
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (raw <= m * mag) {
            step = m * mag;
            break;
        }
    step = std::max(step, minStep);
    std::vector<double> ticks;
    for (double t = std::ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push_back(t);
    return ticks;
}

}  // namespace

std::vector<std::uint8_t> encodePng(const DecodedImage& image) {
    std::vector<std::uint8_t> bytes;
    if (image.chw.empty() || image.width <= 0 || image.height <= 0) return bytes;
    cv::imencode(".png", toMat(image), bytes);
    return bytes;
}

DecodedImage enlarged(const DecodedImage& image, int factor) {
    if (factor <= 1) return image;
    DecodedImage out;
    out.channels = image.channels;
    out.height = image.height * factor;
    out.width = image.width * factor;
    out.chw.resize(static_cast<std::size_t>(out.channels) * out.height * out.width);
    for (int c = 0; c < out.channels; ++c)
        for (int y = 0; y < out.height; ++y)
            for (int x = 0; x < out.width; ++x)
                out.chw[(static_cast<std::size_t>(c) * out.height + y) * out.width + x] =
                    image.chw[(static_cast<std::size_t>(c) * image.height + y / factor) * image.width + x / factor];
    return out;
}

DecodedImage drawLineChart(const LineChart& chart) {
    const int w = std::max(200, chart.width), h = std::max(120, chart.height);
    cv::Mat m(h, w, CV_8UC3, cv::Scalar(255, 255, 255));
    const int left = 60, right = 150, top = 30, bottom = 42;
    const cv::Rect plot(left, top, w - left - right, h - top - bottom);
    const auto font = cv::FONT_HERSHEY_SIMPLEX;
    const cv::Scalar ink(40, 40, 40), grid(225, 225, 225);
    cv::putText(m, chart.title, {left, 20}, font, 0.5, ink, 1, cv::LINE_AA);

    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    for (const auto& s : chart.series)
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
                xlo = std::min(xlo, s.x[i]);
                xhi = std::max(xhi, s.x[i]);
                ylo = std::min(ylo, s.y[i]);
                yhi = std::max(yhi, s.y[i]);
            }
    const bool any = std::isfinite(xlo);
    if (chart.zeroToOne) {
        ylo = 0.0;
        yhi = 1.0;
    }
    if (!any) {
        xlo = 0;
        xhi = 1;
        if (!chart.zeroToOne) ylo = 0, yhi = 1;
    }
    if (xhi <= xlo) xhi = xlo + 1;
    if (yhi <= ylo) {
        const double pad = std::max(1e-6, std::fabs(ylo) * 0.05);
        ylo -= pad;
        yhi += pad;
    } else if (!chart.zeroToOne) {
        const double pad = (yhi - ylo) * 0.05;
        ylo -= pad;
        yhi += pad;
    }
    auto px = [&](double x) { return plot.x + static_cast<int>(std::lround((x - xlo) / (xhi - xlo) * plot.width)); };
    auto py = [&](double y) {
        return plot.y + plot.height - static_cast<int>(std::lround((y - ylo) / (yhi - ylo) * plot.height));
    };

    for (double t : niceTicks(ylo, yhi)) {
        cv::line(m, {plot.x, py(t)}, {plot.x + plot.width, py(t)}, grid, 1);
        const std::string label = tickText(t);
        int base = 0;
        const cv::Size size = cv::getTextSize(label, font, 0.38, 1, &base);
        cv::putText(m, label, {plot.x - size.width - 6, py(t) + 4}, font, 0.38, ink, 1, cv::LINE_AA);
    }
    for (double t : niceTicks(xlo, xhi, chart.integerX ? 1.0 : 0.0)) {
        cv::line(m, {px(t), plot.y + plot.height}, {px(t), plot.y + plot.height + 4}, ink, 1);
        const std::string label = tickText(t);
        int base = 0;
        const cv::Size size = cv::getTextSize(label, font, 0.38, 1, &base);
        cv::putText(m, label, {px(t) - size.width / 2, plot.y + plot.height + 17}, font, 0.38, ink, 1, cv::LINE_AA);
    }
    cv::rectangle(m, plot, ink, 1);
    if (!chart.xLabel.empty()) {
        int base = 0;
        const cv::Size size = cv::getTextSize(chart.xLabel, font, 0.42, 1, &base);
        cv::putText(m, chart.xLabel, {plot.x + plot.width / 2 - size.width / 2, h - 8}, font, 0.42, ink, 1, cv::LINE_AA);
    }
    if (!any) cv::putText(m, "no data", {plot.x + plot.width / 2 - 30, plot.y + plot.height / 2}, font, 0.5, ink, 1, cv::LINE_AA);

    int legendY = top + 12;
    for (const auto& s : chart.series) {
        const cv::Scalar color(s.b, s.g, s.r);
        cv::Point prev;
        bool havePrev = false;
        for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
                havePrev = false;
                continue;
            }
            const cv::Point p(px(s.x[i]), py(std::clamp(s.y[i], ylo, yhi)));
            if (havePrev) {
                if (s.dashed) {  // dashes of 6 px along the segment
                    const double len = std::hypot(p.x - prev.x, p.y - prev.y);
                    for (double d = 0; d < len; d += 12) {
                        const double e = std::min(len, d + 6);
                        cv::line(m, prev + (p - prev) * (d / len), prev + (p - prev) * (e / len), color, 2, cv::LINE_AA);
                    }
                } else {
                    cv::line(m, prev, p, color, 2, cv::LINE_AA);
                }
            }
            if (s.x.size() <= 60) cv::circle(m, p, 3, color, cv::FILLED, cv::LINE_AA);
            prev = p;
            havePrev = true;
        }
        const int lx = plot.x + plot.width + 12;
        cv::line(m, {lx, legendY - 4}, {lx + 22, legendY - 4}, color, 2, cv::LINE_AA);
        cv::putText(m, s.name, {lx + 28, legendY}, font, 0.4, ink, 1, cv::LINE_AA);
        legendY += 18;
    }
    return fromBgr(m);
}

}  // namespace studio
