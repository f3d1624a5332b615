#include "engine/data/synthetic.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "engine/core/parallel.h"

namespace studio {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr int kSide = 28;
constexpr int kScale = 4;             // drawn at 4× then area-averaged: smooth edges at any size
constexpr int kFractionBits = 4;      // sub-pixel vertex positions for the OpenCV drawing calls
constexpr int kMaxSamples = 1'000'000;

enum SetId : std::uint64_t { Shapes = 1, Spirals, Circles, Xor, Gauss };

using Points = std::vector<cv::Point2d>;

// Polygon vertices around (0,0) at radius 1 scale: rotate by `angle`, scale by r, move to c.
std::vector<cv::Point> place(const Points& unit, double r, double angle, cv::Point2d c) {
    std::vector<cv::Point> out;
    const double cs = std::cos(angle), sn = std::sin(angle);
    const double f = kScale * (1 << kFractionBits);
    for (const cv::Point2d& p : unit) {
        const double x = c.x + r * (cs * p.x - sn * p.y), y = c.y + r * (sn * p.x + cs * p.y);
        out.emplace_back(static_cast<int>(std::lround(x * f)), static_cast<int>(std::lround(y * f)));
    }
    return out;
}

Points regular(int corners, double phase = -kPi / 2) {
    Points p;
    for (int k = 0; k < corners; ++k) {
        const double a = phase + 2 * kPi * k / corners;
        p.emplace_back(std::cos(a), std::sin(a));
    }
    return p;
}

Points star() {
    Points p;
    for (int k = 0; k < 10; ++k) {
        const double a = -kPi / 2 + kPi * k / 5, r = k % 2 ? 0.42 : 1.0;
        p.emplace_back(r * std::cos(a), r * std::sin(a));
    }
    return p;
}

void shape(cv::Mat& mask, const std::vector<cv::Point>& poly, bool filled, double stroke) {
    const std::vector<std::vector<cv::Point>> polys{poly};
    if (filled)
        cv::fillPoly(mask, polys, cv::Scalar(255), cv::LINE_AA, kFractionBits);
    else
        cv::polylines(mask, polys, true, cv::Scalar(255), std::max(1, static_cast<int>(std::lround(stroke * kScale))),
                      cv::LINE_AA, kFractionBits);
}

// A bar from a to b (28-pixel units) of the given thickness, as a filled quadrilateral.
std::vector<cv::Point> bar(cv::Point2d a, cv::Point2d b, double thickness, double angle, cv::Point2d c) {
    const double h = thickness / 2;
    return place({{a.x, a.y - h}, {b.x, b.y - h}, {b.x, b.y + h}, {a.x, a.y + h}}, 1.0, angle, c);
}

double gaussianDraw(Rng& rng, double sd) { return sd * rng.normal(); }

}  // namespace

const std::vector<std::string>& shapeClassNames() {
    static const std::vector<std::string> names{"circle", "square", "triangle", "star", "cross", "ring", "diamond", "arrow"};
    return names;
}

