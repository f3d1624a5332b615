#pragma once
// Backbone: a frozen ONNX network that OpenCV DNN runs in front of a head our engine trains
// (transfer learning). The backbone turns a prepared image into a feature vector, the output of
// one of its layers; only the head learns.
//
//   x:(N, C, H, W) prepared as the snapshot's preprocessing says (the backbone's own input
//   normalization) → OpenCV DNN → the feature layer's output (N, d1, d2, …) → features:(N, F),
//   F = d1·d2·…, then the feature normalization fitted on the training features.
//
// Loading validates everything a user can get wrong, each as an Error naming the file with a
// fix: OpenCV cannot read the file; its input is not one N×C×H×W image tensor; its input size
// differs from the data's; the feature layer does not exist; the layer's output does not fit
// (another batch size, empty, or larger than kMaxBackboneFeatures).
//
// Threads: a cv::dnn::Net is not safe to share, so the backbone keeps a pool of nets: each call
// takes one for itself (creating it from the bytes when none is idle) and gives it back, so two
// threads never run the same net. A Backbone is immutable; share it as shared_ptr<const>.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/data/preprocessing.h"

namespace studio {

class Backbone;
using BackbonePtr = std::shared_ptr<const Backbone>;

/// Features per sample above this are refused: a conv map, not a feature vector.
inline constexpr int kMaxBackboneFeatures = 1 << 18;
/// ONNX files above this are refused before OpenCV parses them (ResNet-152 is ~240 MB).
inline constexpr std::uint64_t kMaxBackboneBytes = 1ull << 30;

/// One layer of a backbone as OpenCV DNN sees it, for choosing the feature layer.
struct BackboneLayer {
    std::string name;    // what --feature-layer takes
    std::string type;    // OpenCV's layer type: Convolution, Pooling, ReLU, InnerProduct, …
    Shape outputShape;   // per sample (without the batch dimension) for the backbone's input size
    int features = 0;    // the product of outputShape
};

class Backbone {
public:
    ~Backbone();
    Backbone(const Backbone&) = delete;
    Backbone& operator=(const Backbone&) = delete;

    /// ONNX bytes → a validated backbone for inputs of `inputShape` {C, H, W} (the data's).
    /// featureLayer "" takes suggestedFeatureLayer. `label` names the file in messages.
    static Result<BackbonePtr> fromBytes(std::vector<std::uint8_t> onnx, const std::string& label,
                                         const Shape& inputShape, const std::string& featureLayer = {});
    /// The same from a file (bounded by kMaxBackboneBytes).
    static Result<BackbonePtr> fromFile(const std::string& path, const Shape& inputShape,
                                        const std::string& featureLayer = {});

    /// The {C, H, W} the ONNX graph's input declares; a symbolic (dynamic) dimension is 0.
    static Result<Shape> declaredInputShape(const std::vector<std::uint8_t>& onnx, const std::string& label);
    /// Every layer OpenCV DNN built, in order, with its output shape for `inputShape`.
    static Result<std::vector<BackboneLayer>> listLayers(const std::vector<std::uint8_t>& onnx,
                                                         const std::string& label, const Shape& inputShape);
    /// The layer the studio suggests as features: the last pooling output; without pooling,
    /// the input of the last InnerProduct (dense) layer; else the last layer.
    static std::string suggestedFeatureLayer(const std::vector<BackboneLayer>& layers);

    /// This backbone with the feature normalization a head was trained with ({F} features).
    BackbonePtr withFeatureNormalization(const Preprocessing& normalization) const;

    const std::vector<std::uint8_t>& onnxBytes() const { return *m_bytes; }
    const std::string& sha256() const { return m_sha256; }
    const std::string& label() const { return m_label; }
    const std::string& featureLayer() const { return m_featureLayer; }
    const Shape& inputShape() const { return m_inputShape; }
    int featureSize() const { return m_featureSize; }
    const Preprocessing& featureNormalization() const { return m_featureNormalization; }

    /// x:(N, C, H, W) prepared images → features:(N, F), resized here, NOT normalized.
    /// Errors: OpenCV failed on this input (it names the file and the layer).
    /// Threads: any, concurrently (a net each). The same rows give the same features whatever
    /// other rows share the call only as far as OpenCV's kernels are batch-independent; callers
    /// that need bit-identical features use fixed chunks (FeatureCache does).
    Status features(const Tensor& x, Tensor& features) const;
    /// features then the feature normalization: what the head reads.
    Status headInput(const Tensor& x, Tensor& out) const;

    /// {featureLayer, inputShape, featureSize, featureNormalization, bytes, sha256}: the model
    /// file's "backbone" header object (the ONNX bytes follow the weights).
    nlohmann::json headerJson() const;
    /// The inverse of headerJson with the bytes read after the weights: the sha256 and byte
    /// count are checked, OpenCV loads the net again and its feature size must match.
    static Result<BackbonePtr> fromHeader(const nlohmann::json& header, std::vector<std::uint8_t> onnx,
                                          const std::string& label);

private:
    struct NetPool;
    Backbone();

    std::shared_ptr<const std::vector<std::uint8_t>> m_bytes;
    std::string m_sha256;
    std::string m_label;
    std::string m_featureLayer;
    Shape m_inputShape;
    int m_featureSize = 0;
    Preprocessing m_featureNormalization;
    std::unique_ptr<NetPool> m_nets;
};

}  // namespace studio
