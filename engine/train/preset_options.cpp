#include "engine/train/preset_options.h"

#include <string>

#include "engine/data/csv_dataset.h"

namespace studio {

using nlohmann::json;

json presetTrainingOptions(std::string_view preset) {
    // Adam with a cosine decay of the rate over the run; measured on Fashion-MNIST (mlp, cnn,
    // cnn-bn) and on the built-in shapes (lenet, which the studio opens on), 2026-11-30:
    //   mlp     10 epochs, 1e-3:  0.8935 in 5.8 s   (constant 1e-3: 0.8859)
    //   lenet   shapes, 3 epochs, batch 32, 3e-3: 0.975-0.98 over 4 seeds (batch 64, 1e-3: 0.928)
    //   cnn     5 epochs, 1e-3:   0.9248 in 80 s
    //   cnn-bn  10 epochs, 3e-3:  0.9292 in 101 s   (the 2-minute target of 0.925)
    if (preset == "mlp") return {{"epochs", 10}, {"lr", 1e-3}, {"schedule", "cosine"}};
    if (preset == "lenet") return {{"epochs", 3}, {"batch_size", 32}, {"lr", 3e-3}, {"schedule", "cosine"}};
    if (preset == "cnn") return {{"epochs", 5}, {"lr", 1e-3}, {"schedule", "cosine"}};
    if (preset == "cnn-bn") return {{"epochs", 10}, {"lr", 3e-3}, {"schedule", "cosine"}};
    return json::object();
}

json datasetTrainingOptions(std::string_view dataset) {
    // The 2-D teaching sets (mlp, Adam with the mlp preset's cosine decay), measured over seeds
    // 1-4 (spirals) and 1-2 (the others), 2026-11-30, test accuracy:
    //   spirals  generic 10 epochs at 1e-3: 0.47     100 epochs at 3e-3: 0.987-1.0 in 1.0-1.8 s
    //   circles  generic: 0.77-0.81                  20 epochs at 3e-3:  1.0 in 0.3-0.4 s
    //   xor      generic: 0.95-0.96                  20 epochs at 3e-3:  0.94-0.96 (the noise's ceiling)
    //   gauss    generic: 0.98-0.99                  20 epochs at 3e-3:  0.98-0.99 (the blobs overlap)
    if (dataset == "spirals") return {{"epochs", 100}, {"lr", 3e-3}};
    if (dataset == "circles" || dataset == "xor" || dataset == "gauss") return {{"epochs", 20}, {"lr", 3e-3}};
    // CSV tables are small (iris 150 rows): the generic 64-row batches take 2 steps an epoch. Test
    // accuracy over seeds 1-4 (default splits, mlp), 2026-11-30: iris generic 0.67-0.93, these
    // 0.87-0.93 (15 test rows); wine generic 0.95-1.0, these 0.95-1.0 (19 rows), 0.5 s a run.
    if (isCsvPath(std::string(dataset))) return {{"epochs", 100}, {"batch_size", 16}, {"lr", 3e-3}};
    return json::object();
}

json withRecommendedOptions(std::string_view preset, std::string_view dataset, const json& given) {
    json merged = presetTrainingOptions(preset);
    const json data = datasetTrainingOptions(dataset);
    for (auto it = data.begin(); it != data.end(); ++it) merged[it.key()] = it.value();
    if (given.is_object())
        for (auto it = given.begin(); it != given.end(); ++it) merged[it.key()] = it.value();
    return merged;
}

json withPresetOptions(std::string_view preset, const json& given) {
    json merged = presetTrainingOptions(preset);
    if (given.is_object())
        for (auto it = given.begin(); it != given.end(); ++it) merged[it.key()] = it.value();
    return merged;
}

}  // namespace studio
