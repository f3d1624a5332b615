#pragma once
// StudioMenus: the window's menu bar — File (projects, models, export), Edit (undo), Training
// (start, pause, stop), View (docks, theme) and Help (the guided lessons). Each item calls the window's own operations;
// features add their items to the menus it exposes.

#include <QObject>

class QAction;
class QMenu;

namespace studio::app {

class MainWindow;

class StudioMenus : public QObject {
    Q_OBJECT
public:
    /// Builds the menus into `window`'s menu bar (after its docks exist: View lists them).
    explicit StudioMenus(MainWindow* window);

    QMenu* fileMenu() const { return m_file; }
    QMenu* exportMenu() const { return m_export; }
    QMenu* trainingMenu() const { return m_training; }
    QMenu* viewMenu() const { return m_view; }
    QMenu* lessonsMenu() const { return m_lessons; }
    QMenu* recentMenu() const { return m_recent; }

    /// Start, Pause/Resume and Stop follow the training's state.
    void setTrainingState(bool canStart, bool running);
    void setDarkChecked(bool dark);

Q_SIGNALS:
    void darkThemeToggled(bool dark);
    void presentationToggled(bool on);

private:
    void buildFile();
    void buildEdit();
    void buildTraining();
    void buildView();
    void buildHelp();

    MainWindow* m_window;
    QMenu* m_file = nullptr;
    QMenu* m_recent = nullptr;
    QMenu* m_export = nullptr;
    QMenu* m_training = nullptr;
    QMenu* m_view = nullptr;
    QMenu* m_lessons = nullptr;
    QAction* m_startAction = nullptr;
    QAction* m_pauseAction = nullptr;
    QAction* m_stopAction = nullptr;
    QAction* m_darkAction = nullptr;
};

}  // namespace studio::app
