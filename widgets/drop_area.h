#pragma once
// DropArea: where a dataset folder (or a few image files) is dropped from the file manager.
// Accepts only drags that carry local files; emits what was dropped.

#include <QFrame>
#include <QString>
#include <QStringList>

class QLabel;
class QMimeData;

namespace studio::widgets {

class DropArea : public QFrame {
    Q_OBJECT
public:
    explicit DropArea(const QString& hint = {}, QWidget* parent = nullptr);

    void setHint(const QString& hint);
    QString hint() const;
    bool isDragActive() const { return m_dragActive; }

    /// The local paths a drag carries; empty when it has none (web links, text).
    static QStringList localPaths(const QMimeData* mime);

Q_SIGNALS:
    /// A folder was dropped (the first one, if several were).
    void folderDropped(const QString& path);
    /// Files and no folder were dropped.
    void filesDropped(const QStringList& paths);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dragLeaveEvent(QDragLeaveEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    void setDragActive(bool active);

    QLabel* m_hint = nullptr;
    bool m_dragActive = false;
};

}  // namespace studio::widgets
