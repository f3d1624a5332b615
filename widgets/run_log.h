#pragma once
// RunLog: what happened during a run ("epoch 3: loss 0.412, accuracy 88.1%", warnings, errors),
// read-only, monospace, copyable. Errors are red in light and dark palettes alike.

#include <QList>
#include <QPlainTextEdit>
#include <QString>

class QAction;

namespace studio::widgets {

class RunLog : public QPlainTextEdit {
    Q_OBJECT
public:
    enum class Severity { Info, Warning, Error };
    Q_ENUM(Severity)

    explicit RunLog(QWidget* parent = nullptr);

    void appendLine(const QString& text, Severity severity = Severity::Info);
    void clear();
    QString plainText() const { return toPlainText(); }
    int lineCount() const { return static_cast<int>(m_lines.size()); }
    Severity severityAt(int line) const { return m_lines.at(line).severity; }
    /// The colour a line of this severity is drawn in with the current palette.
    QColor colorFor(Severity severity) const;
    QAction* copyAllAction() const { return m_copyAll; }

    /// Oldest lines are dropped beyond this many (default 5000).
    void setMaximumLines(int lines);

protected:
    void changeEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    struct Line {
        QString text;
        Severity severity;
    };
    void render(const Line& line);
    void rerender();

    QList<Line> m_lines;
    int m_maximumLines = 5000;
    QAction* m_copyAll = nullptr;
};

}  // namespace studio::widgets
