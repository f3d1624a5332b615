// libFuzzer target: a CIFAR-10 binary batch through loadCifar10.
#include <cstddef>
#include <cstdint>

#include "engine/data/cifar.h"
#include "tests/fuzz/fuzz_dataset_files.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto path = fuzzFolder("cifar") / "data_batch_1.bin";
    writeBytes(path, data, size);
    (void)studio::loadCifar10(path.string());
    return 0;
}
