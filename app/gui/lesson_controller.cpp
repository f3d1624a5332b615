#include "app/gui/lesson_controller.h"

#include "app/gui/engine_conversions.h"
#include "app/gui/training_controller.h"
#include "widgets/human_units.h"
#include "widgets/lesson_panel.h"

namespace studio::app {

namespace {

QString text(const nlohmann::json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? toQString(j[key].get<std::string>()) : QString();
}

// 12345678 → "12.3 M"; the lesson's numbers span kilo to peta.
QString scaled(double value, const QString& unit) {
    const char* prefixes[] = {"", " k", " M", " G", " T", " P"};
    int p = 0;
    while (std::abs(value) >= 1000.0 && p < 5) {
        value /= 1000.0;
        ++p;
    }
    return QString::number(value, 'g', 3) + QString::fromLatin1(prefixes[p]) + (unit.isEmpty() ? "" : " " + unit);
}

}  // namespace

QList<LessonStep> lessonSteps(const nlohmann::json& lesson) {
    QList<LessonStep> steps;
    if (!lesson.is_object() || !lesson.contains("steps") || !lesson["steps"].is_array()) return steps;
    for (const nlohmann::json& s : lesson["steps"]) {
        if (!s.is_object()) continue;
        LessonStep step{text(s, "title"), text(s, "text"), text(s, "dataset"), text(s, "preset"), {}};
        if (s.contains("settings") && s["settings"].is_object()) step.settings = toVariant(s["settings"]).toMap();
        steps.append(step);
    }
    return steps;
}

QString lifeCycleText(const LifeCycleCosts& c) {
    const TrainingCost& t = c.training;
    const InferenceCost& i = c.inference;
    QStringList lines;
    lines << LessonController::tr("Training built the model:")
          << LessonController::tr("  %1 epochs, %2 s, %3 samples trained at %4 samples/s")
                 .arg(t.epochs)
                 .arg(t.seconds, 0, 'f', 1)
                 .arg(widgets::groupedInteger(t.samplesTrained))
                 .arg(widgets::groupedInteger(qint64(t.samplesPerSecond())))
          << LessonController::tr("  about %1 (forward and backward: 3 × %2 FLOPs a sample)")
                 .arg(scaled(t.flops(), "FLOPs"), widgets::groupedInteger(t.forwardFlops))
          << QString()
          << LessonController::tr("Inference applies it:")
          << LessonController::tr("  one image: %1 µs, %2 FLOPs").arg(i.latencyUs, 0, 'f', 0).arg(
                 widgets::groupedInteger(i.flopsPerImage))
          << LessonController::tr("  %1 images/s one at a time, %2 images/s in batches of 256 (%3× more)")
                 .arg(widgets::groupedInteger(qint64(i.perSecondBatch1)))
                 .arg(widgets::groupedInteger(qint64(i.perSecondBatch256)))
                 .arg(i.perSecondBatch1 > 0 ? i.perSecondBatch256 / i.perSecondBatch1 : 0.0, 0, 'f', 1)
          << QString()
          << LessonController::tr("One training costs as much arithmetic as %1 predictions, and as much time as %2.")
                 .arg(scaled(c.imagesPerTraining(), {}), scaled(c.latenciesPerTraining(), {}));
    return lines.join('\n');
}

LessonController::LessonController(widgets::LessonPanel* panel, TrainingController* training, QObject* parent)
    : QObject(parent), m_panel(panel), m_training(training) {
    m_pool.setMaxThreadCount(1);
    connect(m_panel, &widgets::LessonPanel::setUpRequested, this, [this](int index) {
        if (index < 0 || index >= m_steps.size()) return;
        Q_EMIT setUpRequested(m_steps[index], tr("Lesson step %1: %2").arg(index + 1).arg(m_steps[index].title));
    });
    connect(m_training, &TrainingController::runEnded, this, &LessonController::onRunEnded);
}

LessonController::~LessonController() {
    m_pool.waitForDone();
}

void LessonController::setLesson(const nlohmann::json& lesson) {
    if (lesson == m_lesson) return;  // an edit of the project, not another lesson
    m_lesson = lesson;
    m_steps = lessonSteps(lesson);
    m_costs.reset();
    ++m_job;
    QList<widgets::LessonStepText> texts;
    for (const LessonStep& s : m_steps) texts.append({s.title, s.text, s.setsUp()});
    m_panel->setLesson(text(lesson.is_object() ? lesson : nlohmann::json::object(), "title"), texts);
    Q_EMIT lessonChanged(!m_steps.isEmpty());
}

void LessonController::onRunEnded(bool completed) {
    if (!completed || text(m_lesson.is_object() ? m_lesson : nlohmann::json::object(), "measure") != "life_cycle")
        return;
    const auto& started = m_training->started();
    const SnapshotPtr model = m_training->snapshot();
    if (!started || !model) return;
    TrainingCost training;
    for (const EpochMetrics& e : m_training->epochs()) {
        ++training.epochs;
        training.seconds += e.seconds;
    }
    training.samplesTrained = std::int64_t(started->trainSize) * training.epochs;
    training.forwardFlops = started->flops;
    m_panel->setFacts(tr("Timing one prediction…"));
    const quint64 job = ++m_job;
    m_pool.start([this, job, model, training] {
        auto inference = measureInferenceCost(*model, training.forwardFlops);
        QMetaObject::invokeMethod(
            this,
            [this, job, training, inference = std::move(inference)] {
                if (job != m_job) return;
                if (!inference) {
                    m_panel->setFacts(tr("Could not time the model: %1").arg(errorText(inference.error())));
                    return;
                }
                m_costs = LifeCycleCosts{training, *inference};
                m_panel->setFacts(lifeCycleText(*m_costs));
            },
            Qt::QueuedConnection);
    });
}

}  // namespace studio::app
