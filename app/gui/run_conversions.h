#pragma once
// Run records (engine) as the plain values the runs widgets take.

#include <QList>
#include <map>
#include <vector>

#include "engine/store/run_store.h"
#include "widgets/compare_view.h"
#include "widgets/parallel_coordinates_plot.h"
#include "widgets/run_rows.h"
#include "widgets/scatter_plot.h"
#include "widgets/sweep_view.h"

namespace studio::app {

widgets::RunRow runRow(const RunRecord& run);
/// Every option of the schema as a column title (label, log scale).
QList<widgets::OptionColumn> optionColumns();
widgets::CompareRun compareRun(const RunRecord& run, const std::vector<EpochRecord>& epochs);

/// The sweep's parts for SweepView: axes (the space's options, then validation accuracy),
/// one line and one point per trial, the rungs and the best-so-far curve.
struct SweepViewData {
    widgets::SweepSummary summary;
    QList<widgets::ParallelAxis> axes;
    QList<widgets::ParallelLine> lines;
    QList<widgets::ParallelAxis> scatterX, scatterY;
    QList<widgets::ScatterPoint> points;
};
/// `curves` holds the trials' per-epoch metrics where read (a rung's best is taken at its epoch).
SweepViewData sweepViewData(const SweepRecord& sweep, const std::vector<RunRecord>& trials,
                            const std::map<std::int64_t, std::vector<EpochRecord>>& curves);

}  // namespace studio::app
