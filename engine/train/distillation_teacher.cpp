#include "engine/train/distillation_teacher.h"

#include <algorithm>

#include "engine/core/assert.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"

namespace studio {

namespace {

std::string listed(const std::vector<std::string>& names) {
    std::string s;
    const std::size_t shown = std::min<std::size_t>(names.size(), 12);
    for (std::size_t i = 0; i < shown; ++i) s += (i ? ", " : "") + names[i];
    if (names.size() > shown) s += ", …";
    return s;
}

}  // namespace

Result<SnapshotPtr> loadDistillationTeacher(const std::string& path, const Dataset& data) {
    auto loaded = loadModelFile(path);
    if (!loaded)
        return Error(loaded.error().kind(), "The distillation teacher could not be loaded: " + loaded.error().message(),
                     (loaded.error().hint().empty() ? std::string() : loaded.error().hint() + " ") +
                         "Or choose another teacher model (--teacher, or Teacher model in the Distillation "
                         "settings), or clear it to train without one.");
    const ModelSnapshot& t = *loaded;
    const auto& ours = data.classNames();
    if (t.classNames != ours)
        return Error::invalid(
            "The distillation teacher '" + path + "' knows " + std::to_string(t.classNames.size()) + " classes (" +
                listed(t.classNames) + ") but dataset '" + data.name() + "' has " + std::to_string(ours.size()) +
                " (" + listed(ours) + ").",
            "Choose a teacher trained on the same classes in the same order, e.g. one trained on '" + data.name() +
                "'.");
    if (t.preprocessing.inputShape != data.sampleShape())
        return Error::invalid("The distillation teacher '" + path + "' takes inputs of " +
                                  shapeToString(t.preprocessing.inputShape) + " but dataset '" + data.name() +
                                  "' has samples of " + shapeToString(data.sampleShape()) + ".",
                              "Choose a teacher trained on images of the same size and colour (or set the image size "
                              "and colour of the data to the teacher's).");
    if (snapshotClasses(t) != static_cast<int>(ours.size()))
        return Error::corrupt("The distillation teacher '" + path + "' has " + std::to_string(snapshotClasses(t)) +
                                  " outputs for its " + std::to_string(t.classNames.size()) + " class names.",
                              "Save the teacher again from the studio or the CLI.");
    return SnapshotPtr(std::make_shared<ModelSnapshot>(std::move(*loaded)));
}

DistillationTeacher::DistillationTeacher(SnapshotPtr teacher, const Preprocessing& studentPrep)
    : m_teacher(std::move(teacher)), m_studentPrep(studentPrep) {
    STUDIO_ASSERT(m_teacher, "DistillationTeacher: no teacher");
    const Preprocessing& own = m_teacher->preprocessing;
    STUDIO_ASSERT(own.inputShape == studentPrep.inputShape, "DistillationTeacher: input shapes differ");
    m_sameInput = own.mean == studentPrep.mean && own.stddev == studentPrep.stddev;
}

void DistillationTeacher::logits(const Tensor& x, Tensor& scratch, Tensor& logits) const {
    if (m_sameInput) {
        snapshotLogits(*m_teacher, x, logits);
        return;
    }
    // The student's normalized pixels back to [0, 1], then normalized as the teacher was trained.
    scratch = x;
    for (int i = 0; i < scratch.dim(0); ++i) {
        m_studentPrep.denormalize(scratch.sample(i));
        m_teacher->preprocessing.normalize(scratch.sample(i));
    }
    snapshotLogits(*m_teacher, scratch, logits);
}

}  // namespace studio
