#include "engine/data/augment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <vector>

namespace studio {

namespace {

struct Knob {
    const char* name;
    float AugmentConfig::*field;
    float defaultValue;
    float maxValue;
    const char* meaning;
};

// The numeric augmentations: name, default when given without a value, largest sensible value.
const Knob kKnobs[] = {
    {"shift", &AugmentConfig::shift, 0.1f, 0.5f, "fraction of the side"},
    {"rotate", &AugmentConfig::rotateDegrees, 15.0f, 180.0f, "degrees"},
    {"brightness", &AugmentConfig::brightness, 0.1f, 1.0f, "added to [0,1] values"},
    {"contrast", &AugmentConfig::contrast, 0.2f, 0.95f, "relative"},
    {"noise", &AugmentConfig::noise, 0.05f, 1.0f, "stddev on [0,1] values"},
};

const std::string kAccepted =
    "Use a comma-separated list of shift, flip (or hflip), vflip, rotate, brightness, contrast, noise, optionally "
    "with values (\"shift=0.1,rotate=15\"), or \"none\".";

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return {};
    const auto e = s.find_last_not_of(" \t");
    return s.substr(b, e - b + 1);
}

std::string formatValue(float v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
    return buf;
}

Result<bool> parseBool(const std::string& word, const std::string& value) {
    if (value.empty() || value == "1" || value == "true" || value == "yes" || value == "on") return true;
    if (value == "0" || value == "false" || value == "no" || value == "off") return false;
    return Error::invalid("Augmentation '" + word + "' takes no number, found '" + value + "'.",
                          "Write just '" + word + "' to enable it.");
}

}  // namespace

bool AugmentConfig::any() const {
    return shift > 0.0f || flipHorizontal || flipVertical || rotateDegrees > 0.0f || brightness > 0.0f ||
           contrast > 0.0f || noise > 0.0f;
}

Result<AugmentConfig> AugmentConfig::parse(const std::string& list) {
    AugmentConfig config;
    const std::string all = trim(list);
    if (all.empty() || all == "none") return config;
    std::stringstream stream(all);
    std::string item;
    while (std::getline(stream, item, ',')) {
        item = trim(item);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        const std::string word = trim(item.substr(0, eq));
        const std::string value = eq == std::string::npos ? std::string() : trim(item.substr(eq + 1));
        if (word == "flip" || word == "hflip" || word == "vflip") {
            auto on = parseBool(word, value);
            if (!on) return on.error();
            (word == "vflip" ? config.flipVertical : config.flipHorizontal) = *on;
            continue;
        }
        const Knob* knob = nullptr;
        for (const Knob& k : kKnobs)
            if (word == k.name) knob = &k;
        if (!knob) return Error::invalid("Unknown augmentation '" + word + "' in '" + list + "'.", kAccepted);
        float v = knob->defaultValue;
        if (eq != std::string::npos) {
            char* end = nullptr;
            const double parsed = std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0' || !std::isfinite(parsed))
                return Error::invalid("Augmentation '" + word + "' needs a number, found '" + value + "'.",
                                      "For example " + std::string(knob->name) + "=" + formatValue(knob->defaultValue) + ".");
            v = static_cast<float>(parsed);
        }
        if (v < 0.0f || v > knob->maxValue)
            return Error::invalid("Augmentation '" + word + "=" + formatValue(v) + "' is out of range.",
                                  "Use a value from 0 to " + formatValue(knob->maxValue) + " (" + knob->meaning + ").");
        config.*(knob->field) = v;
    }
    return config;
}

std::string AugmentConfig::toString() const {
    std::string out;
    auto add = [&](const std::string& s) { out += (out.empty() ? "" : ",") + s; };
    if (shift > 0.0f) add("shift=" + formatValue(shift));
    if (flipHorizontal) add("flip");
    if (flipVertical) add("vflip");
    if (rotateDegrees > 0.0f) add("rotate=" + formatValue(rotateDegrees));
    if (brightness > 0.0f) add("brightness=" + formatValue(brightness));
    if (contrast > 0.0f) add("contrast=" + formatValue(contrast));
    if (noise > 0.0f) add("noise=" + formatValue(noise));
    return out.empty() ? "none" : out;
}

nlohmann::json AugmentConfig::toJson() const {
    return {{"shift", shift},           {"flipHorizontal", flipHorizontal}, {"flipVertical", flipVertical},
            {"rotate", rotateDegrees},  {"brightness", brightness},         {"contrast", contrast},
            {"noise", noise}};
}

Result<AugmentConfig> AugmentConfig::fromJson(const nlohmann::json& j) {
    const std::string hint = "Expected an object with shift, flipHorizontal, flipVertical, rotate, brightness, contrast, noise.";
    if (!j.is_object()) return Error::invalid("Augmentation settings: expected an object, found " + j.dump() + ".", hint);
    AugmentConfig config;
    for (const auto& [key, value] : j.items()) {
        if (key == "flipHorizontal" || key == "flipVertical") {
            if (!value.is_boolean())
                return Error::invalid("Augmentation setting '" + key + "' must be true or false, found " + value.dump() + ".", hint);
            (key == "flipHorizontal" ? config.flipHorizontal : config.flipVertical) = value.get<bool>();
            continue;
        }
        const Knob* knob = nullptr;
        for (const Knob& k : kKnobs)
            if (key == k.name) knob = &k;
        if (!knob) return Error::invalid("Unknown augmentation setting '" + key + "'.", hint);
        if (!value.is_number() || !std::isfinite(value.get<double>()) || value.get<double>() < 0.0 ||
            value.get<double>() > knob->maxValue)
            return Error::invalid("Augmentation setting '" + key + "' must be a number from 0 to " +
                                      formatValue(knob->maxValue) + ", found " + value.dump() + ".",
                                  hint);
        config.*(knob->field) = value.get<float>();
    }
    return config;
}