void drawShape(int label, Rng& rng, std::uint8_t* out) {
    // Pose: size, position (kept inside the frame), rotation, stroke.
    const double r = rng.uniform(8.5f, 12.5f);
    const double margin = r + 1.0;
    const cv::Point2d c(rng.uniform(static_cast<float>(margin), static_cast<float>(kSide - margin)),
                        rng.uniform(static_cast<float>(margin), static_cast<float>(kSide - margin)));
    const double angle = rng.uniform(0.0f, static_cast<float>(2 * kPi));
    const bool filled = rng.bernoulli(0.5f);
    const double stroke = rng.uniform(1.5f, static_cast<float>(std::min(2.6, 0.22 * r)));
    const double thick = rng.uniform(0.18f, 0.32f) * r;  // cross bars, ring band, arrow shaft

    cv::Mat mask(kSide * kScale, kSide * kScale, CV_8U, cv::Scalar(0));
    const double f = kScale * (1 << kFractionBits);
    const cv::Point centre(static_cast<int>(std::lround(c.x * f)), static_cast<int>(std::lround(c.y * f)));
    switch (label) {
        case 0:  // circle: a disc (an outline would be a ring)
            cv::circle(mask, centre, static_cast<int>(std::lround(r * f)), cv::Scalar(255), cv::FILLED, cv::LINE_AA, kFractionBits);
            break;
        case 1: shape(mask, place(regular(4, kPi / 4), r * 0.95, angle, c), filled, stroke); break;  // square
        case 2: shape(mask, place(regular(3), r, angle, c), filled, stroke); break;                    // triangle
        case 3: shape(mask, place(star(), r, angle, c), filled, stroke); break;
        case 4: {  // cross: two bars at right angles
            const double t = std::max(1.8, thick);
            cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{bar({-r, 0}, {r, 0}, t, angle, c),
                                                                  bar({-r, 0}, {r, 0}, t, angle + kPi / 2, c)},
                         cv::Scalar(255), cv::LINE_AA, kFractionBits);
            break;
        }
        case 5: {  // ring: a band with a clear hole (hole radius ≥ 0.68 r)
            const double t = std::max(1.5, thick);
            cv::circle(mask, centre, static_cast<int>(std::lround((r - t / 2) * f)), cv::Scalar(255),
                       std::max(1, static_cast<int>(std::lround(t * kScale))), cv::LINE_AA, kFractionBits);
            break;
        }
        case 6:  // diamond: a rhombus with diagonals 2r and 0.9r (never a square, however it turns)
            shape(mask, place({{1, 0}, {0, 0.45}, {-1, 0}, {0, -0.45}}, r, angle, c), filled, stroke);
            break;
        case 7: {  // arrow: shaft plus head
            const double t = std::max(1.5, thick * 0.8);
            cv::fillPoly(mask, std::vector<std::vector<cv::Point>>{bar({-r, 0}, {0.2 * r, 0}, t, angle, c),
                                                                  place({{1, 0}, {0.1, 0.6}, {0.1, -0.6}}, r, angle, c)},
                         cv::Scalar(255), cv::LINE_AA, kFractionBits);
            break;
        }
        default: STUDIO_ASSERT(false, "drawShape: label out of range");
    }
    cv::Mat small;
    cv::resize(mask, small, cv::Size(kSide, kSide), 0, 0, cv::INTER_AREA);

    // Intensities: a light shape on a darker background, at least 0.4 apart (like MNIST, so a
    // model trained here reads a white-on-black drawing).
    const double bg = rng.uniform(0.0f, 0.35f);
    const double fg = rng.uniform(static_cast<float>(bg + 0.4), 1.0f);
    const double noise = rng.uniform(0.0f, 0.05f);
    for (int y = 0; y < kSide; ++y) {
        const std::uint8_t* m = small.ptr<std::uint8_t>(y);
        for (int x = 0; x < kSide; ++x) {
            const double a = m[x] / 255.0;
            const double v = bg + (fg - bg) * a + gaussianDraw(rng, noise);
            out[y * kSide + x] = static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0, 1.0) * 255.0));
        }
    }
}

namespace {

// "0.5", "2": the noise factor as the user typed it, for the dataset's description.
std::string formatNoise(double noise) {
    char text[32];
    std::snprintf(text, sizeof text, "%g", noise);
    return text;
}

// One 2-D point of class `label` for the teaching sets; noise scales the set's own jitter σ.
void point2d(SetId set, int label, double noise, Rng& rng, float* xy) {
    double x = 0, y = 0;
    const auto sigma = [noise](double own) { return own * noise; };
    switch (set) {
        case Spirals: {
            const double t = rng.uniform();
            const double rad = 0.08 + 0.92 * t;
            const double a = label * 2 * kPi / 3 + 3.0 * kPi * t;
            x = rad * std::cos(a) + gaussianDraw(rng, sigma(0.03));
            y = rad * std::sin(a) + gaussianDraw(rng, sigma(0.03));
            break;
        }
        case Circles: {
            const double a = rng.uniform(0.0f, static_cast<float>(2 * kPi));
            const double rad = label == 0 ? 0.5 * std::sqrt(rng.uniform()) : rng.uniform(0.7f, 1.0f);
            x = rad * std::cos(a) + gaussianDraw(rng, sigma(0.04));
            y = rad * std::sin(a) + gaussianDraw(rng, sigma(0.04));
            break;
        }
        case Xor: {
            const bool flip = rng.bernoulli(0.5f);
            const double sx = flip ? -1.0 : 1.0, sy = (label == 0) == flip ? -1.0 : 1.0;
            x = sx * rng.uniform(0.0f, 1.0f) + gaussianDraw(rng, sigma(0.05));
            y = sy * rng.uniform(0.0f, 1.0f) + gaussianDraw(rng, sigma(0.05));
            break;
        }
        case Gauss: {
            x = (label % 2 ? 0.6 : -0.6) + gaussianDraw(rng, sigma(0.25));
            y = (label / 2 ? 0.6 : -0.6) + gaussianDraw(rng, sigma(0.25));
            break;
        }
        case Shapes: STUDIO_ASSERT(false, "point2d: not a 2-D set");
    }
    xy[0] = static_cast<float>(x);
    xy[1] = static_cast<float>(y);
}

struct SetDef {
    GeneratedSetInfo info;
    SetId id;
    std::vector<std::string> classes;
};

const std::vector<SetDef>& definitions() {
    static const std::vector<SetDef> defs{
        {{"shapes", "8 drawn shapes, 28×28 gray (circle, square, triangle, star, cross, ring, diamond, arrow)", 6000},
         Shapes, shapeClassNames()},
        {{"spirals", "3 interleaved spiral arms in 2-D", 1500}, Spirals, {"arm 1", "arm 2", "arm 3"}},
        {{"circles", "a disc inside a ring, 2 classes in 2-D", 1000}, Circles, {"inner", "outer"}},
        {{"xor", "XOR of the quadrants, 2 classes in 2-D", 1000}, Xor, {"same sign", "opposite sign"}},
        {{"gauss", "4 Gaussian blobs in 2-D", 1000}, Gauss, {"blob 1", "blob 2", "blob 3", "blob 4"}},
    };
    return defs;
}

}  // namespace

