#include "engine/nn/model_spec.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "engine/io/json_limits.h"
#include "engine/nn/layer_registry.h"

namespace studio {

using nlohmann::json;

namespace {
constexpr std::uintmax_t kMaxSpecFileBytes = 16u << 20;
}  // namespace

json ModelSpec::toJson() const {
    json layersJson = json::array();
    for (const auto& l : layers) {
        json o = l.options.is_object() ? l.options : json::object();
        json entry = {{"type", l.type}};
        for (auto& [k, v] : o.items()) entry[k] = v;
        layersJson.push_back(entry);
    }
    // Unknown until a dataset is chosen: left out, as fromJson reads a spec without them. (A
    // project saved with no data loaded wrote "input": [] and "classes": 0, and did not open.)
    json j = json::object();
    if (!input.empty()) j["input"] = input;
    if (classes > 0) j["classes"] = classes;
    j["layers"] = layersJson;
    if (!name.empty()) j["name"] = name;
    return j;
}

Result<ModelSpec> ModelSpec::fromJson(const json& j, const std::string& source) {
    const std::string fix =
        "A spec looks like {\"input\": [1, 28, 28], \"classes\": 10, \"layers\": "
        "[{\"type\": \"dense\", \"units\": \"classes\"}]}.";
    if (!j.is_object()) return Error::invalid(source + ": the model spec must be a JSON object.", fix);
    ModelSpec spec;
    if (j.contains("name") && j["name"].is_string()) spec.name = j["name"].get<std::string>();
    // [] and 0 stand for "not known yet", as projects saved before that was fixed wrote them.
    if (j.contains("input") && !(j["input"].is_array() && j["input"].empty())) {
        const auto& in = j["input"];
        if (!in.is_array() || in.empty() || in.size() > 3)
            return Error::invalid(source + ": 'input' must be a list of 1 to 3 sizes, e.g. [1, 28, 28].", fix);
        for (const auto& d : in) {
            if (!d.is_number_integer() || d.get<long long>() < 1 || d.get<long long>() > 65536)
                return Error::invalid(source + ": 'input' sizes must be whole numbers from 1 to 65536.", fix);
            spec.input.push_back(d.get<int>());
        }
        if (shapeSize(spec.input) > kMaxValuesPerSample)
            return Error::invalid(source + ": 'input' " + shapeToString(spec.input) + " is " +
                                      std::to_string(shapeSize(spec.input)) + " values per sample; the limit is " +
                                      std::to_string(kMaxValuesPerSample) + " (16 M, e.g. 3×2048×2048).",
                                  "Use a smaller input, e.g. [3, 224, 224]; images are resized to it.");
    }
    if (j.contains("classes") && j["classes"] != 0) {
        if (!j["classes"].is_number_integer() || j["classes"].get<long long>() < 1 ||
            j["classes"].get<long long>() > 100000)
            return Error::invalid(source + ": 'classes' must be a whole number from 1 to 100000.", fix);
        spec.classes = j["classes"].get<int>();
    }
    if (!j.contains("layers") || !j["layers"].is_array())
        return Error::invalid(source + ": 'layers' must be a list of layers.", fix);
    if (j["layers"].size() > 1000) return Error::invalid(source + ": more than 1000 layers.", "Use fewer layers.");
    int index = 0;
    for (const auto& l : j["layers"]) {
        ++index;
        if (!l.is_object() || !l.contains("type") || !l["type"].is_string())
            return Error::invalid(source + ": layer " + std::to_string(index) + " has no \"type\".", fix);
        LayerSpec ls;
        ls.type = l["type"].get<std::string>();
        ls.options = json::object();
        for (auto& [k, v] : l.items())
            if (k != "type") ls.options[k] = v;
        spec.layers.push_back(std::move(ls));
    }
    return spec;
}

Result<ModelSpec> ModelSpec::fromFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Error::notFound("Cannot open model spec '" + path + "'.",
                               "Check the path, or use a preset: " + std::string("mlp, lenet, cnn, cnn-bn."));
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > kMaxSpecFileBytes)
        return Error::invalid(
            "Model spec '" + path + "' is " + std::to_string(size >> 20) + " MiB; a spec is a few kilobytes of JSON.",
            "Is this the right file?");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto j = parseJsonLimited(text, "Model spec '" + path + "'", "Fix the JSON syntax.");
    if (!j) return j.error();
    auto spec = fromJson(*j, path);
    if (spec.ok() && spec->name.empty()) spec->name = std::filesystem::path(path).stem().string();
    return spec;
}

