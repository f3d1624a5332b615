#include "widgets/live_chart_legend.h"

#include "widgets/flow_layout.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>

namespace studio::widgets {

LiveChartLegend::LiveChartLegend(QWidget* parent) : QWidget(parent) {
    setBackgroundRole(QPalette::Base);  // one surface with the plot
    setAutoFillBackground(true);
    m_flow = new FlowLayout(this, 10);
    m_flow->setContentsMargins(8, 0, 8, 4);
    hide();
}

void LiveChartLegend::setEntries(const QList<Entry>& entries) {
    setVisible(!entries.isEmpty());
    if (entries == m_entries) return;
    m_entries = entries;
    while (QLayoutItem* item = m_flow->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const int side = fontMetrics().height() * 2 / 3;
    for (const auto& [label, color] : entries) {
        auto* entry = new QWidget(this);
        auto* row = new QHBoxLayout(entry);
        row->setContentsMargins(0, 0, 0, 0);
        row->setSpacing(4);
        QPixmap swatch(side, side);
        swatch.fill(color);
        auto* box = new QLabel(entry);
        box->setPixmap(swatch);
        auto* text = new QLabel(label, entry);
        text->setTextFormat(Qt::PlainText);
        row->addWidget(box);
        row->addWidget(text);
        entry->setToolTip(label);
        m_flow->addWidget(entry);
    }
}

}  // namespace studio::widgets
