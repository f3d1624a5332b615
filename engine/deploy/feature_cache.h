#pragma once
// FeatureCache: the backbone's features of images, computed once per image and kept, so a head
// trains on feature vectors with the existing Trainer (a Dataset of features in, nothing else
// changed) and a second run, a fine-tune or an evaluation on the same images costs no backbone
// pass.
//
//   FeatureCache cache(backbone, imagePreprocessing);
//   auto features = cache.bundle(images, &pool);   // DatasetBundle of {F} feature vectors
//   trainToEnd({features, split, headSpec, …});    // the head learns; the backbone stays frozen
//
// An image is known by the SHA-256 of its 8-bit pixels: the same picture in another dataset,
// split or run is the same entry. Missing features are computed in fixed chunks of
// kFeatureChunk images spread over the pool, so they do not depend on the thread count.

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"
#include "engine/deploy/backbone.h"

namespace studio {

inline constexpr int kFeatureChunk = 16;

class FeatureCache {
public:
    /// `imagePreprocessing` prepares pixels for the backbone (its input normalization); its
    /// shape must be the backbone's input.
    FeatureCache(BackbonePtr backbone, Preprocessing imagePreprocessing);

    const BackbonePtr& backbone() const { return m_backbone; }
    const Preprocessing& imagePreprocessing() const { return m_prep; }

    /// Every sample of `images` as its backbone features, in order: a feature Dataset with the
    /// same labels, class names, name and sources. Errors: the images are not the backbone's
    /// input shape (names the data and the fix); OpenCV failed.
    /// Threads: one call at a time per cache; the work is spread over `pool` (may be null).
    Result<Dataset> features(const Dataset& images, ThreadPool* pool);
    /// The pool and the official test set as features; skipped files and description kept.
    Result<std::shared_ptr<const DatasetBundle>> bundle(const DatasetBundle& images, ThreadPool* pool);

    /// Images the backbone has run on through this cache (each distinct image once).
    std::int64_t computed() const { return m_computed; }
    /// Distinct images whose features the cache holds.
    std::size_t size() const;

private:
    using Key = std::array<std::uint8_t, 32>;

    BackbonePtr m_backbone;
    Preprocessing m_prep;
    mutable std::mutex m_mutex;
    std::map<Key, std::vector<float>> m_rows;
    std::int64_t m_computed = 0;
};

}  // namespace studio
