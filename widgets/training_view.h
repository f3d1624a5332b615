#pragma once
// TrainingView: the Training tab — the run controls, the result line, the live loss, accuracy and
// learning-rate charts (beside the Layer health page) and the run log (beside the doctor's
// alerts). It only lays them out; TrainingController and TrainingDoctorController feed them.

#include <QWidget>

class QGridLayout;
class QLabel;
class QTabWidget;

namespace studio::widgets {

class LayerHealthView;
class LiveChart;
class RunLog;
class TrainingAlertList;
class TrainingControls;

class TrainingView : public QWidget {
    Q_OBJECT
public:
    explicit TrainingView(QWidget* parent = nullptr);

    TrainingControls* controls() const { return m_controls; }
    LiveChart* lossChart() const { return m_lossChart; }
    LiveChart* accuracyChart() const { return m_accuracyChart; }
    LiveChart* learningRateChart() const { return m_lrChart; }
    RunLog* log() const { return m_log; }
    LayerHealthView* layerHealth() const { return m_layerHealth; }
    TrainingAlertList* alerts() const { return m_alerts; }
    /// Brings the curves, the Layer health page or the doctor's alerts into view.
    void showCurves();
    void showLayerHealth();
    void showAlerts();
    /// The three charts together (File ▸ Export Charts as PNG grabs this).
    QWidget* charts() const { return m_charts; }

    /// The finished run's one-line result (bold, selectable, plain text).
    void setResult(const QString& text);
    void clearResult();
    QString result() const;

private:
    TrainingControls* m_controls = nullptr;
    QLabel* m_result = nullptr;
    QWidget* m_charts = nullptr;
    LiveChart* m_lossChart = nullptr;
    LiveChart* m_accuracyChart = nullptr;
    LiveChart* m_lrChart = nullptr;
    RunLog* m_log = nullptr;
    QTabWidget* m_chartTabs = nullptr;
    QTabWidget* m_logTabs = nullptr;
    LayerHealthView* m_layerHealth = nullptr;
    TrainingAlertList* m_alerts = nullptr;
};

}  // namespace studio::widgets
