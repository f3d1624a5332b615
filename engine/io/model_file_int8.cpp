#include "engine/io/model_file_int8.h"

#include <cmath>
#include <limits>
#include <optional>

namespace studio {

namespace {

using nlohmann::json;

// A float that a scale may be: finite, > 0, and with a finite inverse.
std::optional<float> positiveFloat(const json& j) {
    if (!j.is_number()) return std::nullopt;
    const double d = j.get<double>();
    if (!std::isfinite(d) || d <= 0.0 || d > std::numeric_limits<float>::max()) return std::nullopt;
    const auto f = static_cast<float>(d);
    if (!(f > 0.0f) || !std::isfinite(1.0f / f)) return std::nullopt;
    return f;
}

}  // namespace

Result<TensorDtype> readTensorDtype(const json& t, std::uint32_t version, const Shape& shape, const std::string& where) {
    TensorDtype dtype;
    if (!t.contains("dtype")) {
        if (t.size() != 3) return Error::corrupt(where + " must be {\"name\", \"shape\", \"count\"}");
        return dtype;
    }
    if (version < 2) return Error::corrupt(where + " has a 'dtype', which format 1 files do not have");
    const json& d = t["dtype"];
    if (d == "float32") {
        if (t.size() != 4) return Error::corrupt(where + " must be {\"name\", \"shape\", \"count\", \"dtype\"}");
        return dtype;
    }
    if (d != "int8") return Error::corrupt(where + ": 'dtype' must be \"float32\" or \"int8\"");
    if (t.size() != 5 || !t.contains("scales"))
        return Error::corrupt(where + " (int8) must be {\"name\", \"shape\", \"count\", \"dtype\", \"scales\"}");
    const json& scales = t["scales"];
    if (!scales.is_array() || shape.empty() || scales.size() != static_cast<std::size_t>(shape[0]))
        return Error::corrupt(where + ": 'scales' must list one scale per output (" +
                              std::to_string(shape.empty() ? 0 : shape[0]) + ")");
    dtype.int8 = true;
    dtype.scales.reserve(scales.size());
    for (const json& s : scales) {
        const auto f = positiveFloat(s);
        if (!f) return Error::corrupt(where + ": 'scales' must be positive finite numbers");
        dtype.scales.push_back(*f);
    }
    return dtype;
}

void writeTensorDtype(json& entry, const QuantizedLayer& layer) {
    entry["dtype"] = "int8";
    json scales = json::array();
    for (float s : layer.scales) scales.push_back(s);
    entry["scales"] = std::move(scales);
}

Result<std::vector<std::optional<ActivationQuantization>>> readQuantizationHeader(const json& h, std::uint32_t version,
                                                                                   int layerCount) {
    std::vector<std::optional<ActivationQuantization>> out(static_cast<std::size_t>(layerCount));
    if (!h.contains("quantization")) return out;
    if (version < 2) return Error::corrupt("'quantization' is not part of format 1");
    const json& q = h["quantization"];
    if (!q.is_object() || q.size() != 1 || !q.contains("layers") || !q["layers"].is_array())
        return Error::corrupt("'quantization' must be {\"layers\": [...]}");
    for (const json& l : q["layers"]) {
        if (!l.is_object() || l.size() != 3 || !l.contains("layer") || !l.contains("inputScale") ||
            !l.contains("inputZeroPoint"))
            return Error::corrupt("each 'quantization' layer must be {\"layer\", \"inputScale\", \"inputZeroPoint\"}");
        const json& index = l["layer"];
        if (!index.is_number_integer() || index.get<std::int64_t>() < 1 || index.get<std::int64_t>() > layerCount)
            return Error::corrupt("a 'quantization' layer number is not a layer of the model (1 to " +
                                  std::to_string(layerCount) + ")");
        const auto i = static_cast<std::size_t>(index.get<std::int64_t>() - 1);
        if (out[i]) return Error::corrupt("'quantization' lists layer " + std::to_string(i + 1) + " twice");
        const auto scale = positiveFloat(l["inputScale"]);
        if (!scale) return Error::corrupt("'quantization' layer " + std::to_string(i + 1) + ": 'inputScale' must be a positive finite number");
        const json& zp = l["inputZeroPoint"];
        if (!zp.is_number_integer() || zp.get<std::int64_t>() < 0 || zp.get<std::int64_t>() > 255)
            return Error::corrupt("'quantization' layer " + std::to_string(i + 1) + ": 'inputZeroPoint' must be 0 to 255");
        out[i] = ActivationQuantization{*scale, static_cast<int>(zp.get<std::int64_t>())};
    }
    return out;
}

json quantizationHeader(const QuantizedModel& model) {
    json layers = json::array();
    for (const QuantizedLayer& l : model.layers())
        layers.push_back({{"layer", l.layerIndex + 1}, {"inputScale", l.input.scale}, {"inputZeroPoint", l.input.zeroPoint}});
    return {{"layers", layers}};
}

}  // namespace studio
