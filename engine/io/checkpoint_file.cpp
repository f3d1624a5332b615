#include "engine/io/checkpoint_file.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "engine/io/atomic_file.h"
#include "engine/io/json_limits.h"
#include "engine/io/model_file.h"  // crc32Of

namespace studio {

namespace {

using nlohmann::json;

static_assert(std::endian::native == std::endian::little, "checkpoint files are little-endian float32");

constexpr char kMagic[8] = {'T', 'S', 'C', 'K', 'P', 'T', '\0', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kPrefix = 16;
constexpr std::uint32_t kMaxHeader = 16u << 20;
constexpr std::uint64_t kMaxFile = 8ull << 30;

void putU32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t getU32(const std::uint8_t* p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

json metricsJson(const EpochMetrics& m) {
    auto num = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
    return {{"epoch", m.epoch},
            {"trainLoss", num(m.trainLoss)},
            {"trainAccuracy", num(m.trainAccuracy)},
            {"validationLoss", num(m.validationLoss)},
            {"validationAccuracy", num(m.validationAccuracy)},
            {"learningRate", num(m.learningRate)},
            {"seconds", num(m.seconds)},
            {"samplesPerSecond", num(m.samplesPerSecond)}};
}

EpochMetrics metricsFrom(const json& j) {
    auto num = [&](const char* k) {
        return j.contains(k) && j[k].is_number() ? j[k].get<double>() : std::numeric_limits<double>::quiet_NaN();
    };
    EpochMetrics m;
    m.epoch = j.contains("epoch") && j["epoch"].is_number_integer() ? j["epoch"].get<int>() : 0;
    m.trainLoss = num("trainLoss");
    m.trainAccuracy = num("trainAccuracy");
    m.validationLoss = num("validationLoss");
    m.validationAccuracy = num("validationAccuracy");
    m.learningRate = num("learningRate");
    m.seconds = num("seconds");
    m.samplesPerSecond = num("samplesPerSecond");
    return m;
}

}  // namespace

Status saveCheckpointFile(const std::string& path, const TrainingCheckpoint& c) {
    json tensors = json::array();
    std::size_t floats = 0;
    auto list = [&](const std::vector<Tensor>& group, const char* name) {
        for (const Tensor& t : group) {
            tensors.push_back({{"group", name}, {"shape", t.shape()}});
            floats += t.size();
        }
    };
    list(c.weights, "weights");
    list(c.optimizer.buffers, "optimizer");
    list(c.bestWeights, "best");
    const json header = {{"format", "training-studio-checkpoint"},
                         {"epoch", c.epoch},
                         {"step", c.step},
                         {"config", c.config},
                         {"optimizerSteps", c.optimizer.steps},
                         {"bestEpoch", c.bestEpoch},
                         {"bestValue", std::isfinite(c.bestValue) ? json(c.bestValue) : json(nullptr)},
                         {"sinceImprovement", c.sinceImprovement},
                         {"bestMetrics", metricsJson(c.bestMetrics)},
                         {"trainSeconds", c.trainSeconds},
                         {"tensors", tensors}};
    const std::string text = header.dump(-1, ' ', false, json::error_handler_t::replace);
    const std::size_t crcAt = kPrefix + text.size() + floats * 4;
    std::vector<std::uint8_t> bytes(crcAt + 4);
    std::memcpy(bytes.data(), kMagic, 8);
    putU32(bytes.data() + 8, kVersion);
    putU32(bytes.data() + 12, static_cast<std::uint32_t>(text.size()));
    std::memcpy(bytes.data() + kPrefix, text.data(), text.size());
    std::uint8_t* out = bytes.data() + kPrefix + text.size();
    for (const auto* group : {&c.weights, &c.optimizer.buffers, &c.bestWeights})
        for (const Tensor& t : *group) {
            if (t.size() > 0) std::memcpy(out, t.data(), t.size() * 4);
            out += t.size() * 4;
        }
    putU32(bytes.data() + crcAt, crc32Of(std::span<const std::uint8_t>(bytes.data(), crcAt)));
    return writeFileAtomically(path, bytes, "the checkpoint");
}

Result<TrainingCheckpoint> loadCheckpointFile(const std::string& path) {
    auto bad = [&](const std::string& why) {
        return Error::corrupt("The checkpoint " + path + " is damaged: " + why + ".",
                              "Resume from an earlier checkpoint of the run (`runs show`), or fork the run anew.");
    };
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return Error::notFound("The checkpoint " + path + " is missing.",
                               "It may have been deleted or pruned; resume from another epoch or fork the run.");
    const std::streamoff end = in.tellg();
    if (end < 0 || static_cast<std::uint64_t>(end) > kMaxFile) return bad("its size is implausible");
    const auto size = static_cast<std::size_t>(end);
    if (size < kPrefix + 4) return bad("it is too short");
    std::vector<std::uint8_t> bytes(size);
    in.seekg(0);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) return bad("unreadable");
    if (std::memcmp(bytes.data(), kMagic, 8) != 0) return bad("it is not a Training Studio checkpoint");
    if (getU32(bytes.data() + 8) != kVersion)
        return Error::unsupported("The checkpoint " + path + " has format version " +
                                      std::to_string(getU32(bytes.data() + 8)) + ", which this version cannot read.",
                                  "Resume it with the version of Training Studio that wrote it.");
    const std::uint32_t headerBytes = getU32(bytes.data() + 12);
    if (headerBytes > kMaxHeader || kPrefix + headerBytes + 4 > size) return bad("its header length is wrong");
    const std::size_t crcAt = size - 4;
    if (crc32Of(std::span<const std::uint8_t>(bytes.data(), crcAt)) != getU32(bytes.data() + crcAt))
        return bad("its checksum does not match (a partial or altered file)");
    auto parsed = parseJsonLimited(std::string_view(reinterpret_cast<const char*>(bytes.data()) + kPrefix, headerBytes),
                                   "The checkpoint " + path, "Resume from an earlier checkpoint of the run.");
    if (!parsed) return bad("its header is not valid JSON");
    const json& h = *parsed;
    if (!h.is_object() || !h.contains("tensors") || !h["tensors"].is_array()) return bad("its header is not valid");
    TrainingCheckpoint c;
    try {
        c.epoch = h.at("epoch").get<int>();
        c.step = h.at("step").get<std::int64_t>();
        c.config = h.at("config");
        c.optimizer.steps = h.at("optimizerSteps").get<std::int64_t>();
        c.bestEpoch = h.at("bestEpoch").get<int>();
        c.bestValue =
            h.at("bestValue").is_number() ? h["bestValue"].get<double>() : std::numeric_limits<double>::quiet_NaN();
        c.sinceImprovement = h.at("sinceImprovement").get<int>();
        c.bestMetrics = metricsFrom(h.at("bestMetrics"));
        c.trainSeconds = h.at("trainSeconds").get<double>();
        std::size_t offset = kPrefix + headerBytes;
        for (const json& t : h["tensors"]) {
            const Shape shape = t.at("shape").get<Shape>();
            std::uint64_t count = 1;
            for (int d : shape) {
                if (d < 0) return bad("a tensor has a negative dimension");
                count *= static_cast<std::uint64_t>(d);
                if (count > (crcAt - offset) / 4) return bad("a tensor is larger than the file");
            }
            if (shape.empty()) count = 0;
            Tensor tensor = shape.empty() ? Tensor() : Tensor(shape);
            if (count > 0) std::memcpy(tensor.data(), bytes.data() + offset, count * 4);
            offset += count * 4;
            const std::string group = t.at("group").get<std::string>();
            if (group == "weights")
                c.weights.push_back(std::move(tensor));
            else if (group == "optimizer")
                c.optimizer.buffers.push_back(std::move(tensor));
            else if (group == "best")
                c.bestWeights.push_back(std::move(tensor));
            else
                return bad("a tensor belongs to an unknown group '" + group + "'");
        }
        if (offset != crcAt) return bad("its data is longer than its header says");
    } catch (const std::exception& e) {
        return bad(std::string("its header is not valid (") + e.what() + ")");
    }
    if (c.epoch < 1 || c.step < 0) return bad("its epoch or step is out of range");
    return c;
}

}  // namespace studio
