#include "widgets/drop_area.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMimeData>
#include <QPainter>
#include <QUrl>
#include <QVBoxLayout>

namespace studio::widgets {

DropArea::DropArea(const QString& hint, QWidget* parent) : QFrame(parent) {
    setAcceptDrops(true);
    setMinimumHeight(64);
    m_hint = new QLabel(hint.isEmpty() ? tr("Drop a dataset folder or image files here") : hint, this);
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->addWidget(m_hint);
}

void DropArea::setHint(const QString& hint) { m_hint->setText(hint); }
QString DropArea::hint() const { return m_hint->text(); }

QStringList DropArea::localPaths(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls()) return paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile() && !url.toLocalFile().isEmpty()) paths.append(url.toLocalFile());
    return paths;
}

void DropArea::dragEnterEvent(QDragEnterEvent* event) {
    if (localPaths(event->mimeData()).isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    setDragActive(true);
}

void DropArea::dragMoveEvent(QDragMoveEvent* event) {
    if (localPaths(event->mimeData()).isEmpty())
        event->ignore();
    else
        event->acceptProposedAction();
}

void DropArea::dragLeaveEvent(QDragLeaveEvent* event) {
    setDragActive(false);
    QFrame::dragLeaveEvent(event);
}

void DropArea::dropEvent(QDropEvent* event) {
    setDragActive(false);
    const QStringList paths = localPaths(event->mimeData());
    if (paths.isEmpty()) {
        event->ignore();
        return;
    }
    event->acceptProposedAction();
    QStringList files;
    for (const QString& path : paths) {
        if (QFileInfo(path).isDir()) {
            Q_EMIT folderDropped(path);
            return;
        }
        files.append(path);
    }
    Q_EMIT filesDropped(files);
}

void DropArea::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    QColor border = m_dragActive ? palette().color(QPalette::Highlight) : palette().color(QPalette::Mid);
    QPen pen(border, m_dragActive ? 2.0 : 1.2, Qt::DashLine);
    painter.setPen(pen);
    QColor fill = palette().color(QPalette::Highlight);
    fill.setAlphaF(m_dragActive ? 0.12f : 0.0f);
    painter.setBrush(fill);
    painter.drawRoundedRect(QRectF(rect()).adjusted(1.5, 1.5, -1.5, -1.5), 8, 8);
}

void DropArea::setDragActive(bool active) {
    if (m_dragActive == active) return;
    m_dragActive = active;
    update();
}

}  // namespace studio::widgets
