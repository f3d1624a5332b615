#include "engine/io/model_file.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <optional>

#include <zlib.h>

#include "engine/core/sha256.h"
#include "engine/deploy/backbone.h"
#include "engine/io/atomic_file.h"
#include "engine/io/model_file_int8.h"

namespace studio {

namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'T', 'S', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::size_t kPrefixBytes = 16;  // magic + version + header length
constexpr std::size_t kCrcBytes = 4;
constexpr char kFormatName[] = "training-studio-model";
constexpr std::uint64_t kMaxFileBytes = 4ull << 30;  // far above any model the editor allows
constexpr std::size_t kMaxTensors = 100000;

void putU32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

std::uint32_t getU32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

// Every param's floats as little-endian bytes, in Model::params() order.
template <typename F>
void forEachWeightByte(const Model& model, F&& sink) {
    std::vector<std::uint8_t> chunk;
    for (const Param* p : model.params()) {
        const std::size_t n = p->value.size();
        chunk.resize(n * 4);
        for (std::size_t e = 0; e < n; ++e) {
            const std::uint32_t bits = std::bit_cast<std::uint32_t>(p->value[e]);
            for (int b = 0; b < 4; ++b)
                chunk[4 * e + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(bits >> (8 * b));
        }
        sink(chunk.data(), chunk.size());
    }
}

// A first pass over the header text that builds nothing: refuses nesting deeper than 64 and more
// than 4M values, so a hostile 16 MiB header ("[[[[…") cannot become gigabytes of JSON nodes.
struct HeaderLimits : nlohmann::json_sax<json> {
    int depth = 0;
    std::size_t values = 0;
    bool tooDeep = false, tooMany = false;
    bool value() {
        tooMany = ++values > (4u << 20);
        return !tooMany;
    }
    bool open() {
        tooDeep = ++depth > 64;
        return !tooDeep && value();
    }
    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t&) override { return value(); }
    bool string(string_t&) override { return value(); }
    bool binary(binary_t&) override { return value(); }
    bool start_object(std::size_t) override { return open(); }
    bool key(string_t&) override { return true; }
    bool end_object() override { return --depth, true; }
    bool start_array(std::size_t) override { return open(); }
    bool end_array() override { return --depth, true; }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
};

std::string kib(std::uint64_t bytes) {
    return std::to_string(bytes) + " bytes";
}

// Messages all name the file; each kind of damage has its own hint.
struct Problems {
    const std::string& label;
    Error corrupt(const std::string& what, const std::string& hint = {}) const {
        return Error::corrupt("Model file '" + label + "' " + what + ".",
                              hint.empty() ? "The file is damaged; use another copy or save the model again." : hint);
    }
    Error header(const std::string& what) const {
        return Error::corrupt("Model file '" + label + "' has an invalid header: " + what + ".",
                              "The file is damaged or was not written by Training Studio; save the model again.");
    }
};

// A non-negative integer field of at most `hi`, or nullopt.
std::optional<std::int64_t> boundedInteger(const json& j, std::int64_t hi) {
    if (!j.is_number_integer()) return std::nullopt;
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(hi)) return std::nullopt;
        return static_cast<std::int64_t>(u);
    }
    const auto v = j.get<std::int64_t>();
    if (v < 0 || v > hi) return std::nullopt;
    return v;
}

