#pragma once
// The teacher of a distilled run (TrainConfig::distillation): a saved model loaded once, checked
// against the data, and run in inference mode on exactly the inputs the student sees in each
// shard (augmentation included), converted from the student's normalization to its own.

#include <string>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/data/dataset.h"
#include "engine/data/preprocessing.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// Loads the model file at `path` and checks that it can teach on `data`: the same class names in
/// the same order, and the same input shape. Errors name the file and say what to choose instead.
Result<SnapshotPtr> loadDistillationTeacher(const std::string& path, const Dataset& data);

class DistillationTeacher {
public:
    /// `studentPrep` is how the run normalizes the inputs the student (and so the teacher) sees.
    DistillationTeacher(SnapshotPtr teacher, const Preprocessing& studentPrep);

    /// x:(N, input...) as prepared for the student → logits:(N, classes). `scratch` holds the
    /// re-normalized copy when the two preprocessings differ (one per shard, reused).
    /// Threads: concurrently on different shards (each with its own scratch and logits).
    void logits(const Tensor& x, Tensor& scratch, Tensor& logits) const;

private:
    SnapshotPtr m_teacher;
    Preprocessing m_studentPrep;
    bool m_sameInput = false;  // identical normalization: the student's input goes in as it is
};

}  // namespace studio
