#pragma once
// The INT8 parts of the model file (format 2), next to model_file.cpp which calls them:
//   - a tensor entry may say "dtype": "float32" (the default) or "int8"; an int8 entry is a
//     Dense/Conv2D weight stored as one byte per value (−127 to 127) followed in the table by
//     "scales": one positive float per output channel (value = scales[o]·q);
//   - the header's "quantization": {"layers": [{"layer", "inputScale", "inputZeroPoint"}, …]}
//     gives each int8 layer (counted from 1, as in the tensor names) its input's u8 scale and
//     zero point.
// Each reader returns an Error whose message is the fragment that model_file.cpp puts after
// "has an invalid header: "; nothing is trusted and nothing throws.

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/deploy/quantized_model.h"

namespace studio {

struct TensorDtype {
    bool int8 = false;
    std::vector<float> scales;  // int8: one per output (shape[0])
    std::size_t elementBytes() const { return int8 ? 1 : 4; }
};

/// The entry's dtype; `where` is "tensor 3". Format 1 entries hold exactly name, shape, count.
Result<TensorDtype> readTensorDtype(const nlohmann::json& entry, std::uint32_t version, const Shape& shape,
                                    const std::string& where);

/// The entry fields an int8 weight adds to {name, shape, count}.
void writeTensorDtype(nlohmann::json& entry, const QuantizedLayer& layer);

/// Index i: the input quantization of layer i (0-based), or nullopt when the header names none.
Result<std::vector<std::optional<ActivationQuantization>>> readQuantizationHeader(const nlohmann::json& header,
                                                                                   std::uint32_t version,
                                                                                   int layerCount);
nlohmann::json quantizationHeader(const QuantizedModel& model);

}  // namespace studio
