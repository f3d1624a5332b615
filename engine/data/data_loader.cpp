#include "engine/data/data_loader.h"

#include "engine/core/rng.h"

namespace studio {

void assembleBatch(const Dataset& data, std::span<const int> indices, const Preprocessing& preprocessing,
                   const AugmentConfig* augment, std::uint64_t seed, std::uint64_t epoch, Tensor& x,
                   std::vector<std::int32_t>& labels) {
    STUDIO_ASSERT(preprocessing.inputShape == data.sampleShape(), "assembleBatch: preprocessing is for another shape");
    Shape shape{static_cast<int>(indices.size())};
    shape.insert(shape.end(), data.sampleShape().begin(), data.sampleShape().end());
    x.resize(shape);
    labels.resize(indices.size());
    const bool augmenting = augment && augment->any();
    for (std::size_t i = 0; i < indices.size(); ++i) {
        const int index = indices[i];
        float* sample = x.sample(static_cast<int>(i));
        data.sampleAsFloat(index, sample);
        if (augmenting) {
            Rng rng = Rng::forStream(seed, RngPurpose::Augment, epoch, static_cast<std::uint64_t>(index));
            augmentSample(sample, data.sampleShape(), *augment, rng);
        }
        preprocessing.normalize(sample);
        labels[i] = data.label(index);
    }
}

std::vector<int> epochOrder(const std::vector<int>& indices, std::uint64_t seed, std::uint64_t epoch) {
    Rng rng = Rng::forStream(seed, RngPurpose::Shuffle, epoch);
    const std::vector<int> perm = rng.permutation(static_cast<int>(indices.size()));
    std::vector<int> order(indices.size());
    for (std::size_t i = 0; i < indices.size(); ++i) order[i] = indices[static_cast<std::size_t>(perm[i])];
    return order;
}

}  // namespace studio
