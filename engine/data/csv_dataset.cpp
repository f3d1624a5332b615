#include "engine/data/csv_dataset.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

namespace studio {

namespace {

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string columnName(const CsvTable& table, bool header, int c) {
    if (header) {
        const std::string_view name = trimmed(table.cell(0, c));
        if (!name.empty()) return std::string(name);
    }
    return "column " + std::to_string(c + 1);
}

// A cell for a message: at most 40 characters, quoted.
std::string shown(std::string_view cell) {
    std::string s(cell.substr(0, 40));
    for (char& ch : s)
        if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
    return "'" + s + (cell.size() > 40 ? "…'" : "'");
}

bool isWholeNumber(std::string_view s) {
    return !s.empty() && s.size() <= 9 &&
           std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

struct LabelChoice {
    int column = -1;
    bool header = false;
};

// Resolves the header question and the label column together: a named label needs a header.
Result<LabelChoice> chooseLabel(const CsvTable& table, const std::string& label, const CsvDatasetOptions& o) {
    const int columns = table.columnCount();
    const std::string given(trimmed(o.labelColumn));
    auto header = [&](int labelColumn) {
        if (o.header == CsvHeader::Present) return true;
        if (o.header == CsvHeader::Absent) return false;
        return csvFirstRowHasText(table, labelColumn);
    };
    if (given.empty()) return LabelChoice{columns - 1, header(columns - 1)};
    if (o.header != CsvHeader::Absent)
        for (int c = 0; c < columns; ++c)
            if (trimmed(table.cell(0, c)) == given) return LabelChoice{c, true};
    if (isWholeNumber(given)) {
        const int n = std::stoi(given);
        if (n >= 1 && n <= columns) return LabelChoice{n - 1, header(n - 1)};
        return Error::invalid("The label column " + given + " of '" + label + "' does not exist: the table has " +
                                  std::to_string(columns) + " columns.",
                              "Give a column number from 1 to " + std::to_string(columns) + ", or a column's name.");
    }
    std::string names;
    if (o.header != CsvHeader::Absent)
        for (int c = 0; c < columns && c < 30; ++c) names += (c ? ", " : "") + columnName(table, true, c);
    return Error::invalid(
        "The table '" + label + "' has no column named '" + given + "'.",
        o.header == CsvHeader::Absent
            ? "Without a header row, give the label column by number (1 to " + std::to_string(columns) + ")."
            : "Its first row names: " + names + ". Or give the column's number.");
}

// The label column's distinct values → class names, numeric order when all are numbers.
std::vector<std::string> classNamesOf(const std::vector<std::string_view>& labels) {
    std::vector<std::string> names;
    for (std::string_view v : labels) names.emplace_back(v);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    std::vector<double> values;
    for (const auto& n : names)
        if (auto v = parseFeatureCell(n)) values.push_back(*v);
    if (values.size() == names.size()) {
        std::vector<std::size_t> order(names.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
        std::vector<std::string> sorted;
        for (std::size_t i : order) sorted.push_back(names[i]);
        names = std::move(sorted);
    }
    return names;
}

}  // namespace

void CsvCellProblems::add(const CsvTable& table, int r, int c, const std::string& name, std::string_view cell,
                          bool missing) {
    if (++m_count > 5) return;
    const std::string plain = "column " + std::to_string(c + 1);
    m_text += (m_text.empty() ? "" : "; ") + std::string("line ") + std::to_string(table.line(r)) + ", " + plain +
              (name == plain ? "" : " (" + name + ")") + ": " +
              (missing ? "missing" : shown(cell) + " is not a number");
}

Status CsvCellProblems::status(const std::string& label) const {
    if (m_count == 0) return Status::success();
    return Error::corrupt("The table '" + label + "' has " + std::to_string(m_count) + " missing or non-numeric cell" +
                              (m_count == 1 ? "" : "s") + ": " + m_text + (m_count > 5 ? "; …" : "") + ".",
                          "Every feature cell must be a number and every row needs a label; fix or remove those "
                          "rows, or choose another label column.");
}

std::string csvColumnName(const CsvTable& table, bool header, int c) {
    return columnName(table, header, c);
}

bool csvFirstRowHasText(const CsvTable& table, int skipColumn) {
    for (int c = 0; c < table.columnCount(); ++c) {
        if (c == skipColumn) continue;
        bool missing = false;
        if (!parseFeatureCell(table.cell(0, c), &missing) && !missing) return true;
    }
    return false;
}

std::optional<CsvHeader> csvHeaderFromName(std::string_view name) {
    if (name == "auto") return CsvHeader::Automatic;
    if (name == "yes") return CsvHeader::Present;
    if (name == "no") return CsvHeader::Absent;
    return std::nullopt;
}

bool isCsvPath(const std::string& path) {
    return path.size() > 4 && equalsIgnoringCase(std::string_view(path).substr(path.size() - 4), ".csv");
}

std::optional<float> parseFeatureCell(std::string_view cell, bool* missing) {
    const std::string_view s = trimmed(cell);
    const bool isMissing = s.empty() || s == "?" || equalsIgnoringCase(s, "NA") || equalsIgnoringCase(s, "N/A") ||
                           equalsIgnoringCase(s, "NaN") || equalsIgnoringCase(s, "null");
    if (missing) *missing = isMissing;
    if (isMissing) return std::nullopt;
    std::string_view digits = s;
    if (digits.front() == '+') {  // from_chars takes no '+'; "+-1" and "++1" stay errors
        digits.remove_prefix(1);
        if (digits.empty() || digits.front() == '+' || digits.front() == '-') return std::nullopt;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    // from_chars also reads "inf" and "nan": only finite numbers are features.
    if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v) ||
        std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max()))
        return std::nullopt;
    return static_cast<float>(v);
}

Result<DatasetBundle> csvDatasetFromTable(const CsvTable& table, const std::string& label,
                                          const CsvDatasetOptions& options) {
    const int columns = table.columnCount();
    if (columns < 2)
        return Error::invalid(
            "The table '" + label + "' has one column; it needs at least one feature column and a label column.",
            "Separate the cells with commas.");
    auto choice = chooseLabel(table, label, options);
    if (!choice) return choice.error();
    const int first = choice->header ? 1 : 0;
    const int rows = table.rowCount() - first;
    if (rows < 1)
        return Error::invalid("The table '" + label + "' has a header row but no data rows.",
                              "Add rows of numbers below it.");

    TableLayout layout;
    layout.header = choice->header;
    layout.labelColumn = choice->column;
    layout.labelName = columnName(table, layout.header, choice->column);
    layout.columns = columns;
    for (int c = 0; c < columns; ++c)
        if (c != layout.labelColumn) layout.featureNames.push_back(columnName(table, layout.header, c));
    const int features = columns - 1;

    CsvCellProblems problems;
    std::vector<std::string_view> labels;
    labels.reserve(static_cast<std::size_t>(rows));
    std::vector<float> values;
    values.reserve(static_cast<std::size_t>(rows) * static_cast<std::size_t>(features));
    for (int r = first; r < table.rowCount(); ++r) {
        for (int c = 0; c < columns; ++c) {
            const std::string_view cell = table.cell(r, c);
            bool missing = false;
            if (c == layout.labelColumn) {
                labels.push_back(trimmed(cell));
                if (labels.back().empty()) problems.add(table, r, c, layout.labelName, cell, true);
                continue;
            }
            const auto v = parseFeatureCell(cell, &missing);
            if (!v) problems.add(table, r, c, columnName(table, layout.header, c), cell, missing);
            values.push_back(v.value_or(0.0f));
        }
    }
    STUDIO_TRY(problems.status(label));

    const std::vector<std::string> classes = classNamesOf(labels);
    if (static_cast<int>(classes.size()) > options.maxClasses)
        return Error::invalid("The label column '" + layout.labelName + "' of '" + label + "' has " +
                                  std::to_string(classes.size()) + " different values, more than the " +
                                  std::to_string(options.maxClasses) + " classes a table may have.",
                              "Is it the right column? A label column names a class in each row (the last column "
                              "unless you choose another).");
    std::map<std::string_view, std::int32_t> classOf;
    for (std::size_t k = 0; k < classes.size(); ++k) classOf[classes[k]] = static_cast<std::int32_t>(k);
    std::vector<std::int32_t> ids;
    ids.reserve(labels.size());
    for (std::string_view l : labels) ids.push_back(classOf.at(l));

    std::string name = std::filesystem::path(label).filename().string();
    if (isCsvPath(name)) name.resize(name.size() - 4);
    DatasetBundle bundle;
    bundle.pool = Dataset::features(name, features, classes);
    bundle.pool.appendFeatures(values.data(), ids.data(), rows);
    bundle.pool.setTable(layout);
    bundle.description = std::filesystem::path(label).filename().string() + ": " + std::to_string(rows) + " rows, " +
                         std::to_string(features) + " feature" + (features == 1 ? "" : "s") + ", " +
                         std::to_string(classes.size()) + " classes from column '" + layout.labelName + "'";
    return bundle;
}

Result<DatasetBundle> loadCsvDataset(const std::string& path, const CsvDatasetOptions& options) {
    auto table = readCsvFile(path, options.limits);
    if (!table) return table.error();
    return csvDatasetFromTable(*table, path, options);
}

Result<CsvColumns> csvColumns(const std::string& path, CsvHeader header) {
    auto table = readCsvFile(path);
    if (!table) return table.error();
    CsvDatasetOptions o;
    o.header = header;
    auto choice = chooseLabel(*table, path, o);
    if (!choice) return choice.error();
    CsvColumns out;
    out.header = choice->header;
    for (int c = 0; c < table->columnCount(); ++c) out.names.push_back(columnName(*table, out.header, c));
    return out;
}

}  // namespace studio
