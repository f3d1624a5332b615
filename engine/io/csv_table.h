#pragma once
// Reading a CSV file into a table of text cells (RFC 4180, as spreadsheets write it): comma
// separated; a cell in double quotes may hold commas, line breaks and doubled quotes; rows end
// with LF, CRLF or CR; a UTF-8 byte-order mark is dropped; blank lines are skipped. Every row
// must have as many cells as the first. (csv.h writes cells; this reads them.)
//
// Hostile files meet budgets before memory is spent: the whole file, the cell count, the
// columns per row, the rows and each cell's length are bounded, and going past one is an Error
// naming the line and the limit. Cells share one text buffer (8 bytes of index per cell), so a
// table takes at most about nine times its file's size.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/core/result.h"

namespace studio {

struct CsvLimits {
    std::size_t maxBytes = 256u << 20;     // the whole file
    std::size_t maxCellBytes = 64u << 10;  // one cell, after unquoting
    int maxColumns = 10000;
    int maxRows = 5000000;
    std::size_t maxCells = 20000000;  // rows × columns
};

class CsvTable {
public:
    int rowCount() const { return m_rows; }
    int columnCount() const { return m_columns; }
    /// The cell's text, unquoted, as written (no trimming). r < rowCount(), c < columnCount().
    std::string_view cell(int r, int c) const;
    /// The 1-based line of the file where row r starts (for messages: blank lines and line
    /// breaks inside quoted cells make it differ from r + 1).
    int line(int r) const { return m_lines[static_cast<std::size_t>(r)]; }

private:
    friend class CsvTableBuilder;
    int m_rows = 0;
    int m_columns = 0;
    std::string m_text;                   // every cell's text, back to back
    std::vector<std::uint32_t> m_starts;  // rows × columns + 1 offsets into m_text
    std::vector<int> m_lines;
};

/// `label` names the source in messages (a path). Errors: empty (no row), ragged row, an
/// unterminated quoted cell, text after a closing quote, a budget exceeded.
Result<CsvTable> parseCsv(std::string_view text, const std::string& label, const CsvLimits& limits = {});
/// Reads the file (refusing one larger than limits.maxBytes before reading it) and parses it.
Result<CsvTable> readCsvFile(const std::string& path, const CsvLimits& limits = {});

}  // namespace studio
