#pragma once
// The run report as one self-contained HTML file: inline CSS, every picture a PNG data URI
// (charts drawn by engine/data/report_images.h), no scripts and no external references, so it
// can be mailed, archived and printed as it is. Every text that comes from data (class names,
// file names, options, alerts) is HTML-escaped.
//
// Sections, each an <h2 id="…">: dataset, architecture, options, curves, confusion, per-class,
// mistakes, alerts (the training doctor's; "None recorded." when the run carries none),
// machine, timings.

#include <string>
#include <vector>

#include "engine/report/report_contents.h"

namespace studio {

/// The section ids in the order the report shows them.
const std::vector<std::string>& reportSectionIds();

std::string renderRunReportHtml(const RunReportContents& contents);

/// &, <, >, " and ' as entities.
std::string htmlEscape(const std::string& text);
/// "data:image/png;base64,…" for PNG bytes.
std::string pngDataUri(const std::vector<std::uint8_t>& png);
std::string base64Encode(const std::vector<std::uint8_t>& bytes);

}  // namespace studio
