#pragma once
// LessonController: a project that carries a lesson ("lesson": {"title", "measure", "steps":
// [{"title", "text", "dataset", "preset", "settings"}]}) shows it in the lesson panel; "Set up this
// step" becomes one undoable project edit; a lesson that measures the life cycle ("measure":
// "life_cycle") puts what the last run's training cost beside what one prediction costs, timed
// on a worker after the run.

#include <QObject>
#include <QThreadPool>
#include <QVariantMap>

#include <nlohmann/json.hpp>

#include "engine/infer/snapshot.h"
#include "engine/teach/life_cycle_costs.h"

namespace studio::widgets {
class LessonPanel;
}

namespace studio::app {

class TrainingController;

/// One step of a lesson as the project file gives it.
struct LessonStep {
    QString title;
    QString text;
    QString dataset;       // "" = unchanged
    QString preset;        // "" = unchanged
    QVariantMap settings;  // the settings the step changes
    bool setsUp() const { return !dataset.isEmpty() || !preset.isEmpty() || !settings.isEmpty(); }
};

/// The steps of `lesson` (a project's "lesson" object); entries that are not objects are skipped.
QList<LessonStep> lessonSteps(const nlohmann::json& lesson);

/// The facts the first lesson shows, as lines of plain text.
QString lifeCycleText(const LifeCycleCosts& costs);

class LessonController : public QObject {
    Q_OBJECT
public:
    LessonController(widgets::LessonPanel* panel, TrainingController* training, QObject* parent);
    ~LessonController() override;

    /// Shows the lesson of a project (null: none). A new lesson starts at its first step.
    void setLesson(const nlohmann::json& lesson);
    bool hasLesson() const { return !m_steps.isEmpty(); }
    /// The measured costs of the last run and its model, once timed.
    const std::optional<LifeCycleCosts>& lastCosts() const { return m_costs; }

Q_SIGNALS:
    /// Apply a step: the window makes it one undoable edit described by `description`.
    void setUpRequested(const studio::app::LessonStep& step, const QString& description);
    /// There is a lesson to show (or none any more).
    void lessonChanged(bool present);

private:
    void onRunEnded(bool completed);

    widgets::LessonPanel* m_panel;
    TrainingController* m_training;
    nlohmann::json m_lesson;
    QList<LessonStep> m_steps;
    std::optional<LifeCycleCosts> m_costs;
    quint64 m_job = 0;
    QThreadPool m_pool;  // one thread: timing inference while nothing trains
};

}  // namespace studio::app