const std::vector<GeneratedSetInfo>& generatedSets() {
    static const std::vector<GeneratedSetInfo> infos = [] {
        std::vector<GeneratedSetInfo> out;
        for (const SetDef& d : definitions()) out.push_back(d.info);
        return out;
    }();
    return infos;
}

bool isGeneratedSet(const std::string& name) {
    for (const SetDef& d : definitions())
        if (d.info.name == name) return true;
    return false;
}

Result<DatasetBundle> generateDataset(const std::string& name, std::uint64_t seed, int samples, int threads,
                                      double noise) {
    const SetDef* def = nullptr;
    for (const SetDef& d : definitions())
        if (d.info.name == name) def = &d;
    if (!def) return Error::invalid("'" + name + "' is not a built-in dataset.", "Built in: shapes, spirals, circles, xor, gauss.");
    const int n = samples > 0 ? samples : def->info.defaultSamples;
    if (n > kMaxSamples)
        return Error::invalid("Generating " + std::to_string(n) + " samples of '" + name + "' is too many.",
                              "Use at most " + std::to_string(kMaxSamples) + ".");
    const int classes = static_cast<int>(def->classes.size());
    std::vector<std::int32_t> labels(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) labels[static_cast<std::size_t>(i)] = i % classes;

    DatasetBundle bundle;
    ThreadPool pool(threads);
    constexpr int kChunk = 256;
    const int chunks = (n + kChunk - 1) / kChunk;
    if (def->id == Shapes) {
        std::vector<std::uint8_t> pixels(static_cast<std::size_t>(n) * kSide * kSide);
        pool.forEach(chunks, [&](int chunk) {
            for (int i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
                Rng rng = Rng::forStream(seed, RngPurpose::Dataset, def->id, static_cast<std::uint64_t>(i));
                drawShape(labels[static_cast<std::size_t>(i)], rng, pixels.data() + static_cast<std::size_t>(i) * kSide * kSide);
            }
        });
        bundle.pool = Dataset::images(name, 1, kSide, kSide, def->classes);
        bundle.pool.appendImages(pixels.data(), labels.data(), n);
    } else {
        std::vector<float> xy(static_cast<std::size_t>(n) * 2);
        pool.forEach(chunks, [&](int chunk) {
            for (int i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
                Rng rng = Rng::forStream(seed, RngPurpose::Dataset, def->id, static_cast<std::uint64_t>(i));
                point2d(def->id, labels[static_cast<std::size_t>(i)], noise, rng, xy.data() + static_cast<std::size_t>(i) * 2);
            }
        });
        bundle.pool = Dataset::features(name, 2, def->classes);
        bundle.pool.appendFeatures(xy.data(), labels.data(), n);
    }
    const std::string noiseText = def->id != Shapes && noise != 1.0 ? ", noise ×" + formatNoise(noise) : "";
    bundle.description = name + " (built in, seed " + std::to_string(seed) + noiseText + "), " + std::to_string(n) +
                         " samples, " +
                         std::to_string(classes) + " classes: " + def->info.description;
    return bundle;
}

}  // namespace studio
