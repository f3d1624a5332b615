#include "app/cli/predict_table.h"

#include <algorithm>
#include <cstdio>
#include <span>

#include "app/cli/cli_common.h"
#include "engine/data/csv_dataset.h"
#include "engine/infer/table_predict.h"
#include "engine/io/atomic_file.h"
#include "engine/io/csv.h"

namespace studio::cli {

bool allTables(const std::vector<std::string>& paths) {
    return !paths.empty() && std::all_of(paths.begin(), paths.end(), [](const std::string& p) { return isCsvPath(p); });
}

int predictTables(const Arguments& a, const ModelSnapshot& snapshot, const std::string& modelPath, int topK,
                  int threads) {
    if (a.has("--saliency") || a.flag("--recursive"))
        return reportError(Error::invalid("--saliency and --recursive are for images, not rows of a table.",
                                          "Leave them out when predicting a .csv table."));
    auto className = [&](int c) {
        return c < static_cast<int>(snapshot.classNames.size()) ? snapshot.classNames[static_cast<std::size_t>(c)]
                                                                : std::to_string(c);
    };
    ThreadPool pool(threads);
    const bool json = a.flag("--json");
    nlohmann::json predictions = nlohmann::json::array();
    std::string csv = "table,line,predicted,confidence\n";
    for (const std::string& path : a.positionals()) {
        auto rows = predictTableFile(snapshot, path, topK, &pool);
        if (!rows) return reportError(rows.error());
        for (const TablePrediction& row : *rows) {
            const auto& top = row.prediction.top;
            csv += csvCell(path) + "," + std::to_string(row.line) + "," + csvCell(className(top[0].first)) + "," +
                   fixed(top[0].second, 6) + "\n";
            if (json) {
                nlohmann::json topJson = nlohmann::json::array();
                for (const auto& [c, prob] : top)
                    topJson.push_back({{"class", className(c)}, {"index", c}, {"probability", prob}});
                predictions.push_back({{"table", path}, {"line", row.line}, {"top", topJson}});
                continue;
            }
            std::string line = path + " line " + std::to_string(row.line) + ":";
            for (std::size_t i = 0; i < top.size(); ++i)
                line += (i == 0 ? " " : ", ") + className(top[i].first) + " " + fixed(top[i].second, 4);
            std::printf("%s\n", line.c_str());
        }
    }
    if (auto out = a.value("--csv")) {
        const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(csv.data()), csv.size());
        if (auto written = writeFileAtomically(*out, bytes, "the predictions"); !written)
            return reportError(written.error());
    }
    if (json) printJsonLine({{"model", modelPath}, {"predictions", predictions}});
    std::fflush(stdout);
    return 0;
}

}  // namespace studio::cli
