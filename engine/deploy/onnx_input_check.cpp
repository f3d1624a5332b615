#include "engine/deploy/onnx_input_check.h"

#include <limits>

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

namespace studio {

namespace {

constexpr char kHint[] =
    "Use an ONNX file that OpenCV 4.6 DNN runs (opset 7–13; Conv, Pool, Gemm, Relu, BatchNormalization, "
    "Add, Concat, Flatten, Reshape, …), e.g. one exported by Training Studio or a MobileNet/ResNet from the "
    "ONNX model zoo.";

// Values in one tensor: 2^31 float32 values are 8 GiB, beyond any backbone file (≤ 1 GiB).
constexpr std::uint64_t kMaxTensorValues = std::uint64_t(1) << 31;

Error cannotLoad(const std::string& label, const std::string& reason) {
    return Error::corrupt("OpenCV DNN cannot load the backbone '" + label + "': " + reason + ".", kHint);
}

// Bytes per value of an ONNX data type stored as raw_data; 0 for none (STRING, UNDEFINED, unknown).
std::uint64_t rawBytesPerValue(int type) {
    using T = onnx::TensorProto;
    switch (type) {
        case T::UINT8: case T::INT8: case T::BOOL: return 1;
        case T::UINT16: case T::INT16: case T::FLOAT16: case T::BFLOAT16: return 2;
        case T::FLOAT: case T::INT32: case T::UINT32: return 4;
        case T::INT64: case T::UINT64: case T::DOUBLE: case T::COMPLEX64: return 8;
        case T::COMPLEX128: return 16;
        default: return 0;
    }
}

// How many entries the typed field of `type` must hold for `values` values; -1: no such field.
std::int64_t typedFieldSize(const onnx::TensorProto& t) {
    using T = onnx::TensorProto;
    switch (t.data_type()) {
        case T::FLOAT: return t.float_data_size();
        case T::COMPLEX64: return t.float_data_size() % 2 ? -1 : t.float_data_size() / 2;
        case T::UINT8: case T::INT8: case T::UINT16: case T::INT16: case T::INT32: case T::BOOL:
        case T::FLOAT16: case T::BFLOAT16: return t.int32_data_size();
        case T::INT64: return t.int64_data_size();
        case T::STRING: return t.string_data_size();
        case T::DOUBLE: return t.double_data_size();
        case T::COMPLEX128: return t.double_data_size() % 2 ? -1 : t.double_data_size() / 2;
        case T::UINT32: case T::UINT64: return t.uint64_data_size();
        default: return -1;
    }
}

// The tensor holds exactly the values its dims state, in this file.
Status checkTensor(const onnx::TensorProto& t, const std::string& label) {
    const std::string name = "'" + t.name() + "'";
    if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
        return cannotLoad(label, "its tensor " + name +
                                     " keeps its values in another file (external data); a backbone must be one "
                                     "self-contained .onnx file");
    std::uint64_t values = 1;
    for (const std::int64_t d : t.dims()) {
        if (d < 0) return cannotLoad(label, "its tensor " + name + " has a negative dimension");
        if (d > 0 && values > kMaxTensorValues / static_cast<std::uint64_t>(d))
            return cannotLoad(label, "its tensor " + name + " declares more than 2^31 values");
        values *= static_cast<std::uint64_t>(d);
    }
    if (!t.raw_data().empty()) {
        const std::uint64_t each = rawBytesPerValue(t.data_type());
        if (each == 0)
            return cannotLoad(label, "its tensor " + name + " has raw data of type " + std::to_string(t.data_type()) +
                                         ", which cannot be stored raw");
        if (t.raw_data().size() != values * each)
            return cannotLoad(label, "its tensor " + name + " declares " + std::to_string(values) + " values (" +
                                         std::to_string(values * each) + " bytes) but holds " +
                                         std::to_string(t.raw_data().size()) + " bytes");
        return Status::success();
    }
    const std::int64_t held = typedFieldSize(t);
    if (held < 0) return cannotLoad(label, "its tensor " + name + " has the unknown type " + std::to_string(t.data_type()));
    if (static_cast<std::uint64_t>(held) != values)
        return cannotLoad(label, "its tensor " + name + " declares " + std::to_string(values) + " values but holds " +
                                     std::to_string(held));
    return Status::success();
}

Status checkGraph(const onnx::GraphProto& graph, const std::string& label);

Status checkNodes(const google::protobuf::RepeatedPtrField<onnx::NodeProto>& nodes, const std::string& label) {
    for (const auto& node : nodes)
        for (const auto& attribute : node.attribute()) {
            if (attribute.has_t()) STUDIO_TRY(checkTensor(attribute.t(), label));
            for (const auto& t : attribute.tensors()) STUDIO_TRY(checkTensor(t, label));
            if (attribute.has_sparse_tensor()) {
                STUDIO_TRY(checkTensor(attribute.sparse_tensor().values(), label));
                STUDIO_TRY(checkTensor(attribute.sparse_tensor().indices(), label));
            }
            for (const auto& s : attribute.sparse_tensors()) {
                STUDIO_TRY(checkTensor(s.values(), label));
                STUDIO_TRY(checkTensor(s.indices(), label));
            }
            if (attribute.has_g()) STUDIO_TRY(checkGraph(attribute.g(), label));
            for (const auto& g : attribute.graphs()) STUDIO_TRY(checkGraph(g, label));
        }
    return Status::success();
}

// Subgraphs (If, Loop, Scan) recurse; protobuf's parser stops nesting at 100 levels.
Status checkGraph(const onnx::GraphProto& graph, const std::string& label) {
    for (const auto& t : graph.initializer()) STUDIO_TRY(checkTensor(t, label));
    for (const auto& s : graph.sparse_initializer()) {
        STUDIO_TRY(checkTensor(s.values(), label));
        STUDIO_TRY(checkTensor(s.indices(), label));
    }
    return checkNodes(graph.node(), label);
}

// ONNX's messages run over several lines ("…\n\n==> Context: Bad node spec …"): keep one line.
std::string oneLine(std::string text) {
    for (char& c : text)
        if (c == '\n' || c == '\r') c = ' ';
    while (text.find("  ") != std::string::npos) text.erase(text.find("  "), 1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '.')) text.pop_back();
    if (text.size() > 300) text = text.substr(0, 300) + "…";
    return text;
}

}  // namespace

Status checkOnnxBeforeOpenCv(const onnx::ModelProto& model, const std::string& label) {
    STUDIO_TRY(checkGraph(model.graph(), label));
    for (const auto& function : model.functions()) STUDIO_TRY(checkNodes(function.node(), label));
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        return cannotLoad(label, "ONNX's checker refuses it: " + oneLine(e.what()));
    }
    return Status::success();
}

Status checkOnnxBeforeOpenCv(const std::vector<std::uint8_t>& onnx, const std::string& label) {
    onnx::ModelProto model;
    if (onnx.empty() || onnx.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()) ||
        !model.ParseFromArray(onnx.data(), static_cast<int>(onnx.size())))
        return cannotLoad(label, "it is not an ONNX model (the protobuf does not parse)");
    return checkOnnxBeforeOpenCv(model, label);
}

}  // namespace studio
