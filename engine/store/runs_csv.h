#pragma once
// The runs as a CSV table (one row per run, every option and metric as a column), for
// `runs export --csv` and the studio's Export CSV. Cells a spreadsheet would run as a formula
// (= + - @ not followed by a number) are written as text; quoting follows RFC 4180.

#include <string>
#include <vector>

#include "engine/store/run_store.h"

namespace studio {

std::string runsCsv(const std::vector<RunRecord>& runs);

}  // namespace studio
