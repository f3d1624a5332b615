// libFuzzer target: image bytes through the whole decode path the studio uses for drops, pastes
// and dataset folders (format sniffing, header limits, OpenCV decoding), then fitting to the
// input sizes of the presets (stretch and pad, gray and colour).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/data/image_io.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    auto image = studio::decodeImageBytes(bytes, "fuzzed image");
    if (!image.ok()) return 0;
    (void)studio::fitImage(*image, 1, 28, 28, "stretch");
    (void)studio::fitImage(*image, 3, 32, 32, "pad");
    return 0;
}
