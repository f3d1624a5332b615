#include "engine/report/report_html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "engine/data/report_images.h"

namespace studio {

namespace {

using nlohmann::json;

std::string num(double v, int decimals = 4) {
    if (!std::isfinite(v)) return "–";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string percent(double v) { return std::isfinite(v) ? num(100.0 * v, 2) + " %" : "–"; }

std::string grouped(std::int64_t v) {
    std::string s = std::to_string(v < 0 ? -v : v);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), "\u202f");
    return v < 0 ? "-" + s : s;
}

std::string utcTime(double unixSeconds) {
    const std::time_t t = static_cast<std::time_t>(unixSeconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string duration(double seconds) {
    if (!(seconds >= 0)) return "not recorded";
    if (seconds < 120) return num(seconds, 2) + " s";
    const long s = std::lround(seconds);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%ld min %02ld s (%.1f s)", s / 60, s % 60, seconds);
    return buf;
}

// A number that was a float (a model file's training config keeps floats) printed as the float
// it was: 0.9 instead of 0.8999999761581421. Doubles that are not floats are left as they are.
json floatsAsWritten(const json& v) {
    if (v.is_number_float()) {
        const double d = v.get<double>();
        if (!std::isfinite(d) || static_cast<double>(static_cast<float>(d)) != d) return v;
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", d);
        for (int digits = 1; digits <= 9; ++digits) {  // the shortest text that reads back as the float
            std::snprintf(buf, sizeof buf, "%.*g", digits, d);
            if (std::strtof(buf, nullptr) == static_cast<float>(d)) break;
        }
        return std::strtod(buf, nullptr);
    }
    if (v.is_object() || v.is_array()) {
        json out = v;
        for (auto& item : out) item = floatsAsWritten(item);
        return out;
    }
    return v;
}

std::string jsonText(const json& v) { return v.is_string() ? v.get<std::string>() : floatsAsWritten(v).dump(); }

std::string img(const DecodedImage& image, int displayWidth, const std::string& alt) {
    if (image.chw.empty()) return "";
    const auto png = encodePng(image);
    return "<img src=\"" + pngDataUri(png) + "\" width=\"" + std::to_string(displayWidth) + "\" alt=\"" + htmlEscape(alt) + "\">";
}

// Small images enlarged with nearest neighbours, so they stay crisp in print and in viewers that
// smooth when scaling.
std::string thumbnail(const DecodedImage& image, int displayWidth, const std::string& alt) {
    if (image.chw.empty()) return "";
    const int factor = std::max(1, displayWidth / std::max(1, image.width));
    return img(enlarged(image, std::min(factor, 8)), displayWidth, alt);
}

std::string className(const RunReportContents& r, int c) {
    return c >= 0 && c < static_cast<int>(r.classNames.size()) ? r.classNames[static_cast<std::size_t>(c)]
                                                                : "class " + std::to_string(c);
}

void section(std::ostringstream& o, const std::string& id, const std::string& title) {
    o << "<h2 id=\"" << id << "\">" << htmlEscape(title) << "</h2>\n";
}

void datasetSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "dataset", "Dataset");
    o << "<p><b>" << htmlEscape(r.datasetName) << "</b>: samples of " << htmlEscape(shapeToString(r.sampleShape))
      << ", " << r.classNames.size() << " classes. Split: " << grouped(r.trainSize) << " train, "
      << grouped(r.validationSize) << " validation; evaluated on the " << htmlEscape(r.evaluatedOn) << " ("
      << grouped(r.testSize) << " samples).</p>\n";
    o << "<p>Preprocessing: <code>" << htmlEscape(r.preprocessing.dump()) << "</code></p>\n";
    o << "<table class=\"data\"><tr><th>#</th><th>class</th><th>samples</th><th>in the evaluation</th><th>example</th></tr>\n";
    for (std::size_t c = 0; c < r.classNames.size(); ++c) {
        o << "<tr><td>" << c << "</td><td>" << htmlEscape(r.classNames[c]) << "</td><td class=\"n\">"
          << grouped(c < r.poolCounts.size() ? r.poolCounts[c] : 0) << "</td><td class=\"n\">"
          << grouped(c < r.testCounts.size() ? r.testCounts[c] : 0) << "</td><td>";
        if (c < r.classSamples.size()) o << thumbnail(r.classSamples[c].image, 42, "example of " + r.classNames[c]);
        o << "</td></tr>\n";
    }
    o << "</table>\n";
}

void architectureSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "architecture", "Architecture");
    o << "<p>Input " << htmlEscape(shapeToString(r.spec.input)) << " → " << r.spec.classes << " classes; "
      << grouped(r.architecture.totalParams) << " parameters, " << grouped(r.architecture.totalFlops)
      << " FLOPs per sample.</p>\n";
    o << "<table class=\"data\"><tr><th>#</th><th>layer</th><th>options</th><th>output shape</th><th>parameters</th><th>FLOPs</th></tr>\n";
    for (std::size_t i = 0; i < r.architecture.layers.size(); ++i) {
        const LayerReport& l = r.architecture.layers[i];
        const json opts = i < r.spec.layers.size() ? r.spec.layers[i].options : json::object();
        o << "<tr><td>" << l.index << "</td><td>" << htmlEscape(l.kind) << "</td><td><code>"
          << htmlEscape(opts.empty() ? "" : jsonText(opts)) << "</code></td><td>" << htmlEscape(shapeToString(l.output))
          << "</td><td class=\"n\">" << grouped(l.params) << "</td><td class=\"n\">" << grouped(l.flops) << "</td></tr>\n";
    }
    o << "</table>\n";
}

void optionsSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "options", "Training options");
    if (!r.options.is_object() || r.options.empty()) {
        o << "<p>The model records no training options.</p>\n";
        return;
    }
    o << "<table class=\"data\"><tr><th>option</th><th>value</th></tr>\n";
    for (auto it = r.options.begin(); it != r.options.end(); ++it)
        o << "<tr><td>" << htmlEscape(it.key()) << "</td><td><code>" << htmlEscape(jsonText(it.value())) << "</code></td></tr>\n";
    o << "</table>\n";
    if (!r.edits.empty()) {
        o << "<p>Changed while training (from the step given on):</p>\n<table class=\"data\"><tr><th>step</th><th>option</th><th>value</th></tr>\n";
        for (const auto& e : r.edits)
            o << "<tr><td class=\"n\">" << e.step << "</td><td>" << htmlEscape(e.key) << "</td><td><code>"
              << htmlEscape(jsonText(e.value)) << "</code></td></tr>\n";
        o << "</table>\n";
    }
}

ChartSeries series(const std::string& name, std::uint8_t red, std::uint8_t green, std::uint8_t blue, bool dashed,
                   const std::vector<EpochRecord>& epochs, double EpochRecord::*field) {
    ChartSeries s{name, red, green, blue, dashed, {}, {}};
    for (const auto& e : epochs) {
        s.x.push_back(e.epoch);
        s.y.push_back(e.*field);
    }
    return s;
}

void curvesSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "curves", "Learning curves");
    if (r.epochs.empty()) {
        o << "<p>No per-epoch history is recorded for this model: a model file keeps only its final metrics. "
             "Report on the run (<code>--run ID</code>) for the curves.</p>\n";
        return;
    }
    LineChart loss{"Loss per epoch", "epoch", 640, 280, false, true, {}};
    loss.series.push_back(series("train", 31, 119, 180, true, r.epochs, &EpochRecord::trainLoss));
    loss.series.push_back(series("validation", 214, 39, 40, false, r.epochs, &EpochRecord::valLoss));
    LineChart acc{"Accuracy per epoch", "epoch", 640, 280, true, true, {}};
    acc.series.push_back(series("train", 31, 119, 180, true, r.epochs, &EpochRecord::trainAccuracy));
    acc.series.push_back(series("validation", 214, 39, 40, false, r.epochs, &EpochRecord::valAccuracy));
    LineChart lr{"Learning rate", "epoch", 640, 200, false, true, {}};
    lr.series.push_back(series("learning rate", 44, 160, 44, false, r.epochs, &EpochRecord::learningRate));
    o << "<p>" << img(drawLineChart(loss), 640, "loss per epoch") << "</p>\n";
    o << "<p>" << img(drawLineChart(acc), 640, "accuracy per epoch") << "</p>\n";
    o << "<p>" << img(drawLineChart(lr), 640, "learning rate per epoch") << "</p>\n";
    o << "<table class=\"data\"><tr><th>epoch</th><th>train loss</th><th>train acc.</th><th>val. loss</th><th>val. acc.</th>"
         "<th>learning rate</th><th>seconds</th><th>samples/s</th></tr>\n";
    for (const auto& e : r.epochs)
        o << "<tr><td class=\"n\">" << e.epoch << "</td><td class=\"n\">" << num(e.trainLoss) << "</td><td class=\"n\">"
          << num(e.trainAccuracy) << "</td><td class=\"n\">" << num(e.valLoss) << "</td><td class=\"n\">"
          << num(e.valAccuracy) << "</td><td class=\"n\">" << htmlEscape(num(e.learningRate, 6)) << "</td><td class=\"n\">"
          << num(e.seconds, 2) << "</td><td class=\"n\">" << num(e.samplesPerSecond, 0) << "</td></tr>\n";
    o << "</table>\n";
}

