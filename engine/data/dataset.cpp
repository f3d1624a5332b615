#include "engine/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "engine/core/rng.h"

namespace studio {

Dataset Dataset::images(std::string name, int channels, int height, int width, std::vector<std::string> classNames) {
    STUDIO_ASSERT(channels > 0 && height > 0 && width > 0, "Dataset::images: empty sample shape");
    Dataset d;
    d.m_name = std::move(name);
    d.m_storage = Storage::Pixels8;
    d.m_sampleShape = {channels, height, width};
    d.m_classNames = std::move(classNames);
    return d;
}

Dataset Dataset::features(std::string name, int featureCount, std::vector<std::string> classNames) {
    STUDIO_ASSERT(featureCount > 0, "Dataset::features: no features");
    Dataset d;
    d.m_name = std::move(name);
    d.m_storage = Storage::Features;
    d.m_sampleShape = {featureCount};
    d.m_classNames = std::move(classNames);
    return d;
}

std::vector<int> Dataset::classCounts() const {
    std::vector<int> counts(m_classNames.size(), 0);
    for (std::int32_t l : m_labels) {
        STUDIO_ASSERT(l >= 0 && l < classCount(), "Dataset: label outside the class list");
        ++counts[static_cast<std::size_t>(l)];
    }
    return counts;
}

void Dataset::reserve(int n) {
    const std::size_t count = static_cast<std::size_t>(std::max(n, 0));
    m_labels.reserve(count);
    if (m_storage == Storage::Pixels8)
        m_pixels.reserve(count * sampleSize());
    else
        m_features.reserve(count * sampleSize());
}

void Dataset::addImage(const std::uint8_t* chw, std::int32_t label) { appendImages(chw, &label, 1); }

void Dataset::addFeatures(const float* values, std::int32_t label) { appendFeatures(values, &label, 1); }

void Dataset::appendImages(const std::uint8_t* chw, const std::int32_t* labels, int n) {
    STUDIO_ASSERT(m_storage == Storage::Pixels8, "Dataset::appendImages on a feature set");
    if (n <= 0) return;
    for (int i = 0; i < n; ++i)
        STUDIO_ASSERT(labels[i] >= 0 && labels[i] < classCount(), "Dataset::appendImages: label out of range");
    m_pixels.insert(m_pixels.end(), chw, chw + static_cast<std::size_t>(n) * sampleSize());
    m_labels.insert(m_labels.end(), labels, labels + n);
    if (!m_sources.empty()) m_sources.resize(m_labels.size());  // new samples have no source yet
}

void Dataset::appendFeatures(const float* values, const std::int32_t* labels, int n) {
    STUDIO_ASSERT(m_storage == Storage::Features, "Dataset::appendFeatures on an image set");
    if (n <= 0) return;
    for (int i = 0; i < n; ++i)
        STUDIO_ASSERT(labels[i] >= 0 && labels[i] < classCount(), "Dataset::appendFeatures: label out of range");
    m_features.insert(m_features.end(), values, values + static_cast<std::size_t>(n) * sampleSize());
    m_labels.insert(m_labels.end(), labels, labels + n);
    if (!m_sources.empty()) m_sources.resize(m_labels.size());
}

void Dataset::sampleAsFloat(int i, float* out) const {
    STUDIO_ASSERT(i >= 0 && i < size(), "Dataset::sampleAsFloat: index out of range");
    const std::size_t n = sampleSize();
    if (m_storage == Storage::Pixels8) {
        const std::uint8_t* p = pixels(i);
        constexpr float scale = 1.0f / 255.0f;
        for (std::size_t k = 0; k < n; ++k) out[k] = static_cast<float>(p[k]) * scale;
    } else {
        std::memcpy(out, featureRow(i), n * sizeof(float));
    }
}

const std::string& Dataset::source(int i) const {
    static const std::string none;
    if (m_sources.empty()) return none;
    STUDIO_ASSERT(i >= 0 && i < size(), "Dataset::source: index out of range");
    return m_sources[static_cast<std::size_t>(i)];
}

void Dataset::setSource(int i, std::string path) {
    STUDIO_ASSERT(i >= 0 && i < size(), "Dataset::setSource: index out of range");
    if (m_sources.empty()) m_sources.resize(static_cast<std::size_t>(size()));
    m_sources[static_cast<std::size_t>(i)] = std::move(path);
}

Dataset Dataset::subset(const std::vector<int>& indices) const {
    Dataset d;
    d.m_name = m_name;
    d.m_storage = m_storage;
    d.m_sampleShape = m_sampleShape;
    d.m_classNames = m_classNames;
    d.m_table = m_table;
    d.reserve(static_cast<int>(indices.size()));
    const std::size_t n = sampleSize();
    for (int i : indices) {
        STUDIO_ASSERT(i >= 0 && i < size(), "Dataset::subset: index out of range");
        d.m_labels.push_back(label(i));
        if (m_storage == Storage::Pixels8)
            d.m_pixels.insert(d.m_pixels.end(), pixels(i), pixels(i) + n);
        else
            d.m_features.insert(d.m_features.end(), featureRow(i), featureRow(i) + n);
    }
    if (!m_sources.empty()) {
        d.m_sources.reserve(indices.size());
        for (int i : indices) d.m_sources.push_back(m_sources[static_cast<std::size_t>(i)]);
    }
    return d;
}

DataSplit splitDataset(const DatasetBundle& bundle, double validationFraction, double testFraction, std::uint64_t seed) {
    const Dataset& pool = bundle.pool;
    const double fv = std::clamp(std::isfinite(validationFraction) ? validationFraction : 0.0, 0.0, 1.0);
    const double ft = bundle.test ? 0.0 : std::clamp(std::isfinite(testFraction) ? testFraction : 0.0, 0.0, 1.0);

    std::vector<std::vector<int>> byClass(static_cast<std::size_t>(pool.classCount()));
    for (int i = 0; i < pool.size(); ++i) byClass[static_cast<std::size_t>(pool.label(i))].push_back(i);

    DataSplit split;
    split.testFromPool = !bundle.test.has_value();
    for (std::size_t c = 0; c < byClass.size(); ++c) {
        const std::vector<int>& members = byClass[c];
        const int n = static_cast<int>(members.size());
        if (n == 0) continue;
        // Keep one sample for training so no class vanishes from it.
        int nv = std::min(static_cast<int>(std::ceil(fv * n - 1e-9)), n - 1);
        int nt = std::min(static_cast<int>(std::ceil(ft * n - 1e-9)), n - 1 - nv);
        nv = std::max(nv, 0);
        nt = std::max(nt, 0);
        Rng rng = Rng::forStream(seed, RngPurpose::Split, c);
        const std::vector<int> order = rng.permutation(n);
        for (int k = 0; k < n; ++k) {
            const int index = members[static_cast<std::size_t>(order[static_cast<std::size_t>(k)])];
            if (k < nv)
                split.validation.push_back(index);
            else if (k < nv + nt)
                split.test.push_back(index);
            else
                split.train.push_back(index);
        }
    }
    if (bundle.test) {
        split.test.resize(static_cast<std::size_t>(bundle.test->size()));
        for (int i = 0; i < bundle.test->size(); ++i) split.test[static_cast<std::size_t>(i)] = i;
    }
    std::sort(split.train.begin(), split.train.end());
    std::sort(split.validation.begin(), split.validation.end());
    std::sort(split.test.begin(), split.test.end());
    return split;
}

}  // namespace studio
