#pragma once
// Shared by the inference panel tests: synthetic drags, a test picture, digit classes.

#include "widgets/probability_bars.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QImage>
#include <QMimeData>
#include <QStringList>
#include <QWidget>

namespace inference_fixtures {

inline bool sendDragEnter(QWidget& target, QMimeData& mime) {
    QDragEnterEvent enter(QPoint(50, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&target, &enter);
    return enter.isAccepted();
}

// Qt delivers a drop only to the widget that accepted the drag's enter event: sendDragEnter first.
inline bool sendDrop(QWidget& target, QMimeData& mime) {
    QDropEvent drop(QPointF(50, 200), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&target, &drop);
    return drop.isAccepted();
}

inline QImage pattern() {
    QImage image(12, 9, QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) image.setPixel(x, y, qRgb(x * 20, y * 25, (x * y) % 256));
    return image;
}

inline QByteArray encoded(const QImage& image, const char* format) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, format);
    return bytes;
}

inline const QStringList kDigits{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};
inline const QList<studio::widgets::ClassProbability> kTop{{"seven", 0.9, 7}, {"one", 0.1, 1}};

}  // namespace inference_fixtures

using namespace inference_fixtures;
