#include "app/gui/studio_theme.h"

#include <QApplication>
#include <QPalette>
#include <QProxyStyle>
#include <QStyle>
#include <QStyleFactory>

namespace studio::app {

namespace {

// Fusion, without icons on dialog buttons: its standard Close/OK glyphs are dark and all but
// vanish on the dark theme's buttons (seen on the LR finder's Close at 1920×1080); the words say it.
class StudioStyle : public QProxyStyle {
public:
    StudioStyle() : QProxyStyle(QStyleFactory::create(QStringLiteral("Fusion"))) {}
    int styleHint(StyleHint hint, const QStyleOption* option, const QWidget* widget,
                  QStyleHintReturn* returnData) const override {
        if (hint == QStyle::SH_DialogButtonBox_ButtonsHaveIcons) return 0;
        return QProxyStyle::styleHint(hint, option, widget, returnData);
    }
};

}  // namespace

void applyStudioPalette(bool dark) {
    // Fusion draws both palettes faithfully, whatever the desktop's own style is.
    if (!dynamic_cast<StudioStyle*>(QApplication::style())) QApplication::setStyle(new StudioStyle);
    QPalette p = QApplication::style()->standardPalette();
    if (dark) {
        const QColor window(45, 47, 51), base(30, 31, 34), text(226, 228, 232), disabled(128, 130, 136);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::ToolTipBase, base);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, window);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::BrightText, QColor(255, 90, 90));
        p.setColor(QPalette::Link, QColor(110, 170, 255));
        p.setColor(QPalette::Highlight, QColor(58, 120, 210));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, disabled);
        for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
            p.setColor(QPalette::Disabled, role, disabled);
        // Fusion etches disabled menu text with the Light colour one pixel down-right: the light
        // palette's white made "Pause / Resume" and "Stop" look doubled on a dark menu.
        p.setColor(QPalette::Disabled, QPalette::Light, window);
    }
    QApplication::setPalette(p);
}

}  // namespace studio::app
