#pragma once
// LessonPanel: a guided lesson beside the studio — its title, one step at a time (each asks the
// class to predict, then run, then explain), Back/Next, "Set up this step" when the step changes
// the project, and a box of measured facts the lesson fills in. All text is plain text: a lesson
// is a project file a teacher may have edited.

#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;

namespace studio::widgets {

struct LessonStepText {
    QString title;
    QString text;
    bool setsUp = false;  // the step changes the data, model or settings
};

class LessonPanel : public QWidget {
    Q_OBJECT
public:
    explicit LessonPanel(QWidget* parent = nullptr);

    void setLesson(const QString& title, const QList<LessonStepText>& steps);
    void showStep(int index);
    int currentStep() const { return m_current; }
    int stepCount() const { return int(m_steps.size()); }
    /// Measured facts (lines of plain text); empty hides the box.
    void setFacts(const QString& text);

    // For tests.
    QString stepText() const;
    QString factsText() const;
    QPushButton* nextButton() const { return m_next; }
    QPushButton* backButton() const { return m_back; }
    QPushButton* setUpButton() const { return m_setUp; }

Q_SIGNALS:
    /// "Set up this step": apply the step's data, model and settings.
    void setUpRequested(int step);

private:
    QLabel* m_title = nullptr;
    QLabel* m_stepTitle = nullptr;
    QLabel* m_text = nullptr;
    QLabel* m_facts = nullptr;
    QPushButton* m_back = nullptr;
    QPushButton* m_next = nullptr;
    QPushButton* m_setUp = nullptr;
    QList<LessonStepText> m_steps;
    int m_current = 0;
};

}  // namespace studio::widgets
