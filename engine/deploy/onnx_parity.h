#pragma once
// The parity check every ONNX export passes before it is called good: the exported bytes are
// reloaded with ONNX's checker and with OpenCV DNN (a second runtime, Debian libopencv-dnn-dev),
// and the model's own test images run through both our engine and OpenCV DNN.
//
//   engine:  pixels/255 → Preprocessing::normalize → snapshotLogits → softmax (double)
//   OpenCV:  pixels/255 → cv::dnn::Net from the bytes (normalization and softmax inside)
//   report:  top-1 agreement, max |Δ probability|, images, opset
//   passed:  max |Δp| ≤ 1e-4, and every top-1 that differs is a near tie — the engine's top two
//            probabilities at most 1e-4 apart (a tie may break either way in another runtime)
//
// Threads: one cv::dnn::Net per call, made and used on the calling thread (a Net is not
// thread-safe); the engine side uses the calling thread's workspace. Any thread may call.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/snapshot.h"

namespace studio {

inline constexpr int kMaxParityImages = 2000;
inline constexpr double kParityMaxAbsDiff = 1e-4;
inline constexpr double kParityTieMargin = 1e-4;

struct OnnxParityReport {
    int images = 0;
    int top1Agreements = 0;          // images whose top-1 class is the same in both runtimes
    double top1Agreement = 0.0;      // top1Agreements / images
    double maxAbsDiff = 0.0;         // max over images and classes of |p_engine − p_opencv|
    int decisiveMismatches = 0;      // top-1 differs where the engine's top two are > 1e-4 apart
    int opset = 0;
    bool passed = false;
    std::string verdict;             // one sentence: why it passed or failed, with the figures
    double seconds = 0.0;            // reload + both runs
};

/// The model's own test images: the official test set when the dataset has one, else the test
/// split rebuilt from the model's train config (seed, fractions), else its validation split.
struct ParityImages {
    const Dataset* data = nullptr;   // points into the bundle given to parityImages
    std::vector<int> indices;        // at most `max`, in ascending order
    std::string where;               // "official test set", "test split", "validation split"
};
Result<ParityImages> parityImages(const DatasetBundle& bundle, const ModelSnapshot& snapshot,
                                  int max = kMaxParityImages);


/// Runs the check. Errors (rather than a failed report): the bytes do not parse or the checker
/// refuses them, OpenCV DNN cannot load them, the data do not fit the model, no images.
/// `label` names the ONNX file in messages.
Result<OnnxParityReport> checkOnnxParity(const ModelSnapshot& snapshot, std::span<const std::uint8_t> onnx,
                                         const Dataset& data, const std::vector<int>& indices,
                                         const std::string& label);

/// ONNX's checker on serialized bytes (parse + check_model), as an Error naming `label`.
Status checkOnnxBytes(std::span<const std::uint8_t> onnx, const std::string& label);
/// The opset and metadata_props of serialized ONNX bytes (for tests and the studio's dialog).
struct OnnxSummary {
    int opset = 0;
    std::map<std::string, std::string> metadata;
    std::vector<std::string> opTypes;   // node op types in graph order
};
Result<OnnxSummary> readOnnxSummary(std::span<const std::uint8_t> onnx, const std::string& label);

}  // namespace studio
