#pragma once
// FolderResultsTable: what the model said about every image of a classified folder — one row
// per file (file, predicted class, confidence, error), sortable by any column, exportable as
// CSV. It shows the rows it is given; the app runs the predictions and writes the file. An
// error wraps inside its cell, whole, however long the path it names.

#include <QList>
#include <QString>
#include <QWidget>

class QLabel;
class QPushButton;
class QStandardItemModel;
class QTableView;

namespace studio::widgets {

/// One file of a folder run, as the app converts it.
struct FolderResultRow {
    QString file;             ///< as shown and exported, e.g. a path relative to the folder
    QString predictedClass;   ///< empty when the file failed
    double confidence = 0.0;  ///< probability of predictedClass, in [0, 1]
    QString error;            ///< non-empty when the file could not be classified
};

class FolderResultsTable : public QWidget {
    Q_OBJECT
public:
    enum Column { FileColumn, ClassColumn, ConfidenceColumn, ErrorColumn, ColumnCount };

    explicit FolderResultsTable(QWidget* parent = nullptr);

    /// Replaces the rows (shown in the given order until the user sorts); `folder` names the
    /// run in the summary line ("digits: 200 files, 3 could not be read").
    void setRows(const QList<FolderResultRow>& rows, const QString& folder = {});
    QList<FolderResultRow> rows() const { return m_rows; }
    int rowCount() const { return int(m_rows.size()); }
    int errorCount() const;

    /// RFC 4180: a header line, CRLF line ends, fields with a comma, quote, CR or LF quoted
    /// and their quotes doubled. Rows in the order the table shows them now (after sorting).
    /// confidence is a fraction with 6 decimals, empty for failed files.
    QString toCsv() const;
    /// toCsv() as UTF-8, written atomically (QSaveFile). On failure returns false and sets
    /// `error` (if given) to a message naming the file.
    bool writeCsv(const QString& path, QString* error = nullptr) const;
    /// RFC 4180 quoting; a value a spreadsheet would run as a formula (= + - @) gets a leading '.
    static QString csvField(const QString& text);

    /// The text shown in a cell at the current (sorted) row order, for tests.
    QString cellText(int row, int column) const;
    QString summaryText() const;
    QTableView* view() const { return m_view; }
    QPushButton* exportButton() const { return m_export; }

Q_SIGNALS:
    /// The user asked to save the rows as CSV (the app asks where and calls writeCsv).
    void exportCsvRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    /// With errors shown, File takes what its names need up to 40% of the width it shares with
    /// Error (errors are the longer texts); without, all of it. Not after the user has sized it.
    void fitFileColumn();
    /// Rows with an error as tall as their wrapped error at the Error column's width.
    void fitRowHeights();
    void scheduleFit();  // fitFileColumn and fitRowHeights once the current events are handled

    QList<FolderResultRow> m_rows;
    QStandardItemModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_summary = nullptr;
    QPushButton* m_export = nullptr;
    bool m_fitPending = false;
    bool m_headerPressed = false;  // a mouse button is down on the header: resizes are the user's
    bool m_fileColumnSizedByUser = false;
    int m_fileNamesWidth = 0;  // what the File column's title and names need, from setRows
};

}  // namespace studio::widgets
