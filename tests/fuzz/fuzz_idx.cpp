// libFuzzer target: an IDX images file and its labels file (plain or gzipped) through loadIdx.
// The input's first byte splits it: images get that share of the rest, labels the remainder.
#include <cstddef>
#include <cstdint>

#include "engine/data/idx.h"
#include "tests/fuzz/fuzz_dataset_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::size_t rest = size - 1;
    const std::size_t imagesSize = rest * data[0] / 255;
    const auto folder = fuzzFolder("idx");
    writeBytes(folder / "train-images-idx3-ubyte", data + 1, imagesSize);
    writeBytes(folder / "train-labels-idx1-ubyte", data + 1 + imagesSize, rest - imagesSize);
    (void)studio::loadIdx((folder / "train-images-idx3-ubyte").string());
    return 0;
}
