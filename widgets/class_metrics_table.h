#pragma once
// ClassMetricsTable: how well each class is recognised — precision, recall, F1 and support per
// class in a table that sorts by any column (by value, not by text), under a one-line summary
// "Accuracy 91.2% · macro-F1 0.905 · 10,000 samples".

#include <QList>
#include <QString>
#include <QWidget>

class QAbstractItemModel;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace studio::widgets {

class ClassMetricsModel;

/// One class's scores; precision, recall and f1 are fractions in [0, 1].
struct ClassMetricsRow {
    QString name;
    double precision = 0.0;
    double recall = 0.0;
    double f1 = 0.0;
    int support = 0;  // samples whose true class this is
};

class ClassMetricsTable : public QWidget {
    Q_OBJECT
public:
    enum Column { Class, Precision, Recall, F1, Support, ColumnCount };

    explicit ClassMetricsTable(QWidget* parent = nullptr);

    /// rows[i] belongs to class i (the index rowActivated() reports). accuracy is a fraction,
    /// macroF1 is shown as a fraction with three decimals, samples is the evaluated set's size.
    /// Keeps the column the user sorted by.
    void setMetrics(const QList<ClassMetricsRow>& rows, double accuracy, double macroF1, int samples);
    /// No rows; the summary says there is nothing to show yet.
    void clear();

    QList<ClassMetricsRow> metrics() const;
    /// "Accuracy 91.2% · macro-F1 0.905 · 10,000 samples", or "No metrics yet" when cleared.
    QString summaryText() const;
    /// The class names in the order the table shows them, after sorting.
    QStringList displayedClassNames() const;

    /// Sorts like a click on a header does (a metric's first click sorts it worst first, ascending;
    /// the third click returns to class order). ColumnCount means class order.
    void sortByColumn(Column column, Qt::SortOrder order);
    QTableView* tableView() const { return m_view; }

    /// "91.2%": how a fraction appears in the table.
    static QString percentText(double fraction);

Q_SIGNALS:
    /// The user double-clicked a row (or pressed Enter on it); classIndex as in setMetrics().
    void rowActivated(int classIndex);

private:
    QLabel* m_summary = nullptr;
    QTableView* m_view = nullptr;
    ClassMetricsModel* m_model = nullptr;
    QSortFilterProxyModel* m_sorted = nullptr;
};

}  // namespace studio::widgets
