// RunLog: lines with severities, red errors legible in both palettes, Copy All.
#include "widgets/run_log.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QTextBlock>
#include <QtTest>

using namespace studio::widgets;
using Severity = RunLog::Severity;

class RunLogTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void linesKeepSeverity_data();
    void linesKeepSeverity();
    void errorsAreRedInBothPalettes();
    void readOnlyAndMonospace();
    void copyAllAndClear();
    void oldestLinesDropped();
};

void RunLogTest::linesKeepSeverity_data() {
    QTest::addColumn<int>("severity");
    QTest::newRow("info") << int(Severity::Info);
    QTest::newRow("warning") << int(Severity::Warning);
    QTest::newRow("error") << int(Severity::Error);
}

void RunLogTest::linesKeepSeverity() {
    QFETCH(int, severity);
    RunLog log;
    log.appendLine("first");
    log.appendLine("the line", Severity(severity));
    QCOMPARE(log.lineCount(), 2);
    QCOMPARE(log.severityAt(1), Severity(severity));
    QCOMPARE(log.plainText(), QString("first\nthe line"));
    const QTextBlock block = log.document()->findBlockByNumber(1);
    const QColor drawn = block.begin().fragment().charFormat().foreground().color();
    QCOMPARE(drawn, log.colorFor(Severity(severity)));
}

void RunLogTest::errorsAreRedInBothPalettes() {
    RunLog log;
    for (bool dark : {false, true}) {
        QPalette pal;
        pal.setColor(QPalette::Base, dark ? QColor(25, 25, 28) : QColor(255, 255, 255));
        pal.setColor(QPalette::Text, dark ? QColor(230, 230, 230) : QColor(20, 20, 20));
        log.setPalette(pal);
        const QColor red = log.colorFor(Severity::Error);
        QVERIFY(red.red() > red.green() + 60 && red.red() > red.blue() + 60);
        // Enough contrast against the background to read: lightness at least 70 apart.
        QVERIFY2(std::abs(red.lightness() - pal.color(QPalette::Base).lightness()) >= 70, dark ? "dark" : "light");
    }
    log.appendLine("Could not read 'cat.png'", Severity::Error);
    const QTextBlock block = log.document()->firstBlock();
    QCOMPARE(block.begin().fragment().charFormat().foreground().color(), log.colorFor(Severity::Error));
}

void RunLogTest::readOnlyAndMonospace() {
    RunLog log;
    QVERIFY(log.isReadOnly());
    QVERIFY(QFontInfo(log.font()).fixedPitch());
    QVERIFY(log.textInteractionFlags() & Qt::TextSelectableByMouse);
}

void RunLogTest::copyAllAndClear() {
    RunLog log;
    log.appendLine("epoch 1: loss 0.52");
    log.appendLine("Validation accuracy fell", Severity::Warning);
    QVERIFY(log.copyAllAction());
    log.copyAllAction()->trigger();
    QCOMPARE(QApplication::clipboard()->text(), QString("epoch 1: loss 0.52\nValidation accuracy fell"));
    log.clear();
    QCOMPARE(log.lineCount(), 0);
    QVERIFY(log.plainText().isEmpty());
}

void RunLogTest::oldestLinesDropped() {
    RunLog log;
    log.setMaximumLines(10);
    for (int i = 0; i < 25; ++i) log.appendLine(QString::number(i));
    QCOMPARE(log.lineCount(), 10);
    QCOMPARE(log.document()->blockCount(), 10);
    QVERIFY(log.plainText().startsWith("15\n"));
}

QTEST_MAIN(RunLogTest)
#include "tst_run_log.moc"
