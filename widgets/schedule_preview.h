#pragma once
// SchedulePreview: the learning rate the chosen schedule will use at every step, before training.

#include <QList>
#include <QPointF>
#include <QWidget>

namespace studio::widgets {

class LiveChart;

class SchedulePreview : public QWidget {
    Q_OBJECT
public:
    explicit SchedulePreview(QWidget* parent = nullptr);

    /// (step, learning rate) pairs computed by the app from the current settings.
    void setSchedule(const QList<QPointF>& points);
    /// Log scale suits warm-up and exponential decay; linear suits step and cosine schedules.
    void setLogarithmic(bool logarithmic);
    int pointCount() const;
    LiveChart* chart() const { return m_chart; }

    QSize sizeHint() const override { return {320, 180}; }

private:
    LiveChart* m_chart = nullptr;
};

}  // namespace studio::widgets
