#include "widgets/training_view.h"

#include <QGridLayout>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include "widgets/layer_health_view.h"

#include "widgets/live_chart.h"
#include "widgets/run_log.h"
#include "widgets/training_alert_list.h"
#include "widgets/training_controls.h"

namespace studio::widgets {

namespace {

// A chart of one epoch axis with the batch values (raw and smoothed), the epoch means and the
// validation values.
LiveChart* epochChart(const QString& title, const QString& axis, QWidget* parent) {
    auto* chart = new LiveChart(parent);
    chart->setTitle(title);
    chart->setXAxisTitle(TrainingView::tr("Epoch"));
    chart->setAxisGroupTitle({}, axis);
    chart->addSeries("batch", TrainingView::tr("Batch"), QColor(100, 149, 237));
    chart->setSmoothing("batch", 0.9);
    chart->addSeries("train", TrainingView::tr("Train (epoch)"), QColor(31, 84, 180));
    chart->addSeries("val", TrainingView::tr("Validation"), QColor(230, 115, 0));
    return chart;
}

}  // namespace

TrainingView::TrainingView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_controls = new TrainingControls(this);
    layout->addWidget(m_controls);
    m_result = new QLabel(this);
    m_result->setTextFormat(Qt::PlainText);
    m_result->setObjectName("resultLabel");
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setWordWrap(true);
    QFont bold = m_result->font();
    bold.setBold(true);
    m_result->setFont(bold);
    m_result->hide();  // until a run has a result: an empty line would sit above the charts
    layout->addWidget(m_result);

    m_charts = new QWidget;
    m_charts->setObjectName("charts");
    auto* grid = new QGridLayout(m_charts);
    grid->setContentsMargins(0, 0, 0, 0);
    m_lossChart = epochChart(tr("Loss"), tr("Cross-entropy"), m_charts);
    m_accuracyChart = epochChart(tr("Accuracy"), tr("Correct"), m_charts);  // short: small at 1024×700
    m_accuracyChart->setAxisGroupBounds({}, 0.0, 1.0);
    m_lossChart->offerLogScaleToggle({});  // a diverging loss: every decade at once
    m_lrChart = new LiveChart(m_charts);
    m_lrChart->setTitle(tr("Learning rate"));
    m_lrChart->setXAxisTitle(tr("Epoch"));
    m_lrChart->setAxisGroupTitle({}, tr("Rate"));
    m_lrChart->addSeries("lr", tr("Learning rate"), QColor(46, 139, 87));
    m_lrChart->offerLogScaleToggle({});
    grid->addWidget(m_lossChart, 0, 0, 2, 1);
    grid->addWidget(m_accuracyChart, 0, 1);
    grid->addWidget(m_lrChart, 1, 1);
    // Equal columns: at 1024×700 a 3:2 split elided the small charts' legends ("Train …").
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    // Equal rows: left to their size hints, the Accuracy chart (whose legend wraps) got a third of
    // the Learning rate chart's height at 1024×700, too short for its axis labels.
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);

    m_chartTabs = new QTabWidget;
    m_chartTabs->setObjectName("chartTabs");
    m_chartTabs->setDocumentMode(true);
    m_chartTabs->addTab(m_charts, tr("Curves"));
    m_layerHealth = new LayerHealthView;
    m_chartTabs->addTab(m_layerHealth, tr("Layer health"));
    m_log = new RunLog;
    m_alerts = new TrainingAlertList;
    m_logTabs = new QTabWidget;
    m_logTabs->setObjectName("logTabs");
    m_logTabs->setDocumentMode(true);
    m_logTabs->addTab(m_log, tr("Log"));
    m_logTabs->addTab(m_alerts, tr("Doctor"));
    connect(m_alerts, &TrainingAlertList::countChanged, this, [this](int count) {
        m_logTabs->setTabText(1, count > 0 ? tr("Doctor (%1)").arg(count) : tr("Doctor"));
    });
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chartTabs);
    split->addWidget(m_logTabs);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({520, 130});
    layout->addWidget(split, 1);
}

void TrainingView::showCurves() {
    m_chartTabs->setCurrentWidget(m_charts);
}

void TrainingView::showLayerHealth() {
    m_chartTabs->setCurrentWidget(m_layerHealth);
}

void TrainingView::showAlerts() {
    m_logTabs->setCurrentWidget(m_alerts);
}

void TrainingView::setResult(const QString& text) {
    m_result->setText(text);
    m_result->setVisible(!text.isEmpty());
}

void TrainingView::clearResult() {
    m_result->clear();
    m_result->hide();
}

QString TrainingView::result() const {
    return m_result->text();
}

}  // namespace studio::widgets