// White → blue by the share of the row (the true class) that the cell holds.
std::string cellColour(int value, int rowTotal) {
    const double share = rowTotal > 0 ? static_cast<double>(value) / rowTotal : 0.0;
    const int rb = static_cast<int>(std::lround(255 - 205 * share)), g = static_cast<int>(std::lround(255 - 140 * share));
    char buf[16];
    std::snprintf(buf, sizeof buf, "#%02x%02x%02x", rb, g, 255);
    return buf;
}

void confusionSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "confusion", "Confusion matrix");
    const auto& m = r.evaluation.confusion;
    o << "<p>Rows: the true class; columns: the predicted class; shade: the share of the row. "
      << grouped(r.evaluation.samples) << " samples of the " << htmlEscape(r.evaluatedOn) << ".</p>\n";
    o << "<table class=\"confusion\"><tr><th>true \\ predicted</th>";
    for (std::size_t c = 0; c < m.size(); ++c) o << "<th>" << htmlEscape(className(r, static_cast<int>(c))) << "</th>";
    o << "</tr>\n";
    for (std::size_t t = 0; t < m.size(); ++t) {
        int total = 0;
        for (int v : m[t]) total += v;
        o << "<tr><th>" << htmlEscape(className(r, static_cast<int>(t))) << "</th>";
        for (std::size_t p = 0; p < m[t].size(); ++p) {
            const std::string bg = cellColour(m[t][p], total);
            const bool dark = total > 0 && m[t][p] * 2 > total;
            o << "<td class=\"n\" bgcolor=\"" << bg << "\" style=\"background-color:" << bg
              << (dark ? ";color:#ffffff" : "") << (t == p ? ";font-weight:bold" : "") << "\">" << m[t][p] << "</td>";
        }
        o << "</tr>\n";
    }
    o << "</table>\n";
}

void perClassSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "per-class", "Per-class metrics");
    const auto& e = r.evaluation;
    o << "<p>Accuracy <b>" << percent(e.accuracy) << "</b>, top-" << e.topK << " accuracy " << percent(e.topKAccuracy)
      << ", macro F1 " << num(e.macroF1) << ", mean loss " << num(e.loss) << ".</p>\n";
    o << "<table class=\"data\"><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n";
    for (std::size_t c = 0; c < e.perClass.size(); ++c) {
        const auto& m = e.perClass[c];
        o << "<tr><td>" << htmlEscape(className(r, static_cast<int>(c))) << "</td><td class=\"n\">" << num(m.precision)
          << "</td><td class=\"n\">" << num(m.recall) << "</td><td class=\"n\">" << num(m.f1) << "</td><td class=\"n\">"
          << m.support << "</td></tr>\n";
    }
    o << "</table>\n";
}

void mistakesSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "mistakes", "Most confident mistakes");
    if (r.mistakes.empty()) {
        o << "<p>None: every evaluated sample was classified correctly.</p>\n";
        return;
    }
    o << "<p>The wrong answers the model was surest of, most confident first.</p>\n<table class=\"mistakes\"><tr>\n";
    for (std::size_t k = 0; k < r.mistakes.size(); ++k) {
        const ReportMistake& m = r.mistakes[k];
        if (k > 0 && k % 6 == 0) o << "</tr><tr>\n";
        const std::string truth = className(r, m.record.trueClass), said = className(r, m.record.predicted);
        o << "<td class=\"mistake\">";
        if (!m.image.chw.empty()) {
            o << thumbnail(m.image, 84, "sample " + std::to_string(m.record.index) + ": " + truth) << "<br>";
        } else if (!m.features.empty()) {
            o << "<code>(";
            for (std::size_t i = 0; i < m.features.size() && i < 6; ++i) o << (i ? ", " : "") << num(m.features[i], 3);
            o << (m.features.size() > 6 ? ", …" : "") << ")</code><br>";
        }
        o << "#" << m.record.index << "<br>true: " << htmlEscape(truth) << "<br>said: <b>" << htmlEscape(said)
          << "</b><br>" << percent(m.record.confidence) << "</td>\n";
    }
    o << "</tr></table>\n";
}

void alertsSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "alerts", "Training doctor's alerts");
    const json& a = r.alerts;
    if (a.is_null() || (a.is_array() && a.empty()) || (a.is_object() && a.empty())) {
        o << "<p class=\"none\">None recorded.</p>\n";
        return;
    }
    // Each alert as recorded: known fields first (severity, epoch, step, title/message, hint),
    // anything else as key = value, so nothing the doctor wrote is lost.
    const json list = a.is_array() ? a : json::array({a});
    o << "<ul class=\"alerts\">\n";
    for (const json& item : list) {
        o << "<li>";
        if (!item.is_object()) {
            o << htmlEscape(jsonText(item)) << "</li>\n";
            continue;
        }
        for (const char* k : {"severity", "level", "kind", "code"})
            if (item.contains(k)) o << "<b>[" << htmlEscape(jsonText(item[k])) << "]</b> ";
        std::string where;  // "epoch 1, step 11, layer conv1"
        for (const char* k : {"epoch", "step", "layer"})
            if (item.contains(k) && !item[k].is_null() && !(item[k].is_string() && item[k].get<std::string>().empty()))
                where += (where.empty() ? "" : ", ") + std::string(k) + " " + jsonText(item[k]);
        if (!where.empty()) o << htmlEscape(where) << ": ";
        for (const char* k : {"title", "message", "text", "what"})
            if (item.contains(k)) o << htmlEscape(jsonText(item[k])) << " ";
        for (const char* k : {"suggestion", "hint", "advice", "fix"})
            if (item.contains(k)) o << "<br><i>" << htmlEscape(jsonText(item[k])) << "</i>";
        std::string rest;
        for (auto it = item.begin(); it != item.end(); ++it) {
            static const std::vector<std::string> shown = {"severity", "level", "kind", "code", "epoch", "step", "layer",
                                                           "title", "message", "text", "what", "suggestion", "hint",
                                                           "advice", "fix"};
            if (std::find(shown.begin(), shown.end(), it.key()) != shown.end()) continue;
            rest += (rest.empty() ? "" : ", ") + it.key() + " = " + jsonText(it.value());
        }
        if (!rest.empty()) o << "<br><small>" << htmlEscape(rest) << "</small>";
        o << "</li>\n";
    }
    o << "</ul>\n";
}

void machineSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "machine", "Machine");
    const MachineInfo& m = r.machine;
    std::string flags;
    for (const auto& f : m.flags) flags += (flags.empty() ? "" : " ") + f;
    o << "<table class=\"data\">\n<tr><td>CPU</td><td>" << htmlEscape(m.cpuModel) << "</td></tr>\n<tr><td>logical cores</td><td>"
      << m.logicalCores << "</td></tr>\n<tr><td>vector extensions</td><td>" << htmlEscape(flags.empty() ? "none listed" : flags)
      << "</td></tr>\n<tr><td>memory</td><td>" << num(static_cast<double>(m.memoryBytes) / (1 << 30), 1)
      << " GiB</td></tr>\n<tr><td>system</td><td>" << htmlEscape(m.system) << "</td></tr>\n<tr><td>host</td><td>"
      << htmlEscape(m.host) << "</td></tr>\n</table>\n";
    o << "<p>The machine this report was made on; a run trained elsewhere names its host under Timings.</p>\n";
}

