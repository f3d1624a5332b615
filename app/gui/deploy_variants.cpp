#include "app/gui/deploy_variants.h"

#include <algorithm>
#include <cmath>

#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_parity.h"
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
    auto bytes = exportOnnx(model);
    if (!bytes) return bytes.error();
    auto images = parityImages(bundle, model);
    if (!images) return images.error();
    auto parity = checkOnnxParity(model, *bytes, *images->data, images->indices, path);
    if (!parity) return parity.error();
    OnnxExportOutcome outcome;
    outcome.verdict = parity->verdict;
    if (!parity->passed) return outcome;  // never written as if it were good
    STUDIO_TRY(writeFileAtomically(path, *bytes, "the ONNX model"));
    outcome.written = true;
    return outcome;
}

}  // namespace studio::app
