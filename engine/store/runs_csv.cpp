#include "engine/store/runs_csv.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <vector>

#include "engine/io/csv.h"
#include "engine/train/option_schema.h"

namespace studio {

namespace {

std::string number(double v) {
    if (!std::isfinite(v)) return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string valueText(const nlohmann::json& v) {
    if (v.is_null()) return {};
    if (v.is_string()) return v.get<std::string>();
    if (v.is_number_float()) return number(v.get<double>());
    return v.dump();
}

}  // namespace

std::string runsCsv(const std::vector<RunRecord>& runs) {
    std::string csv =
        "run_id,name,status,model,dataset,epochs,best_epoch,val_accuracy,val_loss,test_accuracy,samples_per_s,"
        "seconds,sweep_id,parent_run,parent_epoch";
    for (const OptionInfo& o : optionSchema()) csv += "," + o.key;
    csv += "\n";
    for (const auto& r : runs) {
        const nlohmann::json test = r.final.value("test_accuracy", nlohmann::json());
        // Cells appended one by one: GCC 12 warns falsely (-Wrestrict) on long chains of string sums.
        const std::vector<std::string> cells = {std::to_string(r.id),
                                                csvCell(r.name),
                                                runStatusText(r.status),
                                                csvCell(r.model),
                                                csvCell(r.dataset.value("source", "")),
                                                std::to_string(r.epochsDone),
                                                std::to_string(r.bestEpoch),
                                                number(r.bestValAccuracy),
                                                number(r.bestValLoss),
                                                test.is_number() ? number(test.get<double>()) : std::string(),
                                                number(r.samplesPerSecond),
                                                number(r.wallSeconds),
                                                std::to_string(r.sweepId),
                                                std::to_string(r.parentRun),
                                                std::to_string(r.parentEpoch)};
        for (std::size_t i = 0; i < cells.size(); ++i) csv.append(i ? "," : "").append(cells[i]);
        for (const OptionInfo& o : optionSchema())
            csv.append(",").append(csvCell(valueText(r.options.value(o.key, o.fallback))));
        csv.append("\n");
    }
    return csv;
}

}  // namespace studio
