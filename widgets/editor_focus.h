#pragma once
// An editor (spin box, line edit) finishes its edit when it loses the focus, and the forms here
// hear of it through slots that use the form. QWidget's destructor takes the focus from a child
// that has it, but by then the form's own part is destroyed and such a slot calls into a
// half-destroyed object (UBSan: "member call … does not point to an object of type …").

class QWidget;

namespace studio::widgets {

/// Call first in the destructor of a widget whose editors' slots use it: the editor inside
/// `widget` that has the focus loses it now, while `widget` is whole, so its edit is finished
/// (and reported) as on any other focus change. Does nothing when the focus is elsewhere.
void releaseFocusWithin(QWidget* widget);

}  // namespace studio::widgets