// payloadBytes: the tensors' bytes (float32 4, int8 1 per value), zero-padded to whole floats.
Result<ModelSnapshot> readHeaderAndWeights(const json& h, const std::uint8_t* data, std::uint64_t payloadBytes,
                                           std::uint32_t version, const Problems& bad) {
    static const std::vector<std::string> keys = {"classNames",    "datasetName", "epoch",         "format",
                                                  "formatVersion", "metrics",     "preprocessing", "spec",
                                                  "tensors",       "trainConfig", "weightsSha256"};
    if (!h.is_object()) return bad.header("it is not a JSON object");
    for (const auto& [key, value] : h.items()) {
        (void)value;
        if (std::find(keys.begin(), keys.end(), key) == keys.end() && key != "backbone" && key != "quantization")
            return bad.header("unknown field '" + key + "'");
    }
    for (const auto& key : keys)
        if (!h.contains(key)) return bad.header("the field '" + key + "' is missing");
    if (h["format"] != kFormatName) return bad.header("'format' is not \"" + std::string(kFormatName) + "\"");
    if (h["formatVersion"] != version) return bad.header("'formatVersion' differs from the file's version");
    for (const char* key : {"spec", "preprocessing", "trainConfig", "metrics"})
        if (!h[key].is_object()) return bad.header(std::string("'") + key + "' must be an object");
    if (!h["datasetName"].is_string()) return bad.header("'datasetName' must be text");
    const auto epoch = boundedInteger(h["epoch"], 100000000);
    if (!epoch) return bad.header("'epoch' must be a whole number ≥ 0");
    const json& sha = h["weightsSha256"];
    if (!sha.is_string() || sha.get_ref<const std::string&>().size() != 64)
        return bad.header("'weightsSha256' must be 64 hex digits");

    // The tensor table, bounded by what the file actually holds before anything is built.
    const json& table = h["tensors"];
    if (!table.is_array()) return bad.header("'tensors' must be a list");
    if (table.size() > kMaxTensors) return bad.header("'tensors' lists " + std::to_string(table.size()) + " tensors");
    std::vector<Shape> shapes;
    std::vector<std::string> names;
    std::vector<TensorDtype> dtypes;
    std::uint64_t declared = 0, declaredBytes = 0;
    for (std::size_t i = 0; i < table.size(); ++i) {
        const json& t = table[i];
        const std::string where = "tensor " + std::to_string(i + 1);
        if (!t.is_object() || !t.contains("name") || !t.contains("shape") || !t.contains("count"))
            return bad.header(where + " must be {\"name\", \"shape\", \"count\"}");
        if (!t["name"].is_string()) return bad.header(where + ": 'name' must be text");
        if (!t["shape"].is_array() || t["shape"].empty() || t["shape"].size() > 4)
            return bad.header(where + ": 'shape' must list 1 to 4 sizes");
        Shape shape;
        std::uint64_t product = 1;
        for (const json& d : t["shape"]) {
            const auto v = boundedInteger(d, std::numeric_limits<int>::max());
            if (!v || *v == 0) return bad.header(where + ": 'shape' sizes must be whole numbers ≥ 1");
            product *= static_cast<std::uint64_t>(*v);
            if (product > payloadBytes) return bad.header(where + " is larger than the weights the file holds");
            shape.push_back(static_cast<int>(*v));
        }
        const auto count = boundedInteger(t["count"], std::numeric_limits<std::int64_t>::max());
        if (!count || static_cast<std::uint64_t>(*count) != product)
            return bad.header(where + ": 'count' does not match its shape");
        auto dtype = readTensorDtype(t, version, shape, where);
        if (!dtype) return bad.header(dtype.error().message());
        declared += product;
        declaredBytes += product * dtype->elementBytes();
        if (declaredBytes > payloadBytes) return bad.header("the tensors hold more weights than the file");
        shapes.push_back(std::move(shape));
        names.push_back(t["name"].get<std::string>());
        dtypes.push_back(std::move(*dtype));
    }
    if ((declaredBytes + 3) / 4 * 4 != payloadBytes)
        return bad.corrupt("holds " + std::to_string(payloadBytes) + " bytes of weights but its header lists " +
                           std::to_string(declaredBytes));

    auto spec = ModelSpec::fromJson(h["spec"], "model file '" + bad.label + "'");
    if (!spec.ok()) return bad.header(spec.error().message());
    // Count the architecture's weights without allocating them: a 1 KB file whose spec asks for
    // 200 M weights is refused here, not after building an 800 MB model.
    const SpecReport report = analyzeSpec(*spec);
    if (!report.ok()) return bad.header("its architecture is not valid: " + report.problemText());
    if (static_cast<std::uint64_t>(report.totalStoredValues) != declared)
        return bad.corrupt("holds " + std::to_string(declared) + " weights but its architecture needs " +
                           std::to_string(report.totalStoredValues));
    auto model = Model::build(*spec);
    if (!model.ok()) return bad.header("its architecture is not valid: " + model.error().message());
    auto params = model->params();
    if (params.size() != shapes.size())
        return bad.header("the architecture has " + std::to_string(params.size()) +
                          " weight tensors but the table lists " + std::to_string(shapes.size()));
    const auto expectedNames = parameterNames(*model);
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (names[i] != expectedNames[i])
            return bad.header("tensor " + std::to_string(i + 1) + " is '" + names[i] +
                              "' but the architecture expects '" + expectedNames[i] + "'");
        if (params[i]->value.shape() != shapes[i])
            return bad.header("tensor '" + names[i] + "' is " + shapeToString(shapes[i]) +
                              " but the architecture needs " + shapeToString(params[i]->value.shape()));
    }

    auto preprocessing = Preprocessing::fromJson(h["preprocessing"]);
    if (!preprocessing.ok()) return bad.header(preprocessing.error().message());
    // With a backbone the preprocessing is the image's and the model is the head (attachBackbone checks both).
    if (!h.contains("backbone") && preprocessing->inputShape != model->inputShape())
        return bad.header("the preprocessing is for " + shapeToString(preprocessing->inputShape) +
                          " inputs but the model takes " + shapeToString(model->inputShape()));
    const json& classes = h["classNames"];
    if (!classes.is_array() || classes.size() != static_cast<std::size_t>(model->outputSize()))
        return bad.header("'classNames' must list one name per output (" + std::to_string(model->outputSize()) + ")");
    std::vector<std::string> classNames;
    for (const json& c : classes) {
        if (!c.is_string()) return bad.header("'classNames' must hold text");
        classNames.push_back(c.get<std::string>());
    }

    // INT8 layers: an int8 tensor is a Dense/Conv2D weight, and the quantization header gives
    // exactly those layers their input quantization.
    auto inputs = readQuantizationHeader(h, version, model->layerCount());
    if (!inputs) return bad.header(inputs.error().message());
    std::vector<QuantizedLayer> quantized;
    std::vector<int> layerOf;  // per param
    for (int l = 0; l < model->layerCount(); ++l)
        for (std::size_t k = 0; k < model->layer(l).params().size(); ++k) layerOf.push_back(l);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const int l = layerOf[i];
        const bool hasInput = (*inputs)[static_cast<std::size_t>(l)].has_value();
        const bool isWeight = i == 0 || layerOf[i - 1] != l;
        if (dtypes[i].int8 && (!isWeight || !hasInput))
            return bad.header("tensor '" + names[i] + "' is int8 but " +
                              (isWeight ? "'quantization' gives its layer no input scale" : "only weights may be int8"));
        if (isWeight && hasInput && !dtypes[i].int8)
            return bad.header("'quantization' lists layer " + std::to_string(l + 1) + " but its weight is not int8");
    }

    // Weights: little-endian float32, all finite; int8 weights as one byte each, −127 to 127.
    std::size_t offset = 0;
    for (std::size_t i = 0; i < params.size(); ++i) {
        Tensor& v = params[i]->value;
        if (dtypes[i].int8) {
            QuantizedLayer q;
            q.layerIndex = layerOf[i];
            q.input = *(*inputs)[static_cast<std::size_t>(q.layerIndex)];
            q.values.resize(v.size());
            std::memcpy(q.values.data(), data + offset, v.size());
            offset += v.size();
            for (std::size_t e = 0; e < v.size(); ++e)
                if (q.values[e] == -128)
                    return bad.corrupt("holds the int8 weight −128 in '" + names[i] + "' (element " +
                                       std::to_string(e) + "); int8 weights are −127 to 127");
            q.scales = std::move(dtypes[i].scales);
            quantized.push_back(std::move(q));
            continue;
        }
        for (std::size_t e = 0; e < v.size(); ++e, offset += 4) {
            const float x = std::bit_cast<float>(getU32(data + offset));
            if (!std::isfinite(x))
                return bad.corrupt("holds a weight that is not a finite number (" +
                                       std::string(std::isnan(x) ? "NaN" : "infinity") + " in '" + names[i] +
                                       "', element " + std::to_string(e) + ")",
                                   "The model diverged before it was saved; lower the learning rate and retrain.");
            v[e] = x;
        }
    }
    // The float model holds the dequantized weights: what the checksum covers.
    QuantizedModel::dequantizeInto(*model, quantized);
    if (weightsSha256(*model) != sha.get<std::string>())
        return bad.corrupt("has weights whose SHA-256 differs from the one in its header");

    ModelSnapshot snapshot{std::move(*model),     std::move(*preprocessing),
                           std::move(classNames), h["datasetName"].get<std::string>(),
                           h["trainConfig"],      h["metrics"],
                           static_cast<int>(*epoch),   nullptr,
                           nullptr};
    if (!quantized.empty()) {
        auto q = QuantizedModel::create(snapshot.model, std::move(quantized), bad.label);
        if (!q) return q.error();
        snapshot.quantized = std::move(*q);
    }
    return snapshot;
}

