#pragma once
// Built-in generated datasets: made from a seed, no files. Every sample i comes from its own
// stream Rng::forStream(seed, Dataset, set, i), so generation runs in parallel and gives the
// same data for any thread count.
//   shapes   1×28×28 gray drawings of 8 shapes (circle, square, triangle, star, cross, ring,
//            diamond, arrow) (anti-aliased, random pose, intensities, noise)
//   spirals  3 interleaved spiral arms in 2-D          circles  a disc inside a ring (2 classes)
//   xor      4 quadrants, 2 classes                    gauss    4 Gaussian blobs

#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/rng.h"
#include "engine/data/dataset.h"

namespace studio {

struct GeneratedSetInfo {
    std::string name;
    std::string description;
    int defaultSamples;
};

const std::vector<GeneratedSetInfo>& generatedSets();
bool isGeneratedSet(const std::string& name);

/// samples <= 0: the set's default. Balanced: sample i has class i mod classCount.
/// noise (2-D sets): the Gaussian jitter of each coordinate as a multiple of the set's own σ
/// (spirals 0.03, circles 0.04, xor 0.05; gauss: the blobs' spread, 0.25); 0 draws the clean
/// pattern from the same random stream, 1 is the set as it always was.
/// Errors: unknown name, samples above 1,000,000.
Result<DatasetBundle> generateDataset(const std::string& name, std::uint64_t seed, int samples = 0, int threads = 0,
                                      double noise = 1.0);

/// The class names of `shapes`, in label order.
const std::vector<std::string>& shapeClassNames();
/// Draws one 28×28 shape image of class `label` from `rng` (gray, row-major).
void drawShape(int label, Rng& rng, std::uint8_t* out28x28);

}  // namespace studio
