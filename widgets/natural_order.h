#pragma once
// Names in the order people expect: "run 9" before "run 10", case ignored.

#include <QCollator>
#include <QLocale>

namespace studio::widgets {

inline QCollator naturalOrder() {
    QCollator c{QLocale(QLocale::English)};  // the C locale ignores numeric mode
    c.setNumericMode(true);
    c.setCaseSensitivity(Qt::CaseInsensitive);
    return c;
}

}  // namespace studio::widgets
