#include "widgets/focused_wheel.h"

#include <QEvent>
#include <QObject>
#include <QWidget>

namespace studio::widgets {
namespace {

class FocusedWheelFilter : public QObject {
public:
    using QObject::QObject;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() != QEvent::Wheel) return false;
        auto* editor = qobject_cast<QWidget*>(watched);
        if (!editor || editor->hasFocus()) return false;
        // Ignored and filtered: QApplication hands the wheel on to the parents.
        event->ignore();
        return true;
    }
};

}  // namespace

void acceptWheelOnlyWhenFocused(QWidget* editor) {
    if (!editor) return;
    editor->setFocusPolicy(Qt::StrongFocus);
    editor->installEventFilter(new FocusedWheelFilter(editor));
}

}  // namespace studio::widgets
