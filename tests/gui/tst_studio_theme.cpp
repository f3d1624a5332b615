// The studio's palettes on Fusion: dark menus do not double disabled items, and dialog buttons
// carry words without Fusion's dark glyphs (both seen on screenshots of the dark theme).
#include <QApplication>
#include <QDialogButtonBox>
#include <QProxyStyle>
#include <QPushButton>
#include <QStyle>
#include <QtTest>

#include "app/gui/studio_theme.h"

using namespace studio::app;

class StudioThemeTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void darkThemeKeepsDisabledTextFlatAndButtonsWithoutIcons() {
        applyStudioPalette(true);
        const QPalette p = QApplication::palette();
        QVERIFY(p.color(QPalette::Window).lightness() < 128);
        // Fusion etches disabled text with Light one pixel off: on a dark menu it must not show.
        QCOMPARE(p.color(QPalette::Disabled, QPalette::Light), p.color(QPalette::Window));
        QCOMPARE(QApplication::style()->styleHint(QStyle::SH_DialogButtonBox_ButtonsHaveIcons), 0);
        QDialogButtonBox box;
        QPushButton* close = box.addButton(QDialogButtonBox::Close);
        QVERIFY(close->icon().isNull());
        QCOMPARE(close->text().remove('&'), QString("Close"));
    }

    void lightThemeIsFusionToo() {
        QStyle* before = QApplication::style();
        applyStudioPalette(false);
        QCOMPARE(QApplication::style(), before);  // the same style object: switching does not rebuild it
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 128);
        QCOMPARE(QApplication::style()->styleHint(QStyle::SH_DialogButtonBox_ButtonsHaveIcons), 0);
        auto* proxy = qobject_cast<QProxyStyle*>(QApplication::style());
        QVERIFY(proxy && proxy->baseStyle());
        QCOMPARE(proxy->baseStyle()->name().toLower(), QString("fusion"));
    }
};

QTEST_MAIN(StudioThemeTest)
#include "tst_studio_theme.moc"
