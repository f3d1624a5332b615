#include "app/gui/training_doctor_controller.h"

#include <algorithm>

#include "app/gui/training_controller.h"
#include "widgets/layer_health_view.h"
#include "widgets/live_chart.h"
#include "widgets/training_alert_list.h"
#include "widgets/training_view.h"

namespace studio::app {

namespace {

const QColor kAlertColor(214, 39, 40);
const QColor kOverfitColor(230, 115, 0);

QString markerLabel(const TrainingAlert& a) {
    if (a.kind == "diverging") return TrainingDoctorController::tr("diverging");
    if (a.kind == "stalled") return TrainingDoctorController::tr("stalled");
    if (a.kind == "dead_units") return TrainingDoctorController::tr("%1 dead").arg(QString::fromStdString(a.layer));
    if (a.kind == "vanishing_gradients") return TrainingDoctorController::tr("gradients vanish");
    return QString::fromStdString(a.kind);
}

}  // namespace

TrainingDoctorController::TrainingDoctorController(TrainingController* training, widgets::TrainingView* view,
                                                   QObject* parent)
    : QObject(parent), m_training(training), m_view(view) {
    connect(training, &TrainingController::runStarted, this, &TrainingDoctorController::onRunStarted);
    connect(training, &TrainingController::layerHealthMeasured, this, &TrainingDoctorController::onHealth);
    connect(training, &TrainingController::alertRaised, this, &TrainingDoctorController::onAlert);
    connect(training, &TrainingController::epochEnded, this, &TrainingDoctorController::onEpochEnded);
    connect(view->alerts(), &widgets::TrainingAlertList::alertActivated, this, &TrainingDoctorController::showAlert);
}

double TrainingDoctorController::chartX(const TrainingAlert& a) const {
    if (a.kind == "overfitting") return a.epoch - 1.0;  // the end of the best epoch, where it turned
    const int steps = std::max(1, m_training->stepsPerEpoch());
    return double(a.step) / steps;
}

void TrainingDoctorController::onRunStarted() {
    m_layers.clear();
    m_overfittingFrom = -1;
    m_view->layerHealth()->clear();
    m_view->alerts()->clear();
    m_view->lossChart()->setShadedRegion(0, 0, {}, {});
}

void TrainingDoctorController::onHealth(const LayerHealth& h) {
    QStringList names;
    for (const LayerHealthRow& row : h.layers) names.append(QString::fromStdString(row.layer));
    if (names != m_layers) {
        m_layers = names;
        m_view->layerHealth()->setLayers(names);
    }
    widgets::LayerHealthSample sample;
    sample.x = double(h.step) / std::max(1, m_training->stepsPerEpoch());
    QList<widgets::RidgeHistogram> histograms;
    for (const LayerHealthRow& row : h.layers) {
        sample.layers.append({row.activationMean, row.activationStd, row.deadFraction, row.gradientNorm,
                              row.updateRatio});
        histograms.append({h.epoch, row.histogramMin, row.histogramMax,
                           QList<float>(row.histogram.begin(), row.histogram.end())});
    }
    m_view->layerHealth()->appendSamples({sample});
    if (h.epochEnd) m_view->layerHealth()->addEpochHistograms(h.epoch, histograms);
}

void TrainingDoctorController::onEpochEnded() {
    // The overfitting region follows the run to its latest epoch.
    if (m_overfittingFrom < 0 || m_training->epochs().empty()) return;
    m_view->lossChart()->setShadedRegion(m_overfittingFrom, m_training->epochs().back().epoch, tr("overfitting"),
                                         kOverfitColor);
}

void TrainingDoctorController::onAlert(const TrainingAlert& a) {
    const double x = chartX(a);
    const widgets::TrainingAlertEntry entry{QString::fromStdString(a.kind),    a.epoch,
                                            a.step,
                                            x,
                                            QString::fromStdString(a.message), QString::fromStdString(a.suggestion),
                                            QString::fromStdString(a.layer)};
    const bool first = m_view->alerts()->count() == 0;
    m_view->alerts()->addAlert(entry);
    if (first) m_view->showAlerts();
    if (a.kind == "overfitting") {
        // From the best epoch's end to the latest epoch (extended as the run goes on).
        m_overfittingFrom = a.epoch - 1;
        const int latest = std::max(a.epoch, m_training->epochs().empty() ? a.epoch : m_training->epochs().back().epoch);
        m_view->lossChart()->setShadedRegion(m_overfittingFrom, latest, tr("overfitting"), kOverfitColor);
    } else if (a.kind != "imbalance") {  // the class balance is not a moment of the run
        m_view->lossChart()->addMarker(x, markerLabel(a), kAlertColor);
    }
}

void TrainingDoctorController::showAlert(const widgets::TrainingAlertEntry& alert) {
    if (!alert.layer.isEmpty()) {  // dead units, vanishing gradients: the layer's ridge and row
        if (const int l = m_layers.indexOf(alert.layer); l >= 0) m_view->layerHealth()->showRidgeOf(l);
        m_view->showLayerHealth();
        return;
    }
    m_view->showCurves();
    widgets::LiveChart* loss = m_view->lossChart();
    if (alert.kind == "overfitting") {
        const QList<double> region = loss->shadedRegion();
        loss->setXView(std::max(0.0, alert.x - 1.0), region.isEmpty() ? alert.x + 2.0 : region.back());
    } else {
        // Half an epoch either side (at least a few steps) around where it was seen.
        loss->setXView(std::max(0.0, alert.x - 0.5), alert.x + 0.5);
    }
}

}  // namespace studio::app
