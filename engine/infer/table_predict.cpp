#include "engine/infer/table_predict.h"

#include <cstring>

#include "engine/data/csv_dataset.h"

namespace studio {

namespace {

std::string trimmedCell(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

struct ColumnChoice {
    std::vector<int> columns;  // table column of each feature
    bool header = false;
};

// By name when the first row names every feature; else by position.
Result<ColumnChoice> chooseColumns(const CsvTable& table, const Preprocessing& p, const std::string& label) {
    const int features = static_cast<int>(shapeSize(p.inputShape));
    const int width = table.columnCount();
    ColumnChoice choice;
    if (p.table && p.table->header) {
        for (const std::string& name : p.table->featureNames) {
            int found = -1;
            for (int c = 0; c < width && found < 0; ++c)
                if (trimmedCell(table.cell(0, c)) == name) found = c;
            if (found < 0) break;
            choice.columns.push_back(found);
        }
        if (static_cast<int>(choice.columns.size()) == features) {
            choice.header = true;
            return choice;
        }
        choice.columns.clear();
    }
    std::string expected = std::to_string(features) + " feature" + (features == 1 ? "" : "s");
    if (p.table) {
        expected += " (";
        for (std::size_t i = 0; i < p.table->featureNames.size() && i < 20; ++i)
            expected += (i ? ", " : "") + p.table->featureNames[i];
        expected += p.table->featureNames.size() > 20 ? ", …)" : ")";
    }
    if (width == features) {
        for (int c = 0; c < width; ++c) choice.columns.push_back(c);
    } else if (p.table && width == p.table->columns) {
        for (int c = 0; c < width; ++c)
            if (c != p.table->labelColumn) choice.columns.push_back(c);
    } else {
        return Error::invalid(
            "The rows of '" + label + "' have " + std::to_string(width) + " cells but the model takes " + expected +
                ".",
            p.table && p.table->header
                ? "Give the rows a header naming those columns, or one cell per feature in that order."
                : "Give one cell per feature, in the order the model was trained with.");
    }
    // Without names to match, a first row of words is a header (the label column may hold words).
    const int skip = p.table && width == p.table->columns ? p.table->labelColumn : -1;
    choice.header = csvFirstRowHasText(table, skip);
    return choice;
}

}  // namespace

Result<TableRows> tableFeatureRows(const CsvTable& table, const Preprocessing& p, const std::string& label) {
    if (p.isImage)
        return Error::invalid("The model takes images, not rows of a table ('" + label + "').",
                              "Give image files or folders to predict with this model.");
    auto choice = chooseColumns(table, p, label);
    if (!choice) return choice.error();
    const int first = choice->header ? 1 : 0;
    const int rows = table.rowCount() - first;
    if (rows < 1) return Error::invalid("The table '" + label + "' has no rows to predict.", "Add rows of numbers.");
    const int features = static_cast<int>(choice->columns.size());
    TableRows out;
    out.features = Tensor(Shape{rows, features});
    CsvCellProblems problems;
    for (int r = first; r < table.rowCount(); ++r) {
        float* row = out.features.data() + static_cast<std::size_t>(r - first) * static_cast<std::size_t>(features);
        for (int f = 0; f < features; ++f) {
            const int c = choice->columns[static_cast<std::size_t>(f)];
            bool missing = false;
            const auto v = parseFeatureCell(table.cell(r, c), &missing);
            if (!v) problems.add(table, r, c, csvColumnName(table, choice->header, c), table.cell(r, c), missing);
            row[f] = v.value_or(0.0f);
        }
        out.lines.push_back(table.line(r));
    }
    if (problems.count() > 0) {
        const Error e = problems.status(label).error();
        return Error::corrupt(e.message(), "Every feature cell must be a number; fix or remove those rows.");
    }
    return out;
}

Result<std::vector<TablePrediction>> predictTableFile(const ModelSnapshot& snapshot, const std::string& path, int topK,
                                                      ThreadPool* pool) {
    auto table = readCsvFile(path);
    if (!table) return table.error();
    auto rows = tableFeatureRows(*table, snapshot.preprocessing, path);
    if (!rows) return rows.error();
    const int n = rows->features.dim(0);
    const std::size_t per = rows->features.sampleSize();
    for (int i = 0; i < n; ++i)
        snapshot.preprocessing.normalize(rows->features.data() + static_cast<std::size_t>(i) * per);
    std::vector<Prediction> predictions = predictBatch(snapshot, rows->features, topK, pool);
    std::vector<TablePrediction> out(predictions.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        out[i].line = rows->lines[i];
        out[i].prediction = std::move(predictions[i]);
    }
    return out;
}

}  // namespace studio
