#include "widgets/training_alert_list.h"

#include <QListWidget>
#include <QStyle>
#include <QVBoxLayout>

namespace studio::widgets {

TrainingAlertList::TrainingAlertList(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_list = new QListWidget(this);
    m_list->setObjectName("alerts");
    m_list->setWordWrap(true);
    m_list->setAlternatingRowColors(true);
    m_list->setToolTip(tr("The training doctor's findings. Click one to show where it happened on the charts."));
    layout->addWidget(m_list);
    clear();
    connect(m_list, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) { activate(m_list->row(item)); });
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) { activate(m_list->row(item)); });
}

QString TrainingAlertList::rowText(const TrainingAlertEntry& a) {
    const QString when =
        a.step > 0 ? tr("Epoch %1, step %2").arg(a.epoch).arg(a.step) : tr("Epoch %1, before training").arg(a.epoch);
    return when + " — " + a.message + "\n" + tr("Try: %1").arg(a.suggestion);
}

void TrainingAlertList::addAlert(const TrainingAlertEntry& alert) {
    if (m_alerts.isEmpty()) m_list->clear();  // the "No alerts" line
    m_alerts.append(alert);
    auto* item = new QListWidgetItem(rowText(alert), m_list);  // QListWidget draws plain text
    item->setIcon(style()->standardIcon(QStyle::SP_MessageBoxWarning));
    item->setToolTip(rowText(alert));
    m_list->scrollToItem(item);
    Q_EMIT countChanged(count());
}

void TrainingAlertList::clear() {
    const bool had = !m_alerts.isEmpty();
    m_alerts.clear();
    m_list->clear();
    auto* noAlerts = new QListWidgetItem(
        tr("No alerts. The training doctor watches the loss, the validation curve, the class balance and each "
           "layer's health, and says here what it finds and what to try."),
        m_list);
    noAlerts->setFlags(Qt::NoItemFlags);
    if (had) Q_EMIT countChanged(0);
}

void TrainingAlertList::activate(int row) {
    if (row < 0 || row >= m_alerts.size()) return;
    m_list->setCurrentRow(row);
    Q_EMIT alertActivated(m_alerts[row]);
}

}  // namespace studio::widgets
