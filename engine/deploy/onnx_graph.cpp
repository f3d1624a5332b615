#include "engine/deploy/onnx_graph.h"

#include <cstring>
#include <exception>
#include <limits>

#include <onnx/checker.h>

namespace studio {

namespace {

constexpr std::int64_t kIrVersion = 8;   // ONNX 1.10+; Debian's ONNX 1.12 checker accepts it

std::size_t dimsProduct(const std::vector<std::int64_t>& dims) {
    std::size_t n = 1;
    for (std::int64_t d : dims) {
        STUDIO_ASSERT(d >= 0, "OnnxGraph: negative initializer dimension");
        n *= static_cast<std::size_t>(d);
    }
    return n;
}

void setShape(onnx::ValueInfoProto& info, const Shape& perSample, int elemType) {
    auto* tensor = info.mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(elemType);
    auto* shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param(kOnnxBatchDim);
    for (int d : perSample) shape->add_dim()->set_dim_value(d);
}

onnx::AttributeProto& newAttribute(onnx::NodeProto& node, const std::string& name,
                                   onnx::AttributeProto_AttributeType type) {
    for (auto& a : *node.mutable_attribute())
        if (a.name() == name) {
            a.Clear();
            a.set_name(name);
            a.set_type(type);
            return a;
        }
    auto* a = node.add_attribute();
    a->set_name(name);
    a->set_type(type);
    return *a;
}

}  // namespace

OnnxGraph::OnnxGraph(const std::string& graphName, int opset) {
    m_model.set_ir_version(kIrVersion);
    m_model.set_producer_name("training-studio");
    m_model.set_producer_version("1");
    auto* op = m_model.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    m_model.mutable_graph()->set_name(graphName);
}

OnnxGraph::OnnxGraph(onnx::ModelProto model) : m_model(std::move(model)) {
    reserveExistingNames();
    m_nodeCount = m_model.graph().node_size();
}

void OnnxGraph::reserveExistingNames() {
    const auto& g = m_model.graph();
    for (const auto& t : g.initializer()) m_names.insert(t.name());
    for (const auto& v : g.input()) m_names.insert(v.name());
    for (const auto& v : g.output()) m_names.insert(v.name());
    for (const auto& v : g.value_info()) m_names.insert(v.name());
    for (const auto& n : g.node()) {
        m_names.insert(n.name());
        for (const auto& o : n.output()) m_names.insert(o);
    }
}

int OnnxGraph::opset() const {
    for (const auto& op : m_model.opset_import())
        if (op.domain().empty() || op.domain() == "ai.onnx") return static_cast<int>(op.version());
    return 0;
}

std::string OnnxGraph::uniqueName(const std::string& base) {
    std::string name = base.empty() ? std::string("t") : base;
    for (int i = 1; m_names.count(name); ++i) name = base + "_" + std::to_string(i);
    m_names.insert(name);
    return name;
}

onnx::TensorProto& OnnxGraph::newInitializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                             int elemType, std::string& uniqueOut) {
    uniqueOut = uniqueName(name);
    auto* t = graph().add_initializer();
    t->set_name(uniqueOut);
    t->set_data_type(elemType);
    for (std::int64_t d : dims) t->add_dims(d);
    return *t;
}

std::string OnnxGraph::addFloatInitializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                           std::span<const float> values) {
    STUDIO_ASSERT(values.size() == dimsProduct(dims), "OnnxGraph: float initializer size mismatch");
    std::string unique;
    auto& t = newInitializer(name, dims, onnx::TensorProto_DataType_FLOAT, unique);
    // raw_data is little-endian by the ONNX spec, which is this machine's order.
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float)));
    return unique;
}

std::string OnnxGraph::addInt8Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                          std::span<const std::int8_t> values) {
    STUDIO_ASSERT(values.size() == dimsProduct(dims), "OnnxGraph: int8 initializer size mismatch");
    std::string unique;
    auto& t = newInitializer(name, dims, onnx::TensorProto_DataType_INT8, unique);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size()));
    return unique;
}

std::string OnnxGraph::addUint8Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                           std::span<const std::uint8_t> values) {
    STUDIO_ASSERT(values.size() == dimsProduct(dims), "OnnxGraph: uint8 initializer size mismatch");
    std::string unique;
    auto& t = newInitializer(name, dims, onnx::TensorProto_DataType_UINT8, unique);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size()));
    return unique;
}

