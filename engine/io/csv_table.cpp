#include "engine/io/csv_table.h"

#include <filesystem>
#include <fstream>
#include <limits>
#include <system_error>

namespace studio {

std::string_view CsvTable::cell(int r, int c) const {
    const std::size_t k =
        static_cast<std::size_t>(r) * static_cast<std::size_t>(m_columns) + static_cast<std::size_t>(c);
    STUDIO_ASSERT(r >= 0 && r < m_rows && c >= 0 && c < m_columns, "CsvTable::cell out of range");
    return std::string_view(m_text).substr(m_starts[k], m_starts[k + 1] - m_starts[k]);
}

namespace {

std::string bytesText(std::size_t n) {
    if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
    if (n >= (1u << 10) && n % (1u << 10) == 0) return std::to_string(n >> 10) + " KiB";
    return std::to_string(n) + " bytes";
}

}  // namespace

// One pass over the bytes; cells are appended to the table's text as they are unquoted.
class CsvTableBuilder {
public:
    CsvTableBuilder(std::string_view text, const std::string& label, const CsvLimits& limits)
        : m_in(text), m_label(label), m_limits(limits) {}

    Result<CsvTable> parse() {
        if (m_in.size() > m_limits.maxBytes || m_in.size() >= std::numeric_limits<std::uint32_t>::max())
            return fail(0, "is " + bytesText(m_in.size()) + ", more than the " + bytesText(m_limits.maxBytes) +
                               " a table may have");
        if (m_in.substr(0, 3) == "\xEF\xBB\xBF") m_at = 3;
        m_table.m_text.reserve(m_in.size());
        while (m_at < m_in.size()) STUDIO_TRY(readRow());
        if (m_table.m_rows == 0) return fail(0, "holds no rows");
        m_table.m_starts.push_back(static_cast<std::uint32_t>(m_table.m_text.size()));
        return std::move(m_table);
    }

private:
    Error fail(int line, const std::string& what) const {
        return Error::corrupt(
            "The table '" + m_label + "'" + (line > 0 ? ", line " + std::to_string(line) + "," : "") + " " + what + ".",
            "Tables are CSV: one row per line, cells separated by commas, the same number of "
            "cells in every row; quote a cell that holds a comma, quote or line break.");
    }

    bool atRowEnd() const { return m_at >= m_in.size() || m_in[m_at] == '\n' || m_in[m_at] == '\r'; }

    // Consumes one line break (LF, CRLF or CR) at m_at, if there is one, counting it.
    bool skipLineBreak() {
        if (m_at >= m_in.size()) return false;
        if (m_in[m_at] == '\r') {
            m_at += (m_at + 1 < m_in.size() && m_in[m_at + 1] == '\n') ? 2 : 1;
        } else if (m_in[m_at] == '\n') {
            ++m_at;
        } else {
            return false;
        }
        ++m_line;
        return true;
    }

    Status append(char c, int column) {
        if (m_table.m_text.size() - m_cellStart >= m_limits.maxCellBytes)
            return fail(m_line, "column " + std::to_string(column) + ": a cell is longer than " +
                                    bytesText(m_limits.maxCellBytes));
        m_table.m_text.push_back(c);
        return Status::success();
    }

    Status readQuotedCell(int column) {
        const int opened = m_line;
        ++m_at;  // the opening quote
        while (true) {
            if (m_at >= m_in.size())
                return fail(opened, "column " + std::to_string(column) + ": a quoted cell has no closing quote");
            const char c = m_in[m_at];
            if (c == '"') {
                if (m_at + 1 < m_in.size() && m_in[m_at + 1] == '"') {
                    STUDIO_TRY(append('"', column));
                    m_at += 2;
                    continue;
                }
                ++m_at;
                break;
            }
            if (c == '\n' || (c == '\r' && !(m_at + 1 < m_in.size() && m_in[m_at + 1] == '\n'))) ++m_line;
            STUDIO_TRY(append(c, column));
            ++m_at;
        }
        if (!atRowEnd() && m_in[m_at] != ',')
            return fail(m_line, "column " + std::to_string(column) + ": text follows a closing quote");
        return Status::success();
    }

    Status readRow() {
        const int rowLine = m_line;
        const std::size_t firstStart = m_table.m_starts.size();
        int cells = 0;
        bool quotedAny = false;
        while (true) {
            const int column = cells + 1;
            if (m_table.m_rows == 0 ? column > m_limits.maxColumns : column > m_table.m_columns)
                return m_table.m_rows == 0
                           ? fail(rowLine, "has more than " + std::to_string(m_limits.maxColumns) + " columns")
                           : fail(rowLine,
                                  "has more cells than the " + std::to_string(m_table.m_columns) + " of the first row");
            m_cellStart = m_table.m_text.size();
            m_table.m_starts.push_back(static_cast<std::uint32_t>(m_cellStart));
            if (m_at < m_in.size() && m_in[m_at] == '"') {
                quotedAny = true;
                STUDIO_TRY(readQuotedCell(column));
            } else {
                while (!atRowEnd() && m_in[m_at] != ',') {
                    STUDIO_TRY(append(m_in[m_at], column));
                    ++m_at;
                }
            }
            ++cells;
            if (m_at < m_in.size() && m_in[m_at] == ',') {
                ++m_at;
                continue;
            }
            break;
        }
        skipLineBreak();
        if (cells == 1 && !quotedAny && m_table.m_text.size() == m_cellStart) {  // a blank line
            m_table.m_starts.resize(firstStart);
            return Status::success();
        }
        if (m_table.m_rows == 0) m_table.m_columns = cells;
        if (cells != m_table.m_columns)
            return fail(rowLine, "has " + std::to_string(cells) + " cell" + (cells == 1 ? "" : "s") +
                                     " but the first row has " + std::to_string(m_table.m_columns));
        if (m_table.m_rows + 1 > m_limits.maxRows)
            return fail(rowLine, "goes past the limit of " + std::to_string(m_limits.maxRows) + " rows");
        if (static_cast<std::size_t>(m_table.m_rows + 1) * static_cast<std::size_t>(m_table.m_columns) >
            m_limits.maxCells)
            return fail(rowLine, "goes past the limit of " + std::to_string(m_limits.maxCells) + " cells");
        ++m_table.m_rows;
        m_table.m_lines.push_back(rowLine);
        return Status::success();
    }

    std::string_view m_in;
    const std::string& m_label;
    const CsvLimits& m_limits;
    std::size_t m_at = 0;
    int m_line = 1;
    std::size_t m_cellStart = 0;
    CsvTable m_table;
};

Result<CsvTable> parseCsv(std::string_view text, const std::string& label, const CsvLimits& limits) {
    return CsvTableBuilder(text, label, limits).parse();
}

Result<CsvTable> readCsvFile(const std::string& path, const CsvLimits& limits) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) return Error::notFound("Cannot read the table '" + path + "': " + ec.message() + ".", "Check the path.");
    if (size > limits.maxBytes)
        return Error::unsupported("The table '" + path + "' is " + bytesText(size) + ", more than the " +
                                      bytesText(limits.maxBytes) + " a table may have.",
                                  "Use a smaller table, or an image or IDX dataset for large data.");
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<std::size_t>(size), '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
        return Error::io("Cannot read the table '" + path + "'.", "Check that the file is readable.");
    return parseCsv(text, path, limits);
}

}  // namespace studio