// The backbone's ONNX bytes follow the weights, zero-padded to whole floats. Its byte count is
// bounded by what the file holds before anything is read: the weights are what precedes it.
Result<std::uint64_t> backbonePaddedBytes(const json& h, std::uint64_t dataBytes, const Problems& bad) {
    if (!h.is_object() || !h.contains("backbone")) return std::uint64_t{0};
    const json& b = h["backbone"];
    if (!b.is_object() || !b.contains("bytes")) return bad.header("'backbone' must be an object with 'bytes'");
    const auto bytes = boundedInteger(b["bytes"], static_cast<std::int64_t>(dataBytes));
    if (!bytes || *bytes == 0) return bad.header("'backbone' holds more bytes than the file");
    const std::uint64_t padded = (static_cast<std::uint64_t>(*bytes) + 3) / 4 * 4;
    if (padded > dataBytes) return bad.header("'backbone' holds more bytes than the file");
    return padded;
}

// The snapshot's backbone from the bytes after the weights; the head must read its features and
// the preprocessing must be for its input.
Status attachBackbone(ModelSnapshot& s, const json& h, const std::uint8_t* bytes, const Problems& bad) {
    const json& b = h["backbone"];
    const auto n = static_cast<std::size_t>(b["bytes"].get<std::uint64_t>());
    auto backbone = Backbone::fromHeader(b, std::vector<std::uint8_t>(bytes, bytes + n), bad.label);
    if (!backbone) return backbone.error();
    if (s.model.inputShape() != Shape{(*backbone)->featureSize()})
        return bad.header("its head takes " + shapeToString(s.model.inputShape()) + " inputs but the backbone gives " +
                          std::to_string((*backbone)->featureSize()) + " features");
    if (s.preprocessing.inputShape != (*backbone)->inputShape() || !s.preprocessing.isImage)
        return bad.header("the preprocessing is for " + shapeToString(s.preprocessing.inputShape) +
                          " inputs but the backbone takes " + shapeToString((*backbone)->inputShape()));
    s.backbone = std::move(*backbone);
    return Status::success();
}

}  // namespace

