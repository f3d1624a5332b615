#pragma once
// TrainingAlertList: the training doctor's alerts in plain language — when (epoch, step), what is
// wrong and what to try — newest last. Activating one asks to show its place on the charts.

#include <QList>
#include <QMetaType>
#include <QString>
#include <QWidget>

class QListWidget;
class QListWidgetItem;

namespace studio::widgets {

struct TrainingAlertEntry {
    QString kind;  // "diverging", "overfitting", … (the engine's kinds)
    int epoch = 0;
    qint64 step = 0;
    double x = 0.0;  // where it sits on the charts' epoch axis
    QString message;
    QString suggestion;
    QString layer;  // the layer it names ("conv2"), or empty
};

class TrainingAlertList : public QWidget {
    Q_OBJECT
public:
    explicit TrainingAlertList(QWidget* parent = nullptr);

    void addAlert(const TrainingAlertEntry& alert);
    void clear();
    int count() const { return static_cast<int>(m_alerts.size()); }
    const QList<TrainingAlertEntry>& alerts() const { return m_alerts; }
    /// The list row's text (plain text: the message may quote file or class names).
    static QString rowText(const TrainingAlertEntry& alert);
    /// Selects row `row` and emits alertActivated, as a click does.
    void activate(int row);

Q_SIGNALS:
    void alertActivated(const studio::widgets::TrainingAlertEntry& alert);
    void countChanged(int count);

private:
    QListWidget* m_list = nullptr;
    QList<TrainingAlertEntry> m_alerts;
};

}  // namespace studio::widgets

Q_DECLARE_METATYPE(studio::widgets::TrainingAlertEntry)
