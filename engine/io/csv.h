#pragma once
// One CSV cell as RFC 4180 and spreadsheets want it: quoted (quotes doubled) when it holds a
// comma, quote or line break or starts or ends with a space; and written as text (a leading ')
// when a spreadsheet would run it as a formula: = or @ first, or + or - before something that
// is not a number (file names, run names and class names come from users).

#include <string>

namespace studio {

std::string csvCell(std::string text);

}  // namespace studio