std::uint32_t crc32Of(std::span<const std::uint8_t> bytes) {
    return static_cast<std::uint32_t>(crc32_z(crc32_z(0L, Z_NULL, 0), bytes.data(), bytes.size()));
}

std::vector<std::string> parameterNames(const Model& model) {
    std::vector<std::string> names;
    for (int i = 0; i < model.layerCount(); ++i)
        for (const Param& p : model.layer(i).params())
            names.push_back("layer" + std::to_string(i + 1) + "." + model.layer(i).kind() + "." + p.name);
    return names;
}

std::string weightsSha256(const Model& model) {
    Sha256 h;
    forEachWeightByte(model, [&](const std::uint8_t* p, std::size_t n) { h.update(p, n); });
    return h.hexDigest();
}

std::vector<std::uint8_t> frameModelFile(std::uint32_t version, const std::string& header,
                                         std::span<const std::uint8_t> payload) {
    const std::size_t crcAt = kPrefixBytes + header.size() + payload.size();
    std::vector<std::uint8_t> out(crcAt + kCrcBytes);
    std::uint8_t* p = out.data();
    std::memcpy(p, kMagic, sizeof kMagic);
    putU32(p + 8, version);
    putU32(p + 12, static_cast<std::uint32_t>(header.size()));
    if (!header.empty()) std::memcpy(p + kPrefixBytes, header.data(), header.size());
    if (!payload.empty()) std::memcpy(p + kPrefixBytes + header.size(), payload.data(), payload.size());
    putU32(p + crcAt, crc32Of(std::span<const std::uint8_t>(p, crcAt)));
    return out;
}

