#pragma once
// The checkpoint file (.tsckpt): one TrainingCheckpoint.
//
//   0    8   magic "TSCKPT\0\0"
//   8    4   format version, u32 little-endian
//   12   4   header length H, u32 little-endian (≤ 16 MiB)
//   16   H   JSON header: epoch, step, config, best…, optimizerSteps,
//            tensors: [{group: "weights"|"optimizer"|"best", shape}] in payload order
//   16+H     float32 little-endian data of every tensor, in that order
//   end−4 4  CRC-32 of every byte before it
//
// Written atomically (temp + fsync + rename): a kill leaves the old file or the new one. The
// loader bounds every length by the file size before allocating and names the file in errors.

#include <string>

#include "engine/core/result.h"
#include "engine/train/checkpoint.h"

namespace studio {

Status saveCheckpointFile(const std::string& path, const TrainingCheckpoint& checkpoint);
Result<TrainingCheckpoint> loadCheckpointFile(const std::string& path);

}  // namespace studio
