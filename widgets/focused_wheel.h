#pragma once
// Editors inside a scrolling dock (spin boxes, combo boxes) must not change their value when the
// mouse wheel merely passes over them on the way down the dock: the wheel scrolls the dock until
// the user clicks or tabs into the editor, and only then steps its value.

class QWidget;

namespace studio::widgets {

/// Gives `editor` Qt::StrongFocus (the wheel no longer focuses it) and ignores wheel events while
/// it has no focus, so they reach its parents (the scroll area scrolls instead).
/// Ensures: the filter lives as long as `editor` (it is the editor's child).
void acceptWheelOnlyWhenFocused(QWidget* editor);

}  // namespace studio::widgets