json ModelSpec::resolvedOptions(std::size_t layer) const {
    json o = layers.at(layer).options.is_object() ? layers.at(layer).options : json::object();
    for (auto& [k, v] : o.items())
        if (v.is_string() && v.get<std::string>() == "classes") v = classes;
    return o;
}

std::string SpecReport::problemText() const {
    std::string s;
    for (const auto& p : problems) s += (s.empty() ? "" : "\n") + p;
    return s;
}

// A cap on the whole model: layers allocate their weights when created, so without it a spec
// (from a hostile model file, say) could ask for many gigabytes across many layers.
constexpr std::int64_t kMaxModelParams = 200'000'000;

SpecReport analyzeSpec(const ModelSpec& spec) {
    SpecReport report;
    if (spec.input.empty()) report.problems.push_back("the input shape is unknown (no dataset chosen)");
    if (spec.layers.empty()) report.problems.push_back("the model has no layers");
    if (shapeSize(spec.input) > kMaxValuesPerSample)
        report.problems.push_back("the input " + shapeToString(spec.input) + " has more than " +
                                  std::to_string(kMaxValuesPerSample) +
                                  " values (16 M) per sample; use a smaller input");
    Shape shape = spec.input;
    bool shapeKnown = !spec.input.empty() && shapeSize(spec.input) <= kMaxValuesPerSample;
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        LayerReport lr;
        lr.index = static_cast<int>(i) + 1;
        lr.kind = spec.layers[i].type;
        if (report.totalParams > kMaxModelParams) shapeKnown = false;  // already refused: see below
        if (!shapeKnown) {
            lr.problem = "";
            report.layers.push_back(lr);
            continue;
        }
        auto layer = createLayer(spec.layers[i].type, spec.resolvedOptions(i), shape, ParamStorage::ShapesOnly);
        if (!layer.ok()) {
            lr.problem = layer.error().message();
            report.problems.push_back("layer " + std::to_string(lr.index) + " " + lr.kind + ": " + lr.problem);
            // Carry on as if the layer were the identity, so later layers still get checked.
        } else {
            lr.output = (*layer)->outputShape();
            if (shapeSize(lr.output) > kMaxValuesPerSample) {
                lr.problem = "its output " + shapeToString(lr.output) + " has more than " +
                             std::to_string(kMaxValuesPerSample) +
                             " values (16 M) per sample; use fewer filters or pool first";
                report.problems.push_back("layer " + std::to_string(lr.index) + " " + lr.kind + ": " + lr.problem);
            }
            lr.params = (*layer)->paramCount();
            lr.storedValues = (*layer)->storedValueCount();
            report.totalStoredValues += lr.storedValues;
            lr.flops = (*layer)->flops();
            report.totalParams += lr.params;
            report.totalFlops += lr.flops;
            shape = lr.output;
        }
        report.layers.push_back(lr);
    }
    if (report.totalParams > kMaxModelParams)
        report.problems.push_back("the model has more than " + std::to_string(kMaxModelParams / 1000000) +
                                  " million parameters, too many to train on a CPU; use fewer or smaller layers");
    if (shapeKnown && report.problems.empty() && spec.classes > 0) {
        const auto outputs = static_cast<int>(shapeSize(shape));
        if (outputs != spec.classes)
            report.problems.push_back("the last layer gives " + std::to_string(outputs) +
                                      " outputs but the dataset has " + std::to_string(spec.classes) +
                                      " classes; end with a dense layer of \"units\": \"classes\"");
    }
    return report;
}

