#pragma once
// PresentationMode (View ▸ Presentation): the studio for a projector — every font 1.6× as large
// and the charts' lines 2.5× as thick, so curves, axes and legends read from the back of a room
// at 1920×1080. Widgets that draw with their own font follow the application's; the live charts
// thicken through their "lineScale" property. Off restores the fonts and lines as they were.

#include <QFont>
#include <QObject>

class QWidget;

namespace studio::app {

class PresentationMode : public QObject {
    Q_OBJECT
public:
    explicit PresentationMode(QWidget* window);

    void setEnabled(bool on);
    bool isEnabled() const { return m_on; }
    /// Charts created since (a new comparison, a new tab) get the thick lines too.
    void refresh();

    static constexpr double kFontScale = 1.6;
    static constexpr double kLineScale = 2.5;

private:
    QWidget* m_window;
    QFont m_normalFont;
    bool m_on = false;
};

}  // namespace studio::app
