// ImageGallery asks only for the images it shows; ClassCountChart and SchedulePreview basics.
#include "widgets/class_count_chart.h"
#include "widgets/image_gallery.h"
#include "widgets/live_chart.h"
#include "widgets/schedule_preview.h"

#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>
#include <set>

using namespace studio::widgets;

class ImageGalleryTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestsOnlyVisibleImages();
    void activationReportsIndex();
    void classCountsScaleBars();
    void schedulePreviewShowsPoints();
};

void ImageGalleryTest::requestsOnlyVisibleImages() {
    int requests = 0;
    std::set<int> requested;
    ImageGallery gallery;
    gallery.resize(800, 600);
    gallery.setCacheLimit(300);
    gallery.setSource(
        20000,
        [&](int i) {
            ++requests;
            requested.insert(i);
            QImage image(28, 28, QImage::Format_Grayscale8);
            image.fill(i % 256);
            return image;
        },
        [](int i) { return QStringLiteral("item %1").arg(i); });
    QCOMPARE(gallery.count(), 20000);
    gallery.show();
    QVERIFY(QTest::qWaitForWindowExposed(&gallery));
    QTest::qWait(50);
    // 800×600 holds about 8 columns × 6 rows of 88×98 cells.
    QVERIFY2(requests > 0 && requests <= 200, qPrintable(QString::number(requests)));
    QVERIFY(*requested.rbegin() < 200);
    // Scrolling to the end asks for the last items, still only a screenful.
    const int before = requests;
    gallery.verticalScrollBar()->setValue(gallery.verticalScrollBar()->maximum());
    QTest::qWait(50);
    QVERIFY2(requests - before <= 200, qPrintable(QString::number(requests - before)));
    QVERIFY(requested.count(19999) == 1);
    QVERIFY(requested.size() < 500);
}

void ImageGalleryTest::activationReportsIndex() {
    ImageGallery gallery;
    gallery.setSource(50, [](int) { return QImage(); }, [](int i) { return QString::number(i); });
    QSignalSpy spy(&gallery, &ImageGallery::itemActivated);
    Q_EMIT gallery.activated(gallery.model()->index(17, 0));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toInt(), 17);
}

void ImageGalleryTest::classCountsScaleBars() {
    ClassCountChart chart;
    chart.resize(400, 200);
    chart.setCounts({"T-shirt", "Trouser", "Bag"}, {6000, 3000, 0, 99});
    QCOMPARE(chart.names().size(), 3);
    QCOMPARE(chart.counts().size(), 3);
    QVERIFY(chart.barLength(0) > 0);
    QVERIFY(std::abs(chart.barLength(1) * 2 - chart.barLength(0)) <= 1);
    QCOMPARE(chart.barLength(2), 0);
    QVERIFY(chart.toolTip().contains("T-shirt: 6,000"));
}

void ImageGalleryTest::schedulePreviewShowsPoints() {
    SchedulePreview preview;
    QList<QPointF> points;
    for (int s = 0; s <= 100; ++s) points.append(QPointF(s, 0.1 * std::pow(0.97, s)));
    preview.setSchedule(points);
    QCOMPARE(preview.pointCount(), 101);
    preview.setLogarithmic(true);
    QCOMPARE(preview.chart()->yRange("lr").max, 0.1 + 0.0);
    QVERIFY(preview.chart()->yRange("lr").min <= 0.1 * std::pow(0.97, 100));
    preview.setSchedule(points.mid(0, 10));
    QCOMPARE(preview.pointCount(), 10);
}

QTEST_MAIN(ImageGalleryTest)
#include "tst_image_gallery.moc"
