#include "widgets/lesson_panel.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace studio::widgets {

namespace {

QLabel* plainLabel(QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setTextFormat(Qt::PlainText);  // lessons are files a teacher edits
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    return label;
}

}  // namespace

LessonPanel::LessonPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_title = plainLabel(this);
    QFont big = m_title->font();
    big.setBold(true);
    big.setPointSizeF(big.pointSizeF() * 1.25);
    m_title->setFont(big);
    layout->addWidget(m_title);
    m_stepTitle = plainLabel(this);
    QFont bold = m_stepTitle->font();
    bold.setBold(true);
    m_stepTitle->setFont(bold);
    layout->addWidget(m_stepTitle);

    auto* body = new QWidget;
    auto* bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    m_text = plainLabel(body);
    bodyLayout->addWidget(m_text);
    m_facts = plainLabel(body);
    m_facts->setFrameShape(QFrame::StyledPanel);
    m_facts->setMargin(6);
    m_facts->setObjectName("lessonFacts");
    m_facts->setVisible(false);
    bodyLayout->addWidget(m_facts);
    bodyLayout->addStretch(1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);

    m_setUp = new QPushButton(tr("Set up this step"), this);
    m_setUp->setToolTip(tr("Changes the data, model and settings as this step says (one undoable change)."));
    layout->addWidget(m_setUp);
    auto* buttons = new QHBoxLayout;
    m_back = new QPushButton(tr("◀ Back"), this);
    m_next = new QPushButton(tr("Next ▶"), this);
    buttons->addWidget(m_back);
    buttons->addStretch(1);
    buttons->addWidget(m_next);
    layout->addLayout(buttons);

    connect(m_back, &QPushButton::clicked, this, [this] { showStep(m_current - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { showStep(m_current + 1); });
    connect(m_setUp, &QPushButton::clicked, this, [this] { Q_EMIT setUpRequested(m_current); });
}

void LessonPanel::setLesson(const QString& title, const QList<LessonStepText>& steps) {
    m_title->setText(title);
    m_steps = steps;
    setFacts({});
    showStep(0);
}

void LessonPanel::showStep(int index) {
    if (m_steps.isEmpty()) {
        m_stepTitle->clear();
        m_text->clear();
        m_back->setEnabled(false);
        m_next->setEnabled(false);
        m_setUp->setVisible(false);
        return;
    }
    m_current = std::clamp(index, 0, int(m_steps.size()) - 1);
    const LessonStepText& step = m_steps[m_current];
    m_stepTitle->setText(tr("Step %1 of %2 · %3").arg(m_current + 1).arg(m_steps.size()).arg(step.title));
    m_text->setText(step.text);
    m_back->setEnabled(m_current > 0);
    m_next->setEnabled(m_current + 1 < int(m_steps.size()));
    m_setUp->setVisible(step.setsUp);
}

void LessonPanel::setFacts(const QString& text) {
    m_facts->setText(text);
    m_facts->setVisible(!text.isEmpty());
}

QString LessonPanel::stepText() const {
    return m_stepTitle->text() + "\n" + m_text->text();
}

QString LessonPanel::factsText() const {
    return m_facts->text();
}

}  // namespace studio::widgets
