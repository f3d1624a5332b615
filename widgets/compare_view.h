#pragma once
// CompareView: two or more runs side by side — a table with one column per run and one row per
// option (the rows that differ first, highlighted) and per result, above loss and accuracy
// charts that overlay the runs' curves: train dashed, validation solid, each in its run's colour.

#include "widgets/run_rows.h"

#include <QList>
#include <QPointF>
#include <QWidget>

class QCheckBox;
class QTableWidget;

namespace studio::widgets {

class LiveChart;

/// One run to compare, as the app converts it from the store. Curves are (epoch, value).
struct CompareRun {
    qint64 id = 0;
    QString name;
    QColor color;
    QVariantMap options;
    QVariantMap metrics;  ///< e.g. "best_val_accuracy" → 0.91; "…accuracy" keys print as %
    QList<QPointF> trainLoss, valLoss, trainAccuracy, valAccuracy;
};

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    /// Labels for option and metric keys (a key without one is shown as is).
    void setOptionColumns(const QList<OptionColumn>& columns);
    /// Rebuilds the table; the charts keep series of runs still present and update their points.
    void setRuns(const QList<CompareRun>& runs);
    /// Hides the option rows whose value is the same in every run.
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const;

    QTableWidget* table() const { return m_table; }
    LiveChart* lossChart() const { return m_loss; }
    LiveChart* accuracyChart() const { return m_accuracy; }
    /// The table row of an option or metric key; −1 when there is none.
    int optionRow(const QString& key) const;
    int metricRow(const QString& key) const;
    /// Whether the values of a row differ between the runs (drawn bold on a tinted background).
    bool isRowDifferent(int row) const;
    QString cellText(int row, int column) const;
    /// The id of a run's curve in the charts: kind is trainLoss, valLoss, trainAccuracy or valAccuracy.
    static QString seriesId(qint64 runId, const QString& kind);

private:
    void rebuildTable();
    void updateCharts();
    void applyFilter();

    QList<CompareRun> m_runs;
    QList<OptionColumn> m_columns;
    QStringList m_optionKeys;  // in row order
    QStringList m_metricKeys;
    QList<bool> m_different;  // per table row
    QCheckBox* m_onlyDifferences = nullptr;
    QTableWidget* m_table = nullptr;
    LiveChart* m_loss = nullptr;
    LiveChart* m_accuracy = nullptr;
};

}  // namespace studio::widgets
