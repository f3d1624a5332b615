#include "app/gui/recent_projects.h"

#include "widgets/run_values.h"

#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace studio::app {

namespace {
constexpr int kMaxRecent = 8;
}

RecentProjects::RecentProjects(QMenu* menu, QObject* parent)
    : QObject(parent), m_menu(menu), m_paths(QSettings().value("recentProjects").toStringList()) {
    rebuild();
}

void RecentProjects::add(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    m_paths.removeAll(absolute);
    m_paths.prepend(absolute);
    while (m_paths.size() > kMaxRecent) m_paths.removeLast();
    QSettings().setValue("recentProjects", m_paths);
    rebuild();
}

void RecentProjects::rebuild() {
    m_menu->clear();
    for (const QString& path : m_paths)
        m_menu->addAction(QFileInfo(path).fileName(), this, [this, path] { Q_EMIT openRequested(path); })
            ->setToolTip(widgets::plainToolTip(path));
    m_menu->setEnabled(!m_paths.isEmpty());
}

}  // namespace studio::app
