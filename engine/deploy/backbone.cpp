#include "engine/deploy/backbone.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <new>
#include <unordered_set>

#include <onnx/onnx_pb.h>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/dnn.hpp>

#include "engine/core/sha256.h"
#include "engine/deploy/onnx_input_check.h"

namespace studio {

namespace {

using nlohmann::json;

constexpr char kOpenCvHint[] =
    "Use an ONNX file that OpenCV 4.6 DNN runs (opset 7–13; Conv, Pool, Gemm, Relu, BatchNormalization, "
    "Add, Concat, Flatten, Reshape, …), e.g. one exported by Training Studio or a MobileNet/ResNet from the "
    "ONNX model zoo.";

// OpenCV's messages span lines ("OpenCV(4.6.0) /path/file.cpp:123: error: (-2:Unspecified error) …"):
// keep the part after "error: " on one line.
std::string openCvReason(const cv::Exception& e) {
    std::string text = e.what();
    if (const auto at = text.find("error: "); at != std::string::npos) text = text.substr(at + 7);
    std::replace(text.begin(), text.end(), '\n', ' ');
    while (!text.empty() && text.back() == ' ') text.pop_back();
    if (text.size() > 300) text = text.substr(0, 300) + "…";
    return text;
}

Error cannotLoad(const std::string& label, const std::string& reason) {
    return Error::corrupt("OpenCV DNN cannot load the backbone '" + label + "': " + reason + ".", kOpenCvHint);
}

// OpenCV logs every ONNX node it imports at INFO and warns about what it ignores; the studio
// reports problems as Errors, so keep its log to errors.
void quietOpenCv() {
    static std::once_flag once;
    std::call_once(once, [] { cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR); });
}

Result<cv::dnn::Net> readNet(const std::vector<std::uint8_t>& onnx, const std::string& label) {
    quietOpenCv();
    if (onnx.empty()) return cannotLoad(label, "the file is empty");
    // OpenCV's importer trusts the file (it copied a tensor's stated size past the end of its
    // bytes): ONNX's checker and our tensor budgets see it first.
    STUDIO_TRY(checkOnnxBeforeOpenCv(onnx, label));
    try {
        cv::dnn::Net net = cv::dnn::readNetFromONNX(reinterpret_cast<const char*>(onnx.data()), onnx.size());
        if (net.empty()) return cannotLoad(label, "it holds no layers");
        net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
        return net;
    } catch (const cv::Exception& e) {
        return cannotLoad(label, openCvReason(e));
    } catch (const std::bad_alloc&) {
        return cannotLoad(label, "it needs more memory than this computer has");
    } catch (const std::exception& e) {
        return cannotLoad(label, e.what());
    }
}

std::string shapeText(const Shape& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? "×" : "") + std::to_string(s[i]);
    return out;
}

// x:(N, C, H, W) → the feature layer's output, as a cv::Mat (N, …). x is wrapped, not copied.
cv::Mat runNet(cv::dnn::Net& net, const Tensor& x, const std::string& layer) {
    const int sizes[4] = {x.dim(0), x.dim(1), x.dim(2), x.dim(3)};
    const cv::Mat blob(4, sizes, CV_32F, const_cast<float*>(x.data()));
    net.setInput(blob);
    return net.forward(layer);
}

// The OpenCV layer a user's name means: OpenCV's own name ("onnx_node!Relu_7"), the ONNX node's
// name ("Relu_7") or the name of the tensor a node writes ("relu7_out"). "" when none.
std::string resolveLayer(const std::vector<BackboneLayer>& layers, const std::vector<std::uint8_t>& onnx,
                         const std::string& wanted) {
    auto has = [&](const std::string& name) {
        return std::any_of(layers.begin(), layers.end(), [&](const auto& l) { return l.name == name; });
    };
    if (has(wanted)) return wanted;
    if (has("onnx_node!" + wanted)) return "onnx_node!" + wanted;
    onnx::ModelProto model;
    if (!model.ParseFromArray(onnx.data(), static_cast<int>(onnx.size()))) return {};
    for (const auto& node : model.graph().node())
        for (int o = 0; o < node.output_size(); ++o)
            if (node.output(o) == wanted) {
                if (!node.name().empty() && has("onnx_node!" + node.name())) return "onnx_node!" + node.name();
                const std::string byOutput = "onnx_node_output_" + std::to_string(o) + "!" + wanted;
                if (has(byOutput)) return byOutput;
            }
    return {};
}