std::vector<std::uint8_t> serializeModel(const ModelSnapshot& s) {
    json tensors = json::array();
    const auto names = parameterNames(s.model);
    const auto params = s.model.params();
    // An INT8 model stores its Dense/Conv2D weights as int8 (the first param of a quantized layer).
    std::vector<const QuantizedLayer*> int8Of(params.size(), nullptr);
    Model dequantized = s.model;
    if (s.quantized) {
        QuantizedModel::dequantizeInto(dequantized, s.quantized->layers());
        std::size_t first = 0;
        std::size_t next = 0;
        const auto& layers = s.quantized->layers();
        for (int l = 0; l < s.model.layerCount(); ++l) {
            if (next < layers.size() && layers[next].layerIndex == l) int8Of[first] = &layers[next++];
            first += s.model.layer(l).params().size();
        }
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        json entry = {{"name", names[i]}, {"shape", params[i]->value.shape()}, {"count", params[i]->value.size()}};
        if (int8Of[i]) writeTensorDtype(entry, *int8Of[i]);
        tensors.push_back(std::move(entry));
    }
    const json header = {{"format", kFormatName},
                         {"formatVersion", kModelFormatVersion},
                         {"spec", s.model.spec().toJson()},
                         {"preprocessing", s.preprocessing.toJson()},
                         {"classNames", s.classNames},
                         {"datasetName", s.datasetName},
                         {"trainConfig", s.trainConfig.is_object() ? s.trainConfig : json::object()},
                         {"metrics", s.metrics.is_object() ? s.metrics : json::object()},
                         {"epoch", s.epoch},
                         {"weightsSha256", weightsSha256(dequantized)},
                         {"tensors", tensors}};
    json full = header;
    if (s.backbone) full["backbone"] = s.backbone->headerJson();
    if (s.quantized) full["quantization"] = quantizationHeader(*s.quantized);
    // Invalid UTF-8 in a name becomes U+FFFD instead of throwing.
    const std::string text = full.dump(-1, ' ', false, json::error_handler_t::replace);
    std::vector<std::uint8_t> payload;
    std::size_t param = 0;
    forEachWeightByte(s.model, [&](const std::uint8_t* p, std::size_t n) {
        if (const QuantizedLayer* q = int8Of[param++]) {
            const auto* bytes = reinterpret_cast<const std::uint8_t*>(q->values.data());
            payload.insert(payload.end(), bytes, bytes + q->values.size());
        } else {
            payload.insert(payload.end(), p, p + n);
        }
    });
    payload.resize((payload.size() + 3) / 4 * 4, 0);  // int8 tensors: pad to whole floats
    if (s.backbone) {  // the ONNX bytes after the weights, zero-padded to whole floats
        const auto& onnx = s.backbone->onnxBytes();
        payload.insert(payload.end(), onnx.begin(), onnx.end());
        payload.resize((payload.size() + 3) / 4 * 4, 0);
    }
    return frameModelFile(kModelFormatVersion, text, payload);
}

