#include "app/gui/presentation_mode.h"

#include <QApplication>
#include <QWidget>

#include "widgets/live_chart.h"
#include "widgets/schedule_preview.h"

namespace studio::app {

PresentationMode::PresentationMode(QWidget* window) : QObject(window), m_window(window) {}

void PresentationMode::setEnabled(bool on) {
    if (on == m_on) return;
    m_on = on;
    if (on) {
        m_normalFont = QApplication::font();
        QFont big = m_normalFont;
        if (big.pointSizeF() > 0)
            big.setPointSizeF(big.pointSizeF() * kFontScale);
        else
            big.setPixelSize(int(big.pixelSize() * kFontScale));
        QApplication::setFont(big);  // every widget without a font of its own follows
    } else {
        QApplication::setFont(m_normalFont);
    }
    refresh();
}

void PresentationMode::refresh() {
    // Widgets with a font of their own (the run log's fixed pitch, bold result lines) do not
    // follow the application's font: scale theirs, remembering the original to restore.
    for (QWidget* w : m_window->findChildren<QWidget*>()) {
        if (!w->testAttribute(Qt::WA_SetFont) && !w->property("normalFont").isValid()) continue;
        if (!w->property("normalFont").isValid()) w->setProperty("normalFont", w->font());
        QFont font = w->property("normalFont").value<QFont>();
        if (m_on && font.pointSizeF() > 0) font.setPointSizeF(font.pointSizeF() * kFontScale);
        if (w->font() != font) w->setFont(font);
    }
    // The schedule preview is sized in pixels for the normal font: its labels elided to "…".
    for (QWidget* w : m_window->findChildren<widgets::SchedulePreview*>()) {
        if (!w->property("normalMinimumHeight").isValid()) w->setProperty("normalMinimumHeight", w->minimumHeight());
        const int height = w->property("normalMinimumHeight").toInt();
        w->setMinimumHeight(m_on ? int(height * kFontScale) : height);
    }
    for (widgets::LiveChart* chart : m_window->findChildren<widgets::LiveChart*>()) {
        const QVariant wanted = m_on ? QVariant(kLineScale) : QVariant();
        if (chart->property("lineScale") != wanted) chart->setProperty("lineScale", wanted);
    }
}

}  // namespace studio::app