// Values one image's layer outputs may take in all, before any runs: OpenCV allocates them when
// the net runs, and a few changed bytes (a pad, a kernel size) can ask for terabytes.
constexpr std::int64_t kMaxActivationValues = std::int64_t(1) << 27;  // 512 MiB of float32

// The values a shape holds; -1 when a dimension is negative or the count passes `cap`.
std::int64_t valuesIn(const cv::dnn::MatShape& shape, std::size_t from, std::int64_t cap) {
    std::int64_t values = 1;
    for (std::size_t d = from; d < shape.size(); ++d) {
        if (shape[d] < 0) return -1;
        if (shape[d] > 0 && values > cap / shape[d]) return -1;
        values *= shape[d];
    }
    return values;
}

// Every layer of a loaded net with its output shape for one image of `inputShape`; refused when
// the outputs of one image would pass kMaxActivationValues.
Result<std::vector<BackboneLayer>> layersOf(cv::dnn::Net& net, const std::string& label, const Shape& inputShape) {
    std::vector<BackboneLayer> layers;
    auto tooLarge = [&](const std::string& layer) {
        return Error::invalid("The backbone '" + label + "' would need more than " +
                                  std::to_string((kMaxActivationValues * 4) >> 20) + " MiB for the outputs of its layers "
                                  "up to '" + layer + "' on one " + shapeText(inputShape) + " image.",
                              "Choose a smaller network or smaller images. " + std::string(kOpenCvHint));
    };
    try {
        const cv::dnn::MatShape in = {1, inputShape[0], inputShape[1], inputShape[2]};
        std::int64_t activations = 0;
        for (const std::string& name : net.getLayerNames()) {
            const int id = net.getLayerId(name);
            BackboneLayer layer;
            layer.name = name;
            layer.type = net.getLayer(id)->type;
            std::vector<cv::dnn::MatShape> inShapes, outShapes;
            net.getLayerShapes(in, id, inShapes, outShapes);
            for (const auto& shape : outShapes) {
                const std::int64_t values = valuesIn(shape, 0, kMaxActivationValues);
                if (values < 0 || activations + values > kMaxActivationValues) return tooLarge(name);
                activations += values;
            }
            if (!outShapes.empty()) {
                for (std::size_t d = 1; d < outShapes[0].size(); ++d) layer.outputShape.push_back(outShapes[0][d]);
                layer.features = static_cast<int>(valuesIn(outShapes[0], 1, kMaxActivationValues));
            }
            layers.push_back(std::move(layer));
        }
    } catch (const cv::Exception& e) {
        return Error::invalid("OpenCV DNN cannot run the backbone '" + label + "' on " + shapeText(inputShape) +
                                  " inputs: " + openCvReason(e) + ".",
                              "Check that the data's image size and channels are the ones the network takes.");
    } catch (const std::exception& e) {  // std::bad_alloc, std::length_error from OpenCV's vectors
        return Error::invalid("OpenCV DNN cannot run the backbone '" + label + "' on " + shapeText(inputShape) +
                                  " inputs: " + e.what() + ".",
                              "Check that the data's image size and channels are the ones the network takes.");
    }
    return layers;
}

}  // namespace

struct Backbone::NetPool {
    std::mutex mutex;
    std::vector<std::unique_ptr<cv::dnn::Net>> idle;
};

Backbone::Backbone() : m_nets(std::make_unique<NetPool>()) {}
Backbone::~Backbone() = default;

