#include "app/gui/feature_map_images.h"

#include <QCoreApplication>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/gui/engine_conversions.h"
#include "engine/infer/predictor.h"

namespace studio::app {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("FeatureMaps", text); }

QString countTitle(const QString& title, int shown, int total) {
    return shown < total ? title + tr(" (the first %1 of %2)").arg(shown).arg(total) : title;
}

// blue – white – red for v in [−m, m].
QRgb diverging(float v, float m) {
    const float t = m > 0 ? std::clamp(v / m, -1.0f, 1.0f) : 0.0f;
    const int fade = static_cast<int>(std::lround(255 * (1.0f - std::fabs(t))));
    return t >= 0 ? qRgb(255, fade, fade) : qRgb(fade, fade, 255);
}

}  // namespace

QImage activationImage(const float* values, int height, int width, float lo, float hi) {
    QImage img(width, height, QImage::Format_Grayscale8);
    const float span = hi - lo;
    for (int y = 0; y < height; ++y) {
        uchar* row = img.scanLine(y);
        for (int x = 0; x < width; ++x) {
            const float v = values[y * width + x];
            row[x] = span > 0 ? static_cast<uchar>(std::lround(255.0f * (v - lo) / span)) : 128;
        }
    }
    return img;
}

QImage weightImage(const WeightImage& w) {
    QImage img(w.width, w.height, QImage::Format_RGB32);
    const std::size_t plane = static_cast<std::size_t>(w.height) * w.width;
    if (w.channels == 3) {
        const float span = w.maxValue - w.minValue;
        auto level = [&](float v) { return span > 0 ? static_cast<int>(std::lround(255.0f * (v - w.minValue) / span)) : 128; };
        for (int y = 0; y < w.height; ++y)
            for (int x = 0; x < w.width; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * w.width + x;
                img.setPixel(x, y, qRgb(level(w.values[i]), level(w.values[plane + i]), level(w.values[2 * plane + i])));
            }
        return img;
    }
    // One channel (or the mean over channels for other counts): the sign matters most.
    const float m = std::max(std::fabs(w.minValue), std::fabs(w.maxValue));
    for (int y = 0; y < w.height; ++y)
        for (int x = 0; x < w.width; ++x) {
            const std::size_t i = static_cast<std::size_t>(y) * w.width + x;
            float v = 0;
            for (int c = 0; c < w.channels; ++c) v += w.values[c * plane + i];
            img.setPixel(x, y, diverging(v / static_cast<float>(std::max(1, w.channels)), m));
        }
    return img;
}

FeatureMaps computeFeatureMaps(const ModelSnapshot& snapshot, const DecodedImage& image) {
    using Clock = std::chrono::steady_clock;
    const auto start = Clock::now();
    FeatureMaps out;
    if (snapshot.preprocessing.inputShape.size() != 3) {
        out.error = tr("Feature maps need a model that takes images; this one takes feature vectors (%1).")
                        .arg(shapeText(snapshot.preprocessing.inputShape));
        return out;
    }
    auto view = modelView(snapshot.preprocessing, image);
    auto x = prepareImage(snapshot.preprocessing, image);
    if (!view || !x) {
        out.error = toQString((view ? x.error() : view.error()).what());
        return out;
    }
    out.modelView = toQImage(*view);
    auto acts = snapshotActivations(snapshot, *x);
    if (!acts) {
        out.error = toQString(acts.error().what());
        return out;
    }
    const Model& model = snapshot.model;
    int convNumber = 0;
    for (const LayerActivation& a : *acts) {
        if (a.kind != "conv2d" || a.shape.size() != 3) continue;
        ++convNumber;
        const int channels = a.shape[0], h = a.shape[1], w = a.shape[2];
        const int shown = std::min(channels, kMaxTilesPerGroup);
        widgets::FeatureMapGroup group{countTitle(tr("conv2d %1 (layer %2) — %3 maps of %4×%5")
                                                      .arg(convNumber).arg(a.layer + 1).arg(channels).arg(h).arg(w),
                                                  shown, channels),
                                       {}};
        for (int c = 0; c < shown; ++c) {
            const float* v = a.values.data() + static_cast<std::size_t>(c) * h * w;
            float lo = 0, hi = 0;
            valueRange(v, static_cast<std::size_t>(h) * w, lo, hi);
            group.tiles.append({activationImage(v, h, w, lo, hi), tr("map %1").arg(c + 1), lo, hi});
        }
        out.groups.append(group);
    }
    if (auto filters = firstConvFilters(model)) {
        const int total = static_cast<int>(filters->images.size());
        const int shown = std::min(total, kMaxTilesPerGroup);
        const WeightImage& first = filters->images.front();
        widgets::FeatureMapGroup group{
            countTitle(tr("Filters of the first conv2d (layer %1) — %2 of %3×%4×%5")
                           .arg(filters->layer + 1).arg(total).arg(first.channels).arg(first.height).arg(first.width),
                       shown, total),
            {}};
        for (int f = 0; f < shown; ++f) {
            const WeightImage& wi = filters->images[static_cast<std::size_t>(f)];
            group.tiles.append({weightImage(wi), tr("filter %1").arg(f + 1), wi.minValue, wi.maxValue});
        }
        out.groups.append(group);
    }
    if (auto templates = firstDenseTemplates(model)) {
        const int total = static_cast<int>(templates->images.size());
        const int shown = std::min(total, kMaxTilesPerGroup);
        widgets::FeatureMapGroup group{
            countTitle(tr("Weights of the first dense layer (layer %1) as images — %2 units")
                           .arg(templates->layer + 1).arg(total),
                       shown, total),
            {}};
        // A dense layer that gives the classes directly (logistic regression) has one template per class.
        bool givesClasses = total == static_cast<int>(snapshot.classNames.size());
        for (int i = templates->layer + 1; i < model.layerCount(); ++i)
            if (!model.layer(i).params().empty()) givesClasses = false;
        for (int u = 0; u < shown; ++u) {
            const WeightImage& wi = templates->images[static_cast<std::size_t>(u)];
            const QString caption = givesClasses ? toQString(snapshot.classNames[static_cast<std::size_t>(u)])
                                                 : tr("unit %1").arg(u + 1);
            group.tiles.append({weightImage(wi), caption, wi.minValue, wi.maxValue});
        }
        out.groups.append(group);
    }
    out.milliseconds = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    return out;
}

}  // namespace studio::app
