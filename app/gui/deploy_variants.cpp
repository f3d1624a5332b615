#include "app/gui/deploy_variants.h"

#include <algorithm>
#include <cmath>

#include "engine/deploy/onnx_parity.h"
#include "engine/deploy/qdq_export.h"
#include "engine/deploy/verified_onnx_export.h"
#include "engine/deploy/prune_model.h"
#include "engine/deploy/quantize.h"
#include "engine/io/atomic_file.h"
#include "engine/train/train_config.h"

namespace studio::app {

Result<SnapshotPtr> makeInt8Variant(const SnapshotPtr& model, const std::shared_ptr<const DatasetBundle>& bundle) {
    TrainConfig config;
    if (auto c = TrainConfig::fromJson(model->trainConfig)) config = *c;
    std::vector<int> indices = splitDataset(*bundle, config.validationFraction, config.testFraction, config.seed).train;
    if (indices.size() > std::size_t(kDeployCalibrationImages)) indices.resize(kDeployCalibrationImages);
    auto quantized = quantizeSnapshot(*model, bundle->pool, indices, QuantizeOptions{},
                                      "the training split of '" + bundle->pool.name() + "'");
    if (!quantized) return quantized.error();
    return SnapshotPtr(std::make_shared<const ModelSnapshot>(std::move(*quantized)));
}

Result<SnapshotPtr> makePrunedVariant(const SnapshotPtr& model, const std::shared_ptr<const DatasetBundle>& bundle,
                                      double sparsity, bool structured) {
    PruningRequest request;
    request.sparsity = sparsity;
    request.structured = structured;
    request.fineTuneEpochs = 1;
    auto pruned = pruneModel(*model, bundle, request);
    if (!pruned) return pruned.error();
    return pruned->snapshot;
}

std::string prunedName(double sparsity, bool structured) {
    return "pruned " + std::to_string(int(std::lround(sparsity * 100.0))) + "%" + (structured ? " filters" : "");
}

Result<OnnxExportOutcome> exportOnnxChecked(const ModelSnapshot& model, const DatasetBundle& bundle,
                                            const std::string& path) {
    OnnxExportOutcome outcome;
    if (!model.quantized) {  // float: written only when OpenCV DNN agrees with the engine
        auto verified = exportOnnxVerified(model, bundle, path);
        if (!verified) return verified.error();
        outcome.written = verified->written;
        outcome.verdict = verified->parity.verdict;
        return outcome;
    }
    // INT8: QDQ ONNX, accepted by ONNX's checker; OpenCV 4.6 DNN refuses per-channel scales, so
    // its parity is reported where it loads, and its refusal said otherwise.
    auto qdq = exportQdqOnnx(model);
    if (!qdq) return qdq.error();
    STUDIO_TRY(writeFileAtomically(path, *qdq, "the QDQ ONNX model"));
    outcome.written = true;
    outcome.verdict = "QDQ ONNX accepted by the ONNX checker; OpenCV DNN: ";
    auto images = parityImages(bundle, model);
    if (!images) {
        outcome.verdict += images.error().what();
        return outcome;
    }
    auto parity = checkOnnxParity(model, *qdq, *images->data, images->indices, path);
    outcome.verdict += parity ? parity->verdict : parity.error().what();
    return outcome;
}

}  // namespace studio::app