Result<Shape> Backbone::declaredInputShape(const std::vector<std::uint8_t>& onnx, const std::string& label) {
    onnx::ModelProto model;
    if (onnx.empty() || onnx.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        !model.ParseFromArray(onnx.data(), static_cast<int>(onnx.size())))
        return cannotLoad(label, "it is not an ONNX model (the protobuf does not parse)");
    const onnx::GraphProto& graph = model.graph();
    // Protobuf parses many byte strings as something: an ONNX model has an opset and nodes.
    if (model.opset_import_size() == 0 || graph.node_size() == 0)
        return cannotLoad(label, "it is not an ONNX model (it has no opset or no graph nodes)");
    std::unordered_set<std::string> constants;
    for (const auto& init : graph.initializer()) constants.insert(init.name());
    const onnx::ValueInfoProto* input = nullptr;
    int inputs = 0;
    for (const auto& in : graph.input())
        if (!constants.count(in.name())) {
            ++inputs;
            if (!input) input = &in;
        }
    if (inputs != 1)
        return Error::invalid("The backbone '" + label + "' has " + std::to_string(inputs) +
                                  " inputs; a backbone takes one batch of images.",
                              "Choose an image classification network with one N×C×H×W input.");
    const auto& type = input->type();
    if (!type.has_tensor_type() || !type.tensor_type().has_shape() || type.tensor_type().shape().dim_size() != 4)
        return Error::invalid("The backbone '" + label + "' input '" + input->name() +
                                  "' is not a 4-dimensional N×C×H×W image tensor.",
                              "Choose an image classification network with one N×C×H×W input.");
    if (type.tensor_type().elem_type() != onnx::TensorProto::FLOAT)
        return Error::invalid("The backbone '" + label + "' input '" + input->name() + "' is not float32.",
                              "Choose a float32 network (not a quantized one) as the backbone.");
    Shape chw;
    for (int d = 1; d < 4; ++d) {
        const auto& dim = type.tensor_type().shape().dim(d);
        chw.push_back(dim.has_dim_value() && dim.dim_value() > 0 && dim.dim_value() < (1 << 20)
                          ? static_cast<int>(dim.dim_value())
                          : 0);
    }
    return chw;
}

Result<std::vector<BackboneLayer>> Backbone::listLayers(const std::vector<std::uint8_t>& onnx, const std::string& label,
                                                       const Shape& inputShape) {
    auto net = readNet(onnx, label);
    if (!net) return net.error();
    return layersOf(*net, label, inputShape);
}

std::string Backbone::suggestedFeatureLayer(const std::vector<BackboneLayer>& layers) {
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
        if (it->type == "Pooling") return it->name;
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)
        if (it->type == "InnerProduct" && it + 1 != layers.rend()) return (it + 1)->name;
    return layers.empty() ? std::string() : layers.back().name;
}

Result<BackbonePtr> Backbone::fromFile(const std::string& path, const Shape& inputShape,
                                       const std::string& featureLayer) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return Error::notFound("Backbone file '" + path + "' does not exist.",
                               "Give the path of an .onnx file, e.g. one written by training-studio-cli export.");
    const std::uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) return Error::io("Cannot read backbone file '" + path + "': " + ec.message() + ".", "Check its permissions.");
    if (size > kMaxBackboneBytes)
        return Error::unsupported("Backbone file '" + path + "' is " + std::to_string(size >> 20) +
                                      " MiB, more than the 1 GiB a backbone may have.",
                                  "Choose a smaller network (MobileNet, ResNet-18/50).");
    std::vector<std::uint8_t> bytes;
    try {
        bytes.resize(static_cast<std::size_t>(size));
    } catch (const std::bad_alloc&) {
        return Error::io("Not enough memory to read backbone file '" + path + "'.", "Close other programs and retry.");
    }
    std::ifstream in(path, std::ios::binary);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (!in || static_cast<std::uint64_t>(in.gcount()) != size)
        return Error::io("Cannot read all of backbone file '" + path + "'.", "Check the file and retry.");
    return fromBytes(std::move(bytes), path, inputShape, featureLayer);
}

