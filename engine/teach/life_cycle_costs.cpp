#include "engine/teach/life_cycle_costs.h"

namespace studio {

Result<InferenceCost> measureInferenceCost(const ModelSnapshot& snapshot, std::int64_t flopsPerImage) {
    InferenceBenchOptions options;
    options.batches = {1, 256};
    options.threads = {0};
    options.minSeconds = 0.2;
    auto report = benchInference(snapshot, "lesson", options);
    if (!report) return report.error();
    InferenceCost cost;
    cost.flopsPerImage = flopsPerImage;
    for (const InferenceBenchResult& r : report->results) {
        if (r.batch == 1) {
            cost.latencyUs = r.latencyUs;
            cost.perSecondBatch1 = r.samplesPerSecond;
        } else {
            cost.perSecondBatch256 = r.samplesPerSecond;
        }
    }
    return cost;
}

}  // namespace studio
