// DropArea: local folders and files are accepted and reported; other drags are refused.
#include "widgets/drop_area.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QMimeData>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

using namespace studio::widgets;

namespace {

bool sendDragEnter(DropArea& area, QMimeData& mime) {
    QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&area, &enter);
    return enter.isAccepted();
}

bool sendDrop(DropArea& area, QMimeData& mime) {
    QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&area, &drop);
    return drop.isAccepted();
}

}  // namespace

class DropAreaTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void folderDropEmitsFolder();
    void fileDropEmitsFiles();
    void nonLocalDragIsRejected_data();
    void nonLocalDragIsRejected();
};

void DropAreaTest::folderDropEmitsFolder() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("fashion/boots"));
    const QString folder = dir.filePath("fashion");
    DropArea area;
    QSignalSpy folders(&area, &DropArea::folderDropped);
    QSignalSpy files(&area, &DropArea::filesDropped);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(folder)});
    QVERIFY(sendDragEnter(area, mime));
    QVERIFY(area.isDragActive());
    QVERIFY(sendDrop(area, mime));
    QVERIFY(!area.isDragActive());
    QCOMPARE(folders.count(), 1);
    QCOMPARE(folders.at(0).at(0).toString(), folder);
    QCOMPARE(files.count(), 0);
}

void DropAreaTest::fileDropEmitsFiles() {
    QTemporaryDir dir;
    QStringList paths;
    for (const char* name : {"a.png", "b.png"}) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        paths << f.fileName();
    }
    DropArea area;
    QSignalSpy folders(&area, &DropArea::folderDropped);
    QSignalSpy files(&area, &DropArea::filesDropped);
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(paths[0]), QUrl::fromLocalFile(paths[1])});
    QVERIFY(sendDragEnter(area, mime));
    QVERIFY(sendDrop(area, mime));
    QCOMPARE(folders.count(), 0);
    QCOMPARE(files.count(), 1);
    QCOMPARE(files.at(0).at(0).toStringList(), paths);
}

void DropAreaTest::nonLocalDragIsRejected_data() {
    QTest::addColumn<QList<QUrl>>("urls");
    QTest::addColumn<QString>("text");
    QTest::newRow("web link") << QList<QUrl>{QUrl("https://example.org/cat.png")} << QString();
    QTest::newRow("plain text") << QList<QUrl>{} << QString("/home/someone/data");
}

void DropAreaTest::nonLocalDragIsRejected() {
    QFETCH(QList<QUrl>, urls);
    QFETCH(QString, text);
    DropArea area;
    QSignalSpy folders(&area, &DropArea::folderDropped);
    QSignalSpy files(&area, &DropArea::filesDropped);
    QMimeData mime;
    if (!urls.isEmpty()) mime.setUrls(urls);
    if (!text.isEmpty()) mime.setText(text);
    QVERIFY(!sendDragEnter(area, mime));
    QVERIFY(!area.isDragActive());
    QVERIFY(!sendDrop(area, mime));
    QCOMPARE(folders.count() + files.count(), 0);
}

QTEST_MAIN(DropAreaTest)
#include "tst_drop_area.moc"