void timingsSection(std::ostringstream& o, const RunReportContents& r) {
    section(o, "timings", "Timings");
    o << "<table class=\"data\">\n";
    o << "<tr><td>training (wall clock, every session)</td><td>" << duration(r.trainWallSeconds) << "</td></tr>\n";
    o << "<tr><td>training (CPU time)</td><td>" << duration(r.trainCpuSeconds) << "</td></tr>\n";
    o << "<tr><td>training throughput</td><td>"
      << (r.trainSamplesPerSecond >= 0 ? num(r.trainSamplesPerSecond, 0) + " samples/s" : "not recorded") << "</td></tr>\n";
    o << "<tr><td>training threads</td><td>" << (r.trainThreads > 0 ? std::to_string(r.trainThreads) : "not recorded")
      << "</td></tr>\n";
    if (r.peakRssBytes > 0)
        o << "<tr><td>peak memory (RSS)</td><td>" << num(static_cast<double>(r.peakRssBytes) / (1 << 20), 0) << " MiB</td></tr>\n";
    double epochSum = 0;
    for (const auto& e : r.epochs) epochSum += e.seconds;
    if (!r.epochs.empty())
        o << "<tr><td>mean epoch</td><td>" << num(epochSum / static_cast<double>(r.epochs.size()), 2) << " s over "
          << r.epochs.size() << " epochs</td></tr>\n";
    o << "<tr><td>evaluation for this report</td><td>" << num(r.evaluationSeconds, 3) << " s for "
      << grouped(r.evaluation.samples) << " samples on " << r.evaluationThreads << " thread"
      << (r.evaluationThreads == 1 ? "" : "s") << "</td></tr>\n";
    o << "</table>\n";
}

const char* kStyle = R"(body{font-family:sans-serif;max-width:980px;margin:24px auto;color:#222;line-height:1.4}
h1{font-size:1.6em;margin-bottom:0.2em}h2{border-bottom:1px solid #ccc;padding-bottom:2px;margin-top:1.6em}
table{border-collapse:collapse;margin:6px 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f1f3f6}
table.confusion td{min-width:2.4em}td.mistake{text-align:center;font-size:0.9em}
img{image-rendering:pixelated}code{font-size:0.9em}.none{color:#555}.summary{font-size:1.1em})";

}  // namespace

const std::vector<std::string>& reportSectionIds() {
    static const std::vector<std::string> ids = {"dataset",  "architecture", "options", "curves",  "confusion",
                                                 "per-class", "mistakes",    "alerts",  "machine", "timings"};
    return ids;
}

std::string htmlEscape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    return out;
}

std::string base64Encode(const std::vector<std::uint8_t>& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = bytes[i] << 16;
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (bytes[i] << 16) | (bytes[i + 1] << 8);
        out += table[v >> 18];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

std::string pngDataUri(const std::vector<std::uint8_t>& png) { return "data:image/png;base64," + base64Encode(png); }

std::string renderRunReportHtml(const RunReportContents& r) {
    std::ostringstream o;
    o << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Run report: " << htmlEscape(r.title)
      << "</title>\n<style>" << kStyle << "</style></head><body>\n";
    o << "<h1>Run report: " << htmlEscape(r.title) << "</h1>\n";
    o << "<p>" << htmlEscape(r.source) << " · made " << utcTime(r.generatedAt) << " by Training Studio</p>\n";
    o << "<p class=\"summary\">Test accuracy <b>" << percent(r.evaluation.accuracy) << "</b> · macro F1 "
      << num(r.evaluation.macroF1) << " · " << htmlEscape(r.datasetName) << " · " << grouped(r.architecture.totalParams)
      << " parameters</p>\n";
    o << "<p>Contents: ";
    static const std::vector<std::string> titles = {"Dataset", "Architecture", "Options", "Curves", "Confusion matrix",
                                                    "Per-class metrics", "Mistakes", "Alerts", "Machine", "Timings"};
    for (std::size_t i = 0; i < titles.size(); ++i)
        o << (i ? " · " : "") << "<a href=\"#" << reportSectionIds()[i] << "\">" << titles[i] << "</a>";
    o << "</p>\n";
    datasetSection(o, r);
    architectureSection(o, r);
    optionsSection(o, r);
    curvesSection(o, r);
    confusionSection(o, r);
    perClassSection(o, r);
    mistakesSection(o, r);
    alertsSection(o, r);
    machineSection(o, r);
    timingsSection(o, r);
    o << "</body></html>\n";
    return o.str();
}

}  // namespace studio
