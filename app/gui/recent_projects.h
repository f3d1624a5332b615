#pragma once
// RecentProjects: File ▸ Open Recent — the last eight projects opened or saved, newest first,
// remembered in the settings. Choosing one emits openRequested.

#include <QObject>
#include <QStringList>

class QMenu;

namespace studio::app {

class RecentProjects : public QObject {
    Q_OBJECT
public:
    /// Fills `menu` from the settings ("recentProjects").
    RecentProjects(QMenu* menu, QObject* parent);
    /// `path` becomes the newest entry (and is remembered at once).
    void add(const QString& path);
    const QStringList& paths() const { return m_paths; }

Q_SIGNALS:
    void openRequested(const QString& path);

private:
    void rebuild();

    QMenu* m_menu;
    QStringList m_paths;
};

}  // namespace studio::app
