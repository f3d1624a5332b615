#pragma once
// The model file (.tsmodel): one ModelSnapshot, byte-identical for identical snapshots.
//
//   offset  size  what
//   0       8     magic "TSMODEL\0"
//   8       4     format version, u32 little-endian (kModelFormatVersion)
//   12      4     header length H, u32 little-endian (≤ kMaxModelHeaderBytes)
//   16      H     JSON header, UTF-8, keys sorted, no whitespace:
//                   format, formatVersion, spec (ModelSpec::toJson), preprocessing, classNames,
//                   datasetName, trainConfig, metrics, epoch, weightsSha256, and
//                   tensors: [{name, shape, count}] for every param in Model::params() order,
//                   and, for a model with a frozen backbone, backbone: {bytes, sha256,
//                   featureLayer, inputShape, featureSize, featureNormalization}
//                   Format 2 (INT8, model_file_int8.h): an entry may add "dtype": "int8" and
//                   "scales" (one per output) for a Dense/Conv2D weight stored as int8, and the
//                   header then has quantization: {layers: [{layer, inputScale, inputZeroPoint}]}
//   16+H    4·n   every param's float32 data, little-endian, in the same order (int8 tensors
//                 take 1 byte per value, and the whole is zero-padded to a multiple of 4 bytes)
//   …       b     with a backbone: its ONNX bytes (b = backbone.bytes), zero-padded to whole floats
//   end−4   4     CRC-32 (zlib) of every byte before it, u32 little-endian
//
// The loader trusts nothing: every length and count is bounded by the file's size before
// anything is allocated, the JSON is validated field by field, the model is rebuilt from the
// spec and each tensor's shape checked, and non-finite weights are refused. Every failure is an
// Error naming the file with a hint; nothing throws past these functions.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/infer/snapshot.h"

namespace studio {

inline constexpr std::uint32_t kModelFormatVersion = 2;  // 2: int8 tensors; 1 still loads
inline constexpr std::uint32_t kMaxModelHeaderBytes = 16u << 20;  // 16 MiB
inline constexpr char kModelFileExtension[] = ".tsmodel";

/// Writes atomically: a temp file in the same folder, flushed and fsynced, then renamed over
/// `path`. On failure (read-only folder, full disk) returns an Error naming the path; an existing
/// file at `path` is left as it was.
Status saveModelFile(const std::string& path, const ModelSnapshot& snapshot);
Result<ModelSnapshot> loadModelFile(const std::string& path);

/// The whole file in memory. `label` names the source in messages (a path, "clipboard").
std::vector<std::uint8_t> serializeModel(const ModelSnapshot& snapshot);
Result<ModelSnapshot> deserializeModel(const std::vector<std::uint8_t>& bytes, const std::string& label);

/// SHA-256 (hex) of the little-endian float32 data of every param in Model::params() order.
std::string weightsSha256(const Model& model);
/// Names of the params in Model::params() order: "layer3.conv2d.weight" (layers counted from 1).
std::vector<std::string> parameterNames(const Model& model);

/// The container alone: magic, version, header length, header, payload, CRC-32. serializeModel
/// uses it; tests use it to build hostile files with valid checksums.
std::vector<std::uint8_t> frameModelFile(std::uint32_t version, const std::string& header,
                                         std::span<const std::uint8_t> payload);
/// zlib's CRC-32 of `bytes`.
std::uint32_t crc32Of(std::span<const std::uint8_t> bytes);

}  // namespace studio
