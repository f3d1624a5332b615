#pragma once
// LiveChartLegend: a LiveChart's legend under its plot, as swatches and names that wrap onto as
// many rows as the width needs. Qt Charts' own legend puts every entry on one row and elides
// them ("Trai…", "Vali…") when the chart is narrow (1024×700). Internal to LiveChart.

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>
#include <utility>

namespace studio::widgets {

class FlowLayout;

class LiveChartLegend : public QWidget {
    Q_OBJECT
public:
    using Entry = std::pair<QString, QColor>;  // name (plain text), swatch colour

    explicit LiveChartLegend(QWidget* parent = nullptr);

    /// Shows `entries` in order; none hides the legend. Rebuilt only when they change.
    void setEntries(const QList<Entry>& entries);
    QList<Entry> entries() const { return m_entries; }

private:
    FlowLayout* m_flow = nullptr;
    QList<Entry> m_entries;
};

}  // namespace studio::widgets