std::string OnnxGraph::addInt32Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                           std::span<const std::int32_t> values) {
    STUDIO_ASSERT(values.size() == dimsProduct(dims), "OnnxGraph: int32 initializer size mismatch");
    std::string unique;
    auto& t = newInitializer(name, dims, onnx::TensorProto_DataType_INT32, unique);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::int32_t)));
    return unique;
}

std::string OnnxGraph::addInt64Initializer(const std::string& name, const std::vector<std::int64_t>& dims,
                                           std::span<const std::int64_t> values) {
    STUDIO_ASSERT(values.size() == dimsProduct(dims), "OnnxGraph: int64 initializer size mismatch");
    std::string unique;
    auto& t = newInitializer(name, dims, onnx::TensorProto_DataType_INT64, unique);
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::int64_t)));
    return unique;
}

onnx::NodeProto& OnnxGraph::addNode(const std::string& opType, const std::vector<std::string>& inputs,
                                    const std::vector<std::string>& outputs) {
    auto* node = graph().add_node();
    node->set_op_type(opType);
    node->set_name(uniqueName(opType + "_" + std::to_string(m_nodeCount++)));
    for (const auto& i : inputs) node->add_input(i);
    for (const auto& o : outputs) {
        m_names.insert(o);
        node->add_output(o);
    }
    return *node;
}

void OnnxGraph::setAttribute(onnx::NodeProto& node, const std::string& name, std::int64_t value) {
    newAttribute(node, name, onnx::AttributeProto_AttributeType_INT).set_i(value);
}

void OnnxGraph::setAttribute(onnx::NodeProto& node, const std::string& name, float value) {
    newAttribute(node, name, onnx::AttributeProto_AttributeType_FLOAT).set_f(value);
}

void OnnxGraph::setAttribute(onnx::NodeProto& node, const std::string& name, const std::string& value) {
    newAttribute(node, name, onnx::AttributeProto_AttributeType_STRING).set_s(value);
}

void OnnxGraph::setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<std::int64_t>& values) {
    auto& a = newAttribute(node, name, onnx::AttributeProto_AttributeType_INTS);
    for (std::int64_t v : values) a.add_ints(v);
}

void OnnxGraph::setAttribute(onnx::NodeProto& node, const std::string& name, const std::vector<float>& values) {
    auto& a = newAttribute(node, name, onnx::AttributeProto_AttributeType_FLOATS);
    for (float v : values) a.add_floats(v);
}

std::string OnnxGraph::addInput(const std::string& name, const Shape& perSample, int elemType) {
    const std::string unique = uniqueName(name);
    auto* in = graph().add_input();
    in->set_name(unique);
    setShape(*in, perSample, elemType);
    return unique;
}

void OnnxGraph::addOutput(const std::string& name, const Shape& perSample, int elemType) {
    auto* out = graph().add_output();
    out->set_name(name);
    setShape(*out, perSample, elemType);
}

void OnnxGraph::setMetadata(const std::string& key, const std::string& value) {
    for (auto& p : *m_model.mutable_metadata_props())
        if (p.key() == key) {
            p.set_value(value);
            return;
        }
    auto* p = m_model.add_metadata_props();
    p->set_key(key);
    p->set_value(value);
}

Status OnnxGraph::check(const std::string& label) const { return checkOnnxModel(m_model, label); }

std::vector<std::uint8_t> OnnxGraph::serialize() const {
    std::string bytes;
    m_model.SerializeToString(&bytes);
    return {bytes.begin(), bytes.end()};
}

Status checkOnnxModel(const onnx::ModelProto& model, const std::string& label) {
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        return Error::corrupt("The ONNX checker refused " + label + ": " + e.what(),
                              "Re-export the model; if the studio wrote it, report it with the .tsmodel file.");
    }
    return Status::success();
}

Result<onnx::ModelProto> parseOnnxModel(std::span<const std::uint8_t> bytes, const std::string& label) {
    if (bytes.empty()) return Error::corrupt("'" + label + "' is empty.", "Choose an ONNX (.onnx) model file.");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return Error::unsupported("'" + label + "' is larger than 2 GB, which protobuf cannot parse.",
                                  "Use a smaller ONNX model.");
    onnx::ModelProto model;
    if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
        return Error::corrupt("'" + label + "' is not an ONNX model (its protobuf does not parse).",
                              "Choose an ONNX (.onnx) file, e.g. one exported by the studio or from the ONNX model zoo.");
    if (!model.has_graph())
        return Error::corrupt("'" + label + "' has no graph.", "Choose an ONNX model file, not a bare tensor.");
    return model;
}

}  // namespace studio
