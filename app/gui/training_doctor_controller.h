#pragma once
// TrainingDoctorController: shows a run's layer health and the training doctor's alerts on the
// Training tab. Layer health samples become the small multiples (x in epochs) and, at each
// epoch's end, the ridge plot's histograms; an alert goes into the Doctor list, as a marker on
// the loss chart where it was seen, and overfitting shades the loss chart from the epoch it
// began. Clicking an alert zooms the loss chart to that place, or shows the layer it names.
// Everything arrives on the GUI thread from TrainingController's drain (no work of its own).

#include <QObject>
#include <QStringList>

#include "engine/train/metrics.h"

namespace studio::widgets {
class TrainingView;
struct TrainingAlertEntry;
}  // namespace studio::widgets

namespace studio::app {

class TrainingController;

class TrainingDoctorController : public QObject {
    Q_OBJECT
public:
    TrainingDoctorController(TrainingController* training, widgets::TrainingView* view, QObject* parent = nullptr);

    /// Where an alert sits on the charts' epoch axis.
    double chartX(const TrainingAlert& alert) const;

private:
    void onRunStarted();
    void onHealth(const LayerHealth& health);
    void onAlert(const TrainingAlert& alert);
    void onEpochEnded();
    void showAlert(const widgets::TrainingAlertEntry& alert);

    TrainingController* m_training;
    widgets::TrainingView* m_view;
    QStringList m_layers;
    int m_overfittingFrom = -1;  // epoch index the shaded region starts at (-1: none)
};

}  // namespace studio::app