Result<BackbonePtr> Backbone::fromBytes(std::vector<std::uint8_t> onnx, const std::string& label,
                                        const Shape& inputShape, const std::string& featureLayer) {
    if (inputShape.size() != 3)
        return Error::invalid("A backbone needs image data, but the data has samples of shape " +
                                  shapeText(inputShape) + " (feature vectors).",
                              "Choose an image dataset (a folder of images, Fashion-MNIST, shapes).");
    auto declared = declaredInputShape(onnx, label);
    if (!declared) return declared.error();
    for (int d = 0; d < 3; ++d)
        if ((*declared)[d] != 0 && (*declared)[d] != inputShape[d]) {
            const Shape& want = *declared;
            return Error::invalid(
                "The backbone '" + label + "' takes " + shapeText(want) + " images (channels×height×width) but the "
                    "data's images are " + shapeText(inputShape) + ".",
                "Load the data at the backbone's size: --image-size " + std::to_string(want[1]) + " --channels " +
                    std::to_string(want[0]) + " for an image folder (the studio: Data ▸ image size and colour).");
        }
    // One import serves the layer list and the probe below (a large network takes seconds).
    auto net = readNet(onnx, label);
    if (!net) return net.error();
    auto layers = layersOf(*net, label, inputShape);
    if (!layers) return layers.error();
    const std::string chosen =
        featureLayer.empty() ? suggestedFeatureLayer(*layers) : resolveLayer(*layers, onnx, featureLayer);
    if (chosen.empty()) {
        std::string names;
        const std::size_t from = layers->size() > 8 ? layers->size() - 8 : 0;
        for (std::size_t i = from; i < layers->size(); ++i) names += (names.empty() ? "" : ", ") + (*layers)[i].name;
        return Error::notFound("The backbone '" + label + "' has no layer '" + featureLayer + "'.",
                               "Choose one of its layers with --feature-layer (list them with training-studio-cli "
                               "backbone-layers); the last ones are: " + names + ".");
    }

    auto b = std::shared_ptr<Backbone>(new Backbone());
    b->m_label = label;
    b->m_featureLayer = chosen;
    b->m_inputShape = inputShape;
    b->m_sha256 = Sha256::hex(onnx.data(), onnx.size());
    b->m_bytes = std::make_shared<const std::vector<std::uint8_t>>(std::move(onnx));

    // The output that a real batch of 2 gives, not only the declared shape: it catches layers
    // that fold the batch away (a Reshape to a fixed size) and kernels OpenCV cannot run.
    Tensor probe(Shape{2, inputShape[0], inputShape[1], inputShape[2]}, 0.5f);
    cv::Mat out;
    try {
        out = runNet(*net, probe, chosen);
    } catch (const cv::Exception& e) {
        return Error::invalid("OpenCV DNN cannot run the backbone '" + label + "' up to layer '" + chosen +
                                  "': " + openCvReason(e) + ".",
                              std::string("Choose another feature layer, or another network. ") + kOpenCvHint);
    } catch (const std::exception& e) {
        return Error::invalid("OpenCV DNN cannot run the backbone '" + label + "' up to layer '" + chosen +
                                  "': " + e.what() + ".",
                              std::string("Choose another feature layer, or another network. ") + kOpenCvHint);
    }
    const std::int64_t total = static_cast<std::int64_t>(out.total());
    if (out.dims < 2 || out.size[0] != 2 || total % 2 != 0 || total == 0)
        return Error::invalid("The backbone '" + label + "' layer '" + chosen +
                                  "' does not give one output per image (for a batch of 2 it gives " +
                                  std::to_string(out.dims >= 1 ? out.size[0] : 0) + " rows of " +
                                  std::to_string(total) + " values).",
                              "Choose a feature layer before any reshape that merges the images, e.g. the last "
                              "pooling output.");
    if (total / 2 > kMaxBackboneFeatures)
        return Error::invalid("The backbone '" + label + "' layer '" + chosen + "' gives " +
                                  std::to_string(total / 2) + " values per image, more than the " +
                                  std::to_string(kMaxBackboneFeatures) + " a feature vector may have.",
                              "Choose a later layer, e.g. the last pooling output (global average pooling).");
    if (out.type() != CV_32F)
        return Error::invalid("The backbone '" + label + "' layer '" + chosen + "' does not give float32 values.",
                              "Choose a float32 layer as the features.");
    b->m_featureSize = static_cast<int>(total / 2);
    b->m_featureNormalization = Preprocessing::identity(Shape{b->m_featureSize}, false);
    b->m_nets->idle.push_back(std::make_unique<cv::dnn::Net>(std::move(*net)));
    return BackbonePtr(std::move(b));
}

BackbonePtr Backbone::withFeatureNormalization(const Preprocessing& normalization) const {
    STUDIO_ASSERT(normalization.inputShape == Shape{m_featureSize} && !normalization.isImage,
                  "Backbone::withFeatureNormalization: not a normalization of this backbone's features");
    auto b = std::shared_ptr<Backbone>(new Backbone());
    b->m_bytes = m_bytes;
    b->m_sha256 = m_sha256;
    b->m_label = m_label;
    b->m_featureLayer = m_featureLayer;
    b->m_inputShape = m_inputShape;
    b->m_featureSize = m_featureSize;
    b->m_featureNormalization = normalization;
    return b;
}

