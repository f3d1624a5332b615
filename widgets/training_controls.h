#pragma once
// TrainingControls: Start, Pause/Resume and Stop, with where the run is and how fast it goes.
// It shows the state the app sets and emits what the user asked for; it never changes its own
// state on a click (the app answers startRequested with setState(Running)).

#include <QString>
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace studio::widgets {

class TrainingControls : public QWidget {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping };
    Q_ENUM(State)

    explicit TrainingControls(QWidget* parent = nullptr);

    void setState(State state);
    State state() const { return m_state; }
    /// epoch and batch count from 1 (the one being worked on); shows "epoch 3/10 · batch 120/844".
    void setProgress(int epoch, int epochs, int batch, int batches);
    /// A negative eta means "not known yet" and shows "—".
    void setRates(double elapsedSeconds, double etaSeconds, double samplesPerSecond);
    void setStatus(const QString& text, bool isError = false);
    /// Start stays disabled with `reasonTooltip` explaining why (e.g. "Choose a dataset first").
    void setStartEnabled(bool enabled, const QString& reasonTooltip = {});

    // For tests and for the window's keyboard shortcuts.
    QToolButton* startButton() const { return m_start; }
    QToolButton* pauseButton() const { return m_pause; }
    QToolButton* stopButton() const { return m_stop; }
    QString progressText() const;
    int progressPermille() const;
    QString elapsedText() const;
    QString etaText() const;
    QString speedText() const;
    QString statusText() const;
    bool statusIsError() const { return m_statusIsError; }

Q_SIGNALS:
    void startRequested();
    void pauseRequested();
    void resumeRequested();
    void stopRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateButtons();
    void applyStatusStyle();

    State m_state = State::Idle;
    bool m_startAllowed = true;
    QString m_startReason;
    bool m_statusIsError = false;
    QToolButton* m_start = nullptr;
    QToolButton* m_pause = nullptr;
    QToolButton* m_stop = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_elapsed = nullptr;
    QLabel* m_eta = nullptr;
    QLabel* m_speed = nullptr;
    QLabel* m_status = nullptr;
};

}  // namespace studio::widgets
