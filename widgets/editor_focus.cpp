#include "widgets/editor_focus.h"

#include <QApplication>
#include <QWidget>

namespace studio::widgets {

void releaseFocusWithin(QWidget* widget) {
    QWidget* focus = QApplication::focusWidget();
    if (focus && widget->isAncestorOf(focus)) focus->clearFocus();
}

}  // namespace studio::widgets
