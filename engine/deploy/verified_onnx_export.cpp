#include "engine/deploy/verified_onnx_export.h"

#include "engine/deploy/onnx_export.h"
#include "engine/io/atomic_file.h"

namespace studio {

Result<VerifiedOnnxExport> exportOnnxVerified(const ModelSnapshot& snapshot, const DatasetBundle& bundle,
                                              const std::string& path) {
    auto bytes = exportOnnx(snapshot);
    if (!bytes) return bytes.error();
    auto images = parityImages(bundle, snapshot);
    if (!images) return images.error();
    auto parity = checkOnnxParity(snapshot, *bytes, *images->data, images->indices, path);
    if (!parity) return parity.error();
    VerifiedOnnxExport out;
    out.parity = *parity;
    out.checkedOn = images->data->name() + ", " + images->where;
    out.bytes = bytes->size();
    if (!out.parity.passed) return out;
    STUDIO_TRY(writeFileAtomically(path, *bytes, "the ONNX model"));
    out.written = true;
    return out;
}

}  // namespace studio