void flipSample(float* chw, const Shape& shape, bool horizontal) {
    STUDIO_ASSERT(shape.size() == 3, "flipSample: shape must be {C, H, W}");
    const int c = shape[0], h = shape[1], w = shape[2];
    for (int ch = 0; ch < c; ++ch) {
        float* plane = chw + static_cast<std::size_t>(ch) * h * w;
        if (horizontal) {
            for (int y = 0; y < h; ++y) std::reverse(plane + static_cast<std::size_t>(y) * w, plane + static_cast<std::size_t>(y + 1) * w);
        } else {
            for (int y = 0; y < h / 2; ++y)
                std::swap_ranges(plane + static_cast<std::size_t>(y) * w, plane + static_cast<std::size_t>(y + 1) * w,
                                 plane + static_cast<std::size_t>(h - 1 - y) * w);
        }
    }
}

void warpSample(float* chw, const Shape& shape, int dx, int dy, float degrees) {
    STUDIO_ASSERT(shape.size() == 3, "warpSample: shape must be {C, H, W}");
    if (dx == 0 && dy == 0 && degrees == 0.0f) return;
    const int c = shape[0], h = shape[1], w = shape[2];
    std::vector<float> src(chw, chw + shapeSize(shape));
    auto at = [&](int ch, int y, int x) {
        y = std::clamp(y, 0, h - 1);
        x = std::clamp(x, 0, w - 1);
        return src[(static_cast<std::size_t>(ch) * h + y) * w + x];
    };
    if (degrees == 0.0f) {
        for (int ch = 0; ch < c; ++ch)
            for (int y = 0; y < h; ++y)
                for (int x = 0; x < w; ++x) chw[(static_cast<std::size_t>(ch) * h + y) * w + x] = at(ch, y - dy, x - dx);
        return;
    }
    // Inverse map: source = R(−θ)·(p − centre − t) + centre. Image y points down, so a
    // counter-clockwise turn on screen is a negative angle in these coordinates.
    const double theta = -static_cast<double>(degrees) * 3.14159265358979323846 / 180.0;
    const double cs = std::cos(theta), sn = std::sin(theta);
    const double cx = (w - 1) * 0.5, cy = (h - 1) * 0.5;
    for (int y = 0; y < h; ++y) {
        for (int x = 0; x < w; ++x) {
            const double px = x - cx - dx, py = y - cy - dy;
            const double sx = cs * px + sn * py + cx;
            const double sy = -sn * px + cs * py + cy;
            const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
            const float fx = static_cast<float>(sx - x0), fy = static_cast<float>(sy - y0);
            for (int ch = 0; ch < c; ++ch) {
                const float top = at(ch, y0, x0) * (1 - fx) + at(ch, y0, x0 + 1) * fx;
                const float bottom = at(ch, y0 + 1, x0) * (1 - fx) + at(ch, y0 + 1, x0 + 1) * fx;
                chw[(static_cast<std::size_t>(ch) * h + y) * w + x] = top * (1 - fy) + bottom * fy;
            }
        }
    }
}

void augmentSample(float* chw, const Shape& shape, const AugmentConfig& config, Rng& rng) {
    const std::size_t n = shapeSize(shape);
    if (shape.size() == 3) {
        const int c = shape[0], h = shape[1], w = shape[2];
        if (config.flipHorizontal && rng.bernoulli(0.5f)) flipSample(chw, shape, true);
        if (config.flipVertical && rng.bernoulli(0.5f)) flipSample(chw, shape, false);
        int dx = 0, dy = 0;
        float degrees = 0.0f;
        if (config.shift > 0.0f) {
            dx = static_cast<int>(std::lround(rng.uniform(-config.shift, config.shift) * static_cast<float>(w)));
            dy = static_cast<int>(std::lround(rng.uniform(-config.shift, config.shift) * static_cast<float>(h)));
        }
        if (config.rotateDegrees > 0.0f) degrees = rng.uniform(-config.rotateDegrees, config.rotateDegrees);
        warpSample(chw, shape, dx, dy, degrees);
        if (config.contrast > 0.0f) {
            const float factor = rng.uniform(1.0f - config.contrast, 1.0f + config.contrast);
            const std::size_t plane = static_cast<std::size_t>(h) * w;
            for (int ch = 0; ch < c; ++ch) {
                float* p = chw + static_cast<std::size_t>(ch) * plane;
                double sum = 0.0;
                for (std::size_t k = 0; k < plane; ++k) sum += p[k];
                const float mean = static_cast<float>(sum / static_cast<double>(plane));
                for (std::size_t k = 0; k < plane; ++k) p[k] = (p[k] - mean) * factor + mean;
            }
        }
        if (config.brightness > 0.0f) {
            const float delta = rng.uniform(-config.brightness, config.brightness);
            for (std::size_t k = 0; k < n; ++k) chw[k] += delta;
        }
    }
    if (config.noise > 0.0f)
        for (std::size_t k = 0; k < n; ++k) chw[k] += config.noise * rng.normal();
    if (shape.size() == 3)
        for (std::size_t k = 0; k < n; ++k) chw[k] = std::clamp(chw[k], 0.0f, 1.0f);
}

}  // namespace studio