std::vector<std::string> presetNames() {
    return {"mlp", "lenet", "cnn", "cnn-bn"};
}

namespace {
LayerSpec L(std::string type, json options = json::object()) {
    return {std::move(type), std::move(options)};
}
}  // namespace

Result<ModelSpec> presetSpec(const std::string& name, const Shape& input, int classes) {
    ModelSpec s;
    s.name = name;
    s.input = input;
    s.classes = classes;
    const bool image = input.size() == 3;
    const json units = "classes";
    if (name == "mlp") {
        s.layers = {L("flatten"), L("dense", {{"units", 256}}),  L("relu"), L("dense", {{"units", 128}}),
                    L("relu"),    L("dense", {{"units", units}})};
    } else if (name == "lenet") {
        s.layers = {L("conv2d", {{"filters", 6}, {"kernel", 5}, {"padding", 2}}),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("conv2d", {{"filters", 16}, {"kernel", 5}}),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("flatten"),
                    L("dense", {{"units", 120}}),
                    L("relu"),
                    L("dense", {{"units", 84}}),
                    L("relu"),
                    L("dense", {{"units", units}})};
    } else if (name == "cnn") {
        s.layers = {L("conv2d", {{"filters", 32}, {"kernel", 3}, {"padding", 1}}),
                    L("relu"),
                    L("conv2d", {{"filters", 32}, {"kernel", 3}, {"padding", 1}}),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("conv2d", {{"filters", 64}, {"kernel", 3}, {"padding", 1}}),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("flatten"),
                    L("dense", {{"units", 128}}),
                    L("relu"),
                    L("dense", {{"units", units}})};
    } else if (name == "cnn-bn") {
        // Accuracy per CPU-minute: BN lets a high learning rate work; pooling early keeps the
        // expensive convolutions small; dropout before the head curbs over-fitting.
        s.layers = {L("conv2d", {{"filters", 32}, {"kernel", 3}, {"padding", 1}}),
                    L("batchnorm"),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("conv2d", {{"filters", 64}, {"kernel", 3}, {"padding", 1}}),
                    L("batchnorm"),
                    L("relu"),
                    L("maxpool2d", {{"size", 2}}),
                    L("flatten"),
                    L("dropout", {{"rate", 0.3}}),
                    L("dense", {{"units", 128}}),
                    L("batchnorm"),
                    L("relu"),
                    L("dropout", {{"rate", 0.3}}),
                    L("dense", {{"units", units}})};
    } else {
        return Error::invalid("Unknown model preset '" + name + "'.",
                              "Use one of mlp, lenet, cnn, cnn-bn, or a spec .json file.");
    }
    if (!image && name != "mlp")
        return Error::invalid("The preset '" + name + "' needs images, but the data are vectors of " +
                                  shapeToString(input) + " features.",
                              "Use the 'mlp' preset for 2-D and feature data.");
    return s;
}

Result<ModelSpec> resolveModelSpec(const std::string& presetOrPath, const Shape& input, int classes) {
    for (const auto& name : presetNames())
        if (name == presetOrPath) return presetSpec(name, input, classes);
    std::error_code ec;
    if (!std::filesystem::exists(presetOrPath, ec)) {
        std::string presets;
        for (const auto& name : presetNames()) presets += (presets.empty() ? "" : ", ") + name;
        return Error::notFound("Model '" + presetOrPath + "' is neither a preset nor an existing spec file.",
                               "Use one of " + presets + ", or the path of a JSON model spec.");
    }
    auto spec = ModelSpec::fromFile(presetOrPath);
    if (!spec) return spec;
    if (spec->input.empty()) spec->input = input;
    if (spec->classes == 0) spec->classes = classes;
    return spec;
}

}  // namespace studio
