#include "engine/infer/trained_dataset.h"

#include "engine/train/train_config.h"

namespace studio {

DatasetOptions trainedDatasetOptions(const ModelSnapshot& snapshot) {
    TrainConfig config;
    if (auto c = TrainConfig::fromJson(snapshot.trainConfig)) config = *c;
    const nlohmann::json saved = snapshot.metrics.value("dataset_options", nlohmann::json::object());
    DatasetOptions options;
    options.seed = saved.value("seed", config.seed);
    options.samples = saved.value("samples", 0);
    options.imageSize = saved.value("imageSize", 0);
    options.noise = saved.value("noise", 1.0);
    options.labelColumn = saved.value("labelColumn", std::string());
    options.csvHeader = saved.value("csvHeader", std::string("auto"));
    return options;
}

std::string trainedDatasetName(const ModelSnapshot& snapshot) {
    const nlohmann::json saved = snapshot.metrics.value("dataset_options", nlohmann::json::object());
    const auto name = saved.find("name");
    if (name != saved.end() && name->is_string() && !name->get<std::string>().empty()) return name->get<std::string>();
    return snapshot.datasetName;
}

nlohmann::json datasetOptionsRecord(const std::string& source, const DatasetOptions& d) {
    nlohmann::json record = {{"name", source}, {"samples", d.samples}, {"imageSize", d.imageSize}, {"seed", d.seed}};
    if (d.noise != 1.0) record["noise"] = d.noise;
    if (!d.labelColumn.empty()) record["labelColumn"] = d.labelColumn;
    if (d.csvHeader != "auto") record["csvHeader"] = d.csvHeader;
    return record;
}

}  // namespace studio
