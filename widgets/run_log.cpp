#include "widgets/run_log.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QMenu>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCharFormat>
#include <QTextCursor>
#include <algorithm>

namespace studio::widgets {

RunLog::RunLog(QWidget* parent) : QPlainTextEdit(parent) {
    setReadOnly(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setMaximumBlockCount(m_maximumLines);
    setPlaceholderText(tr("Messages from the run appear here."));

    m_copyAll = new QAction(tr("Copy All"), this);
    m_copyAll->setToolTip(tr("Copy the whole log to the clipboard"));
    connect(m_copyAll, &QAction::triggered, this, [this] { QApplication::clipboard()->setText(toPlainText()); });
    addAction(m_copyAll);
}

QColor RunLog::colorFor(Severity severity) const {
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    switch (severity) {
        case Severity::Info: return palette().color(QPalette::Text);
        case Severity::Warning: return dark ? QColor(240, 190, 80) : QColor(150, 95, 0);
        case Severity::Error: return dark ? QColor(255, 120, 110) : QColor(190, 30, 30);
    }
    return palette().color(QPalette::Text);
}

void RunLog::appendLine(const QString& text, Severity severity) {
    // One entry per line, so a multi-line message keeps its severity on every line.
    for (const QString& part : text.split(QLatin1Char('\n'))) {
        m_lines.append({part, severity});
        render(m_lines.last());
    }
    while (m_lines.size() > m_maximumLines) m_lines.removeFirst();
}

void RunLog::clear() {
    m_lines.clear();
    QPlainTextEdit::clear();
}

void RunLog::setMaximumLines(int lines) {
    m_maximumLines = std::max(1, lines);
    setMaximumBlockCount(m_maximumLines);
    while (m_lines.size() > m_maximumLines) m_lines.removeFirst();
}

void RunLog::render(const Line& line) {
    QScrollBar* bar = verticalScrollBar();
    const bool atBottom = bar->value() >= bar->maximum() - 2;
    QTextCharFormat format;
    format.setForeground(colorFor(line.severity));
    format.setFontWeight(line.severity == Severity::Error ? QFont::Bold : QFont::Normal);
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    if (!document()->isEmpty()) cursor.insertBlock();
    cursor.insertText(line.text, format);
    // Follow new lines only when the reader is already at the end, not while they scroll back.
    if (atBottom) bar->setValue(bar->maximum());
}

void RunLog::rerender() {
    QPlainTextEdit::clear();
    for (const Line& line : m_lines) render(line);
}

void RunLog::changeEvent(QEvent* event) {
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) rerender();
}

void RunLog::contextMenuEvent(QContextMenuEvent* event) {
    QMenu* menu = createStandardContextMenu(event->pos());
    menu->addSeparator();
    menu->addAction(m_copyAll);
    menu->exec(event->globalPos());
    delete menu;
}

}  // namespace studio::widgets
