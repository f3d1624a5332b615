#pragma once
// The studio window's own SVG icons (resources/icons, compiled into the widgets library).

#include <QIcon>
#include <QString>

namespace studio::widgets {

/// The icon ":/icons/<name>.svg", e.g. studioIcon("start"); registers the resources on first use.
QIcon studioIcon(const QString& name);

}  // namespace studio::widgets
