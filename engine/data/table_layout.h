#pragma once
// TableLayout: which columns of a CSV table a feature dataset was made from. It travels with the
// dataset into the model's preprocessing (saved in the model file), so `predict` can take rows
// of a CSV file — by column name when the rows have a header, else by position.

#include <string>
#include <vector>

namespace studio {

struct TableLayout {
    std::vector<std::string> featureNames;  // in feature order; "column N" (1-based) without a header
    std::string labelName;                  // the label column's header, or "column N"
    int labelColumn = -1;                   // 0-based index of the label column in the table
    int columns = 0;                        // cells per row of the table (features + label)
    bool header = false;                    // the table's first row named the columns

    bool operator==(const TableLayout&) const = default;
};

}  // namespace studio
