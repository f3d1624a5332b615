#pragma once
// To look at what a test checked: with STUDIO_SCREENSHOT_DIR set, saveScreenshot(widget, "name")
// writes the widget's picture there as name.png, after the pending events are handled; without it,
// nothing is written. README ("Looking at it") lists the tests that save one and what each shows.

#include <QCoreApplication>
#include <QDir>
#include <QString>
#include <QWidget>

namespace studio::test {

// False only when a picture was asked for and could not be written.
inline bool saveScreenshot(QWidget& w, const QString& name) {
    const QString dir = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR");
    if (dir.isEmpty()) return true;
    QCoreApplication::processEvents();
    return QDir().mkpath(dir) && w.grab().save(QDir(dir).filePath(name + ".png"));
}

}  // namespace studio::test