Result<ModelSnapshot> deserializeModel(const std::vector<std::uint8_t>& bytes, const std::string& label) {
    const Problems bad{label};
    const std::uint64_t size = bytes.size();
    const std::size_t magicSeen = std::min<std::size_t>(bytes.size(), 8);
    if (size == 0 || std::memcmp(bytes.data(), kMagic, magicSeen) != 0)
        return Error::corrupt(
            "'" + label + "' is not a Training Studio model file (it does not start with \"TSMODEL\").",
            "Choose a " + std::string(kModelFileExtension) + " file saved by Training Studio.");
    if (size < kPrefixBytes + kCrcBytes) return bad.corrupt("is truncated (only " + kib(size) + ")");
    const std::uint32_t version = getU32(bytes.data() + 8);
    if (version > kModelFormatVersion)
        return Error::unsupported("Model file '" + label + "' was written by a newer Training Studio (format " +
                                      std::to_string(version) + "); this version reads format " +
                                      std::to_string(kModelFormatVersion) + ".",
                                  "Update Training Studio.");
    if (version == 0) return bad.corrupt("has format version 0, which no Training Studio writes");
    const std::uint64_t headerBytes = getU32(bytes.data() + 12);
    if (headerBytes > kMaxModelHeaderBytes)
        return bad.corrupt("claims a " + kib(headerBytes) + " header, more than the 16 MiB limit");
    if (kPrefixBytes + headerBytes + kCrcBytes > size)
        return bad.corrupt("is truncated (its header needs " + kib(kPrefixBytes + headerBytes + kCrcBytes) +
                           ", the file has " + kib(size) + ")");
    const std::uint64_t dataBytes = size - kPrefixBytes - headerBytes - kCrcBytes;
    if (dataBytes % 4 != 0) return bad.corrupt("is truncated or has extra bytes (its weights are not whole floats)");
    const std::uint32_t stored = getU32(bytes.data() + size - kCrcBytes);
    const std::uint32_t computed = crc32Of(std::span<const std::uint8_t>(bytes.data(), size - kCrcBytes));
    if (stored != computed)
        return bad.corrupt(
            "is damaged or incomplete (checksum mismatch)",
            "The file changed or was cut short after it was saved; use another copy or save the model again.");

    try {
        const auto* begin = reinterpret_cast<const char*>(bytes.data() + kPrefixBytes);
        HeaderLimits limits;
        if (!json::sax_parse(begin, begin + headerBytes, &limits, json::input_format_t::json, /*strict=*/true)) {
            if (limits.tooDeep) return bad.header("it nests deeper than 64 levels");
            if (limits.tooMany) return bad.header("it holds more than 4 million values");
            return bad.header("it is not valid JSON");
        }
        const json header = json::parse(begin, begin + headerBytes, nullptr, /*allow_exceptions=*/false);
        if (header.is_discarded()) return bad.header("it is not valid JSON");
        auto backboneBytes = backbonePaddedBytes(header, dataBytes, bad);
        if (!backboneBytes) return backboneBytes.error();
        const std::uint8_t* data = bytes.data() + kPrefixBytes + headerBytes;
        const std::uint64_t weightBytes = dataBytes - *backboneBytes;
        auto snapshot = readHeaderAndWeights(header, data, weightBytes, version, bad);
        if (snapshot && *backboneBytes > 0)
            if (auto s = attachBackbone(*snapshot, header, data + weightBytes, bad); !s) return s.error();
        return snapshot;
    } catch (const std::bad_alloc&) {
        return bad.corrupt("describes a model too large for this computer's memory", "Check the file's origin.");
    } catch (const std::exception& e) {
        return bad.header(e.what());
    }
}

Status saveModelFile(const std::string& path, const ModelSnapshot& snapshot) {
    std::vector<std::uint8_t> bytes;
    try {
        bytes = serializeModel(snapshot);
    } catch (const std::bad_alloc&) {
        return Error::io("Not enough memory to save the model to '" + path + "'.", "Close other programs and retry.");
    }
    return writeFileAtomically(path, bytes, "the model");
}

Result<ModelSnapshot> loadModelFile(const std::string& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
        return Error::notFound("Model file '" + path + "' does not exist.",
                               "Check the path, or train and save a model first.");
    if (!std::filesystem::is_regular_file(status))
        return Error::invalid("'" + path + "' is not a file.",
                              "Choose a " + std::string(kModelFileExtension) + " file.");
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec)
        return Error::io("Cannot read model file '" + path + "': " + ec.message() + ".",
                         "Check the file's permissions.");
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error::io("Cannot open model file '" + path + "'.", "Check the file's permissions.");
    // Look at the magic first: a wrong file of any size costs 8 bytes.
    std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::min<std::uint64_t>(size, 8)));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0 || size > kMaxFileBytes) {
        if (bytes.size() == 8 && std::memcmp(bytes.data(), kMagic, 8) == 0)
            return Error::unsupported(
                "Model file '" + path + "' is " + kib(size) + ", larger than any model Training Studio writes.",
                "Check the file's origin.");
        return deserializeModel(bytes, path);
    }
    try {
        bytes.resize(static_cast<std::size_t>(size));
    } catch (const std::bad_alloc&) {
        return Error::io("Not enough memory to read model file '" + path + "' (" + kib(size) + ").",
                         "Close other programs and retry.");
    }
    in.read(reinterpret_cast<char*>(bytes.data() + 8), static_cast<std::streamsize>(size - 8));
    if (static_cast<std::uint64_t>(in.gcount()) != size - 8)
        return Error::io("Cannot read all of model file '" + path + "'.", "The file changed while it was read; retry.");
    return deserializeModel(bytes, path);
}

}  // namespace studio
