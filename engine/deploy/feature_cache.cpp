#include "engine/deploy/feature_cache.h"

#include <algorithm>
#include <atomic>
#include <optional>

#include "engine/core/sha256.h"
#include "engine/data/data_loader.h"

namespace studio {

namespace {

std::string shapeText(const Shape& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "×" : "") + std::to_string(s[i]);
    return out;
}

}  // namespace

FeatureCache::FeatureCache(BackbonePtr backbone, Preprocessing imagePreprocessing)
    : m_backbone(std::move(backbone)), m_prep(std::move(imagePreprocessing)) {
    STUDIO_ASSERT(m_backbone && m_prep.inputShape == m_backbone->inputShape(),
                  "FeatureCache: the image preprocessing is not for the backbone's input");
}

std::size_t FeatureCache::size() const {
    std::lock_guard lock(m_mutex);
    return m_rows.size();
}

Result<Dataset> FeatureCache::features(const Dataset& images, ThreadPool* pool) {
    if (images.storage() != Dataset::Storage::Pixels8 || images.sampleShape() != m_backbone->inputShape())
        return Error::invalid("The backbone '" + m_backbone->label() + "' takes " +
                                  shapeText(m_backbone->inputShape()) + " images but the dataset '" + images.name() +
                                  "' holds " + shapeText(images.sampleShape()) +
                                  (images.storage() == Dataset::Storage::Pixels8 ? " images." : " feature vectors."),
                              "Load the data at the backbone's size and channels (--image-size, --channels for "
                              "an image folder).");
    const int n = images.size();
    const int featureSize = m_backbone->featureSize();

    // Which images are new: their keys, and the first sample of each distinct new key.
    std::vector<Key> keys(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        Sha256 h;
        h.update(images.pixels(i), images.sampleSize());
        keys[static_cast<std::size_t>(i)] = h.digest();
    }
    std::vector<int> missing;
    {
        std::lock_guard lock(m_mutex);
        std::map<Key, int> firstNew;
        for (int i = 0; i < n; ++i) {
            const Key& k = keys[static_cast<std::size_t>(i)];
            if (!m_rows.count(k) && firstNew.emplace(k, i).second) missing.push_back(i);
        }
    }

    // Missing features in fixed chunks; each task writes only its own rows.
    std::vector<float> computed(missing.size() * static_cast<std::size_t>(featureSize));
    const int chunks = (static_cast<int>(missing.size()) + kFeatureChunk - 1) / kFeatureChunk;
    std::vector<std::optional<Error>> failures(static_cast<std::size_t>(chunks));
    auto runChunk = [&](int c) {
        const int begin = c * kFeatureChunk;
        const int count = std::min(kFeatureChunk, static_cast<int>(missing.size()) - begin);
        Tensor x, out;
        std::vector<std::int32_t> labels;
        assembleBatch(images, std::span<const int>(missing.data() + begin, static_cast<std::size_t>(count)), m_prep,
                      nullptr, 0, 0, x, labels);
        if (auto s = m_backbone->features(x, out); !s) {
            failures[static_cast<std::size_t>(c)] = s.error();
            return;
        }
        std::copy(out.data(), out.data() + out.size(),
                  computed.begin() + static_cast<std::ptrdiff_t>(begin) * featureSize);
    };
    if (pool)
        pool->forEach(chunks, runChunk);
    else
        for (int c = 0; c < chunks; ++c) runChunk(c);
    for (const auto& f : failures)
        if (f) return *f;

    Dataset out = Dataset::features(images.name(), featureSize, images.classNames());
    out.reserve(n);
    std::lock_guard lock(m_mutex);
    for (std::size_t m = 0; m < missing.size(); ++m) {
        const float* row = computed.data() + m * static_cast<std::size_t>(featureSize);
        m_rows.emplace(keys[static_cast<std::size_t>(missing[m])], std::vector<float>(row, row + featureSize));
    }
    m_computed += static_cast<std::int64_t>(missing.size());
    for (int i = 0; i < n; ++i) {
        out.addFeatures(m_rows.at(keys[static_cast<std::size_t>(i)]).data(), images.label(i));
        if (!images.source(i).empty()) out.setSource(i, images.source(i));
    }
    return out;
}

Result<std::shared_ptr<const DatasetBundle>> FeatureCache::bundle(const DatasetBundle& images, ThreadPool* pool) {
    DatasetBundle out;
    auto poolFeatures = features(images.pool, pool);
    if (!poolFeatures) return poolFeatures.error();
    out.pool = std::move(*poolFeatures);
    if (images.test) {
        auto testFeatures = features(*images.test, pool);
        if (!testFeatures) return testFeatures.error();
        out.test = std::move(*testFeatures);
    }
    out.skipped = images.skipped;
    out.description = images.description + ", as " + std::to_string(m_backbone->featureSize()) +
                      " features of backbone layer '" + m_backbone->featureLayer() + "'";
    return std::shared_ptr<const DatasetBundle>(std::make_shared<DatasetBundle>(std::move(out)));
}

}  // namespace studio
