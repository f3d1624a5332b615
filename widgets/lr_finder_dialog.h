#pragma once
// LrFinderDialog: Training ▸ Find learning rate… — runs the range test (asked for by Find, on a
// worker the app owns), shows its progress and the loss against the rate on a log axis with the
// suggestion marked, and Apply asks for the suggested rate to become the learning rate. Takes
// plain values and emits intents; it knows nothing of the engine.

#include <QDialog>
#include <QList>
#include <QPointF>
#include <optional>

class QLabel;
class QProgressBar;
class QPushButton;

namespace studio::widgets {

class LrCurvePlot;

class LrFinderDialog : public QDialog {
    Q_OBJECT
public:
    explicit LrFinderDialog(QWidget* parent = nullptr);

    /// The learning rate the settings hold now (shown for comparison).
    void setCurrentRate(double lr);
    /// A test started: clears the plot, Find becomes Stop.
    void started(int steps);
    void progressed(int step, int steps, QPointF point);
    /// The test ended with its curve and, when the loss fell, a suggestion and its good range.
    void finished(const QList<QPointF>& raw, const QList<QPointF>& smoothed, std::optional<double> suggested,
                  double rangeLow, double rangeHigh, bool diverged);
    /// It failed or was stopped: the message (plain text), Find is offered again.
    void failed(const QString& message);

    LrCurvePlot* plot() const { return m_plot; }
    std::optional<double> suggestion() const { return m_suggested; }
    QString statusText() const;

Q_SIGNALS:
    void findRequested();
    void stopRequested();
    /// Apply: make `lr` the learning rate (an undoable edit).
    void applyRequested(double lr);

private:
    void setRunning(bool running);

    LrCurvePlot* m_plot;
    QLabel* m_status;
    QProgressBar* m_progress;
    QPushButton* m_find;
    QPushButton* m_apply;
    bool m_running = false;
    double m_currentRate = 0.0;
    std::optional<double> m_suggested;
};

}  // namespace studio::widgets
