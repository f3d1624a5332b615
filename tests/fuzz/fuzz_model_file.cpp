// libFuzzer target: a model file's bytes through the loader (framing, CRC, JSON header, weights),
// then, when they load, one prediction on a blank image of the model's input size.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engine/nn/model.h"
#include "engine/io/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::vector<std::uint8_t> bytes(data, data + size);
    auto loaded = studio::deserializeModel(bytes, "fuzzed model");
    if (!loaded.ok()) return 0;
    const studio::Shape input = loaded->model.inputShape();
    if (studio::shapeSize(input) > (1u << 20)) return 0;  // the loader's cap is larger; keep runs fast
    studio::Shape batch{1};
    batch.insert(batch.end(), input.begin(), input.end());
    studio::Workspace ws(loaded->model);
    ws.input() = studio::Tensor(batch, 0.0f);
    studio::RunContext ctx;
    loaded->model.forward(ws, ctx);
    return 0;
}
