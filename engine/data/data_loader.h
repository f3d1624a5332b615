#pragma once
// Batch assembly: sample → float → (augment) → normalize, into a tensor the model reads.

#include <cstdint>
#include <span>
#include <vector>

#include "engine/core/tensor.h"
#include "engine/data/augment.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"

namespace studio {

/// x:(n, sample...) and labels for data[indices[i]]. When `augment` is non-null each sample i is
/// augmented with Rng::forStream(seed, Augment, epoch, indices[i]). Serial; callers parallelize
/// over shards.
void assembleBatch(const Dataset& data, std::span<const int> indices, const Preprocessing& preprocessing,
                   const AugmentConfig* augment, std::uint64_t seed, std::uint64_t epoch, Tensor& x,
                   std::vector<std::int32_t>& labels);

/// The training order for an epoch: a permutation from (seed, Shuffle, epoch) of `indices`.
std::vector<int> epochOrder(const std::vector<int>& indices, std::uint64_t seed, std::uint64_t epoch);

}  // namespace studio
