#pragma once
// Tables from CSV files as feature datasets: numeric columns are the features, one column is
// the label (by name or 1-based index; the last column by default). The first row is a header
// when asked, or — for CsvHeader::Automatic — when the label is named, or when any of its
// feature cells is not a number. Classes are the label column's distinct values, in numeric
// order when every one is a number, else in text order. Samples keep the feature layout of the
// built-in 2-D sets (Dataset::features, sampleShape {F}); the dataset carries a TableLayout.
// Missing and non-numeric cells are errors naming the line and column (the first few, with a
// count); nothing is guessed or skipped.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/io/csv_table.h"

namespace studio {

enum class CsvHeader { Automatic, Present, Absent };

struct CsvDatasetOptions {
    std::string labelColumn;  // a header name, or a 1-based column number; "" = the last column
    CsvHeader header = CsvHeader::Automatic;
    CsvLimits limits;
    int maxClasses = 1000;  // more distinct labels than this: probably not a label column
};

/// "auto" | "yes" | "no" (the option values of csv_header); nullopt for anything else.
std::optional<CsvHeader> csvHeaderFromName(std::string_view name);
/// A path ending in ".csv" (any case).
bool isCsvPath(const std::string& path);

/// A cell as a feature value: spaces around it are ignored; "", "NA", "N/A", "NaN", "?", "null"
/// count as missing. nullopt with `missing` set for a missing cell, unset for text that is not
/// a finite float.
std::optional<float> parseFeatureCell(std::string_view cell, bool* missing = nullptr);

/// Bad cells of a table, for one error: the first five by line and column, and the count.
class CsvCellProblems {
public:
    /// `name`: the column's name ("column N" without a header).
    void add(const CsvTable& table, int row, int column, const std::string& name, std::string_view cell, bool missing);
    int count() const { return m_count; }
    /// Success when none were added; else an Error naming `label` and listing them.
    Status status(const std::string& label) const;

private:
    int m_count = 0;
    std::string m_text;
};

/// Column c's name: the first row's (trimmed) cell when it is a header and not empty, else
/// "column c+1".
std::string csvColumnName(const CsvTable& table, bool header, int column);
/// True when a cell of row 0 other than `skipColumn` (-1: none) is neither a number nor missing.
bool csvFirstRowHasText(const CsvTable& table, int skipColumn);

/// Loads the file as a dataset. Errors name the file, and for cells the line and column.
Result<DatasetBundle> loadCsvDataset(const std::string& path, const CsvDatasetOptions& options = {});
/// The same for a table already parsed; `label` names the source in messages and gives the
/// dataset's name (its file name without ".csv").
Result<DatasetBundle> csvDatasetFromTable(const CsvTable& table, const std::string& label,
                                          const CsvDatasetOptions& options = {});

/// The columns of the file as the Data dock lists them: the header's names when the first row
/// is a header (decided as for loading, with the default label), else "column 1", "column 2", ….
struct CsvColumns {
    std::vector<std::string> names;
    bool header = false;
};
Result<CsvColumns> csvColumns(const std::string& path, CsvHeader header = CsvHeader::Automatic);

}  // namespace studio
