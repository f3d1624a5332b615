#include "widgets/schedule_preview.h"

#include "widgets/live_chart.h"

#include <QVBoxLayout>

namespace studio::widgets {

namespace {
const QString kSeries = QStringLiteral("learning_rate");
const QString kGroup = QStringLiteral("lr");
}  // namespace

SchedulePreview::SchedulePreview(QWidget* parent) : QWidget(parent), m_chart(new LiveChart(this)) {
    m_chart->setXAxisTitle(tr("Step"));
    m_chart->addSeries(kSeries, tr("Learning rate"), QColor(46, 125, 200), kGroup);
    m_chart->setAxisGroupTitle(kGroup, tr("Learning rate"));
    setToolTip(tr("The learning rate the schedule uses at each optimizer step"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_chart);
}

void SchedulePreview::setSchedule(const QList<QPointF>& points) { m_chart->setPoints(kSeries, points); }

void SchedulePreview::setLogarithmic(bool logarithmic) { m_chart->setAxisGroupLogarithmic(kGroup, logarithmic); }

int SchedulePreview::pointCount() const { return m_chart->pointCount(kSeries); }

}  // namespace studio::widgets
