// libFuzzer target: an ONNX file's bytes as `--backbone FILE.onnx` and Model ▸ Start from a
// pretrained network take them: the declared input (what backbone-layers reads), then
// Backbone::fromBytes for images of that size (our checks, OpenCV DNN's import, the layer list,
// the feature layer and its probe batch), then the features of one image as training asks them.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/deploy/backbone.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::vector<std::uint8_t> bytes(data, data + size);
    auto declared = studio::Backbone::declaredInputShape(bytes, "fuzzed.onnx");
    if (!declared) return 0;
    // The data's images: the declared size, 1×28×28 where a dimension is symbolic. Large images
    // only slow the fuzzer down (the data, not the file, decides their size in the studio).
    studio::Shape input = *declared;
    const int fallback[3] = {1, 28, 28};
    for (int d = 0; d < 3; ++d)
        if (input[d] == 0) input[d] = fallback[d];
    if (static_cast<std::int64_t>(input[0]) * input[1] * input[2] > 3 * 64 * 64) return 0;

    auto backbone = studio::Backbone::fromBytes(std::move(bytes), "fuzzed.onnx", input);
    if (!backbone) return 0;
    studio::Tensor x(studio::Shape{1, input[0], input[1], input[2]}, 0.25f), features;
    (void)(*backbone)->features(x, features);
    return 0;
}