Status Backbone::features(const Tensor& x, Tensor& features) const {
    STUDIO_ASSERT(x.rank() == 4 && x.dim(1) == m_inputShape[0] && x.dim(2) == m_inputShape[1] &&
                      x.dim(3) == m_inputShape[2],
                  "Backbone::features: x is not (N, C, H, W) of the backbone's input");
    const int n = x.dim(0);
    features.resize(Shape{n, m_featureSize});
    if (n == 0) return Status::success();

    std::unique_ptr<cv::dnn::Net> net;
    {
        std::lock_guard lock(m_nets->mutex);
        if (!m_nets->idle.empty()) {
            net = std::move(m_nets->idle.back());
            m_nets->idle.pop_back();
        }
    }
    if (!net) {
        auto fresh = readNet(*m_bytes, m_label);  // it loaded once, so it loads again
        if (!fresh) return fresh.error();
        net = std::make_unique<cv::dnn::Net>(std::move(*fresh));
    }
    Status status;
    try {
        const cv::Mat out = runNet(*net, x, m_featureLayer);
        if (static_cast<std::int64_t>(out.total()) != static_cast<std::int64_t>(n) * m_featureSize ||
            out.type() != CV_32F || !out.isContinuous())
            status = Error::invalid("The backbone '" + m_label + "' layer '" + m_featureLayer + "' gave " +
                                        std::to_string(out.total()) + " values for " + std::to_string(n) +
                                        " images, not " + std::to_string(m_featureSize) + " per image.",
                                    "Choose another feature layer (the last pooling output).");
        else
            std::memcpy(features.data(), out.ptr<float>(), features.size() * sizeof(float));
    } catch (const cv::Exception& e) {
        status = Error::invalid("OpenCV DNN failed running the backbone '" + m_label + "': " + openCvReason(e) + ".",
                                "Check the image size and channels the network takes.");
    } catch (const std::exception& e) {
        status = Error::invalid("OpenCV DNN failed running the backbone '" + m_label + "': " + e.what() + ".",
                                "Check the image size and channels the network takes.");
    }
    std::lock_guard lock(m_nets->mutex);
    m_nets->idle.push_back(std::move(net));
    return status;
}

Status Backbone::headInput(const Tensor& x, Tensor& out) const {
    STUDIO_TRY(features(x, out));
    for (int i = 0; i < out.dim(0); ++i) m_featureNormalization.normalize(out.sample(i));
    return Status::success();
}

json Backbone::headerJson() const {
    return {{"featureLayer", m_featureLayer},
            {"inputShape", m_inputShape},
            {"featureSize", m_featureSize},
            {"featureNormalization", m_featureNormalization.toJson()},
            {"bytes", m_bytes->size()},
            {"sha256", m_sha256}};
}

Result<BackbonePtr> Backbone::fromHeader(const json& h, std::vector<std::uint8_t> onnx, const std::string& label) {
    static const std::vector<std::string> keys = {"bytes",       "featureLayer", "featureNormalization",
                                                  "featureSize", "inputShape",   "sha256"};
    auto bad = [&](const std::string& what) {
        return Error::corrupt("Model file '" + label + "' has an invalid backbone: " + what + ".",
                              "The file is damaged; use another copy or save the model again.");
    };
    if (!h.is_object() || h.size() != keys.size()) return bad("it must be an object of " + std::to_string(keys.size()) + " fields");
    for (const auto& key : keys)
        if (!h.contains(key)) return bad("the field '" + key + "' is missing");
    if (!h["featureLayer"].is_string() || !h["sha256"].is_string() || !h["bytes"].is_number_unsigned() ||
        !h["featureSize"].is_number_integer() || !h["inputShape"].is_array() || h["inputShape"].size() != 3)
        return bad("a field has the wrong type");
    if (h["bytes"].get<std::uint64_t>() != onnx.size()) return bad("its byte count differs from the bytes stored");
    if (Sha256::hex(onnx.data(), onnx.size()) != h["sha256"].get<std::string>())
        return bad("its ONNX bytes do not match their SHA-256");
    Shape input;
    for (const auto& d : h["inputShape"]) {
        if (!d.is_number_integer() || d.get<std::int64_t>() < 1 || d.get<std::int64_t>() > 65536)
            return bad("'inputShape' must be three sizes ≥ 1");
        input.push_back(d.get<int>());
    }
    auto normalization = Preprocessing::fromJson(h["featureNormalization"]);
    if (!normalization) return bad(normalization.error().message());
    auto loaded = fromBytes(std::move(onnx), label, input, h["featureLayer"].get<std::string>());
    if (!loaded) return loaded.error();
    const int size = (*loaded)->featureSize();
    if (h["featureSize"] != size || normalization->inputShape != Shape{size} || normalization->isImage)
        return bad("it says " + h["featureSize"].dump() + " features but OpenCV DNN gives " + std::to_string(size));
    return (*loaded)->withFeatureNormalization(*normalization);
}

}  // namespace studio
