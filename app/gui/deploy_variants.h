#pragma once
// The variants the Deploy tab's buttons make, and its ONNX export: thin calls into the engine's
// deployment code (engine/deploy), run on the DeployController's worker thread. No Qt here.

#include <memory>
#include <string>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"

namespace studio::app {

/// Training images the INT8 calibration sees (at most; fewer when the split is smaller).
inline constexpr int kDeployCalibrationImages = 512;

/// The INT8 variant of `model`, calibrated (percentile) on the first images of its own training
/// split of `bundle`. Errors: those of quantizeSnapshot (empty split, shape mismatch), named.
Result<SnapshotPtr> makeInt8Variant(const SnapshotPtr& model, const std::shared_ptr<const DatasetBundle>& bundle);

/// `model` pruned to `sparsity` (of the weights, or structured: of each layer's filters) and
/// fine-tuned for one epoch on its own training split; named errors from pruneModel.
Result<SnapshotPtr> makePrunedVariant(const SnapshotPtr& model, const std::shared_ptr<const DatasetBundle>& bundle,
                                      double sparsity, bool structured);

/// "pruned 50%" / "pruned 50% filters".
std::string prunedName(double sparsity, bool structured);

struct OnnxExportOutcome {
    bool written = false;  // only when the parity check passed
    std::string verdict;   // the parity check's sentence, with its figures
};

/// A float model: exportOnnxVerified — checked against OpenCV DNN on up to 2,000 of its test
/// images and written only when the check passes. An INT8 one: QDQ ONNX (exportQdqOnnx, accepted
/// by ONNX's checker) written, with OpenCV DNN's parity, or its refusal, in the verdict.
/// Errors: export or check failures, a path that cannot be written — named.
Result<OnnxExportOutcome> exportOnnxChecked(const ModelSnapshot& model, const DatasetBundle& bundle,
                                            const std::string& path);

}  // namespace studio::app
