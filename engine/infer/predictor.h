#pragma once
// Predictions from a ModelSnapshot with the snapshot's own preprocessing — the same code the
// training batches go through (pixels·(1/255), then Preprocessing::normalize), so a prediction
// can never drift from how the model was trained.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/data/image_io.h"
#include "engine/infer/snapshot.h"

namespace studio {

struct Prediction {
    std::vector<float> probabilities;        // softmax of the logits, one per class
    std::vector<std::pair<int, float>> top;  // (class, probability), most likely first; ties: lower class
    double microseconds = 0.0;               // forward pass + softmax, without decoding
};

/// A decoded image → the model input x:(1, C, H, W): fitImage to the input size (the
/// preprocessing's resize mode, converting gray↔RGB), ·(1/255), normalize.
/// Errors: the preprocessing is for feature vectors, or for a channel count images do not have.
Result<Tensor> prepareImage(const Preprocessing& preprocessing, const DecodedImage& image);
/// Exactly what the model sees, for showing it: the image fitted to the input size and channel
/// count (the same fitImage call as prepareImage), still 8-bit, before ·(1/255) and normalize.
/// Errors: as prepareImage.
Result<DecodedImage> modelView(const Preprocessing& preprocessing, const DecodedImage& image);

/// Reads, decodes, prepares and predicts one image file. Errors name the file.
Result<Prediction> predictFile(const ModelSnapshot& snapshot, const std::string& path, int topK);
/// The same from bytes in memory (clipboard, drags); `label` names the source in messages.
Result<Prediction> predictBytes(const ModelSnapshot& snapshot, const std::vector<std::uint8_t>& bytes,
                                const std::string& label, int topK);
/// One prepared input x:(1, input...). Uses the calling thread's cached workspace: no allocation
/// after the first call but the returned vectors.
Prediction predictPrepared(const Model& model, const Tensor& x, int topK);
/// The same for a whole snapshot, any variant (snapshotLogits): what Try it and the CLI use.
Prediction predictPrepared(const ModelSnapshot& snapshot, const Tensor& x, int topK);

/// inputs:(N, input...), already normalized → one Prediction per row. Rows are split into
/// fixed chunks of 32, so the results do not depend on the pool's thread count. pool may be
/// null (the calling thread does everything). `microseconds` is each chunk's time per sample.
std::vector<Prediction> predictBatch(const ModelSnapshot& snapshot, const Tensor& inputs, int topK, ThreadPool* pool);

/// Softmax of one row of logits (max-shifted, sums in double as softmaxRows) and its top k.
void fillPrediction(const float* logits, int classes, int topK, Prediction& out);

}  // namespace studio
