#pragma once
// The ONNX export as the CLI (`export`) and the studio (File ▸ Export ▸ ONNX…) run it: nothing
// is written as if it were good before the parity check passed.
//
//   exportOnnx(snapshot) → bytes
//   parityImages(bundle) → up to 2,000 of the model's own test (or validation) images
//   checkOnnxParity      → ONNX checker, OpenCV DNN reload, engine vs OpenCV probabilities
//   passed?  writeFileAtomically(path) : path left as it was (no file, or the older one)

#include <cstddef>
#include <string>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/deploy/onnx_parity.h"
#include "engine/infer/snapshot.h"

namespace studio {

struct VerifiedOnnxExport {
    OnnxParityReport parity;
    std::string checkedOn;        // "fashion-mnist, official test set"
    std::size_t bytes = 0;        // size of the ONNX file (written or not)
    bool written = false;         // true only when the parity passed and the file was saved
};

/// Errors: the export itself (an unknown layer kind), no images to check on, the checker or
/// OpenCV DNN refusing the file, the data not fitting the model, writing `path` failing.
/// A completed check that FAILED is not an error: the result says so and written is false.
Result<VerifiedOnnxExport> exportOnnxVerified(const ModelSnapshot& snapshot, const DatasetBundle& bundle,
                                              const std::string& path);

}  // namespace studio
