// FeatureMapView / FeatureMapGrid offscreen: every tile of every group gets a place inside the
// grid, the grid is as tall as its content at the view's width (the scroll area shows all of
// it), each tile's image is really painted there, narrower views wrap into fewer columns, the
// tile-size slider resizes tiles, texts are plain, drops emit the path. A screenshot goes to
// $STUDIO_SCREENSHOT_DIR when set.

#include <QtTest>

#include <QLabel>
#include <QMimeData>
#include <QSignalSpy>
#include <QSlider>

#include "widgets/feature_map_view.h"
#include "tests/screenshot.h"

using namespace studio::widgets;

namespace {

// A map of w×h whose colour says which group and tile it is.
QImage tileImage(int w, int h, QRgb colour) {
    QImage image(w, h, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

QList<FeatureMapGroup> sampleGroups() {
    QList<FeatureMapGroup> groups;
    const QList<std::pair<QString, int>> shapes = {{"conv2d 1 — 6×24×24", 6}, {"conv2d 4 — 16×8×8", 16},
                                                    {"filters of conv2d 1 — 6×1×5×5", 6}};
    for (int g = 0; g < shapes.size(); ++g) {
        FeatureMapGroup group{shapes[g].first, {}};
        for (int t = 0; t < shapes[g].second; ++t)
            group.tiles.append({tileImage(g == 2 ? 5 : 24, g == 2 ? 5 : 24, qRgb(40 * g + 20, 5 * t, 200)),
                                QString("ch %1").arg(t + 1), -0.5 * t, 1.0 + t});
        groups.append(group);
    }
    return groups;
}

}  // namespace

class FeatureMapViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void rangeTextUsesARealMinus() {
        QCOMPARE(FeatureMapGrid::rangeText(-0.41234, 2.7345), QString::fromUtf8("−0.412 … 2.73"));
        QCOMPARE(FeatureMapGrid::rangeText(0, 0), QString::fromUtf8("0 … 0"));
    }

    void fillsOffscreenWithEveryTile() {
        FeatureMapView view;
        view.resize(900, 700);
        view.setSourceImage(tileImage(28, 28, qRgb(255, 255, 255)), "sample 12 of class <b>seven</b>");
        view.setGroups(sampleGroups());
        view.setStatus("epoch 3 · 4.1 ms");
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        FeatureMapGrid* grid = view.grid();
        QVERIFY(grid->width() > 600);
        // Everything fits in the grid (the scroll area may make it taller, never shorter).
        QVERIFY(grid->height() >= grid->heightForWidth(grid->width()));
        const QImage shot = grid->grab().toImage();
        const QRect inside(QPoint(0, 0), grid->size());
        for (int g = 0; g < grid->groups().size(); ++g)
            for (int t = 0; t < grid->groups()[g].tiles.size(); ++t) {
                const QRect r = grid->tileRect(g, t);
                QVERIFY2(inside.contains(r), qPrintable(QString("group %1 tile %2").arg(g).arg(t)));
                const QRgb painted = shot.pixel(r.center());  // grab() is at device pixel ratio 1 offscreen
                QCOMPARE(painted, grid->groups()[g].tiles[t].image.pixel(0, 0));
                // Tiles do not overlap the next one in the row.
                if (t + 1 < grid->groups()[g].tiles.size() && (t + 1) % grid->columns() != 0)
                    QVERIFY(!r.intersects(grid->tileRect(g, t + 1)));
            }
        // The last group sits below the first two.
        QVERIFY(grid->tileRect(2, 0).top() > grid->tileRect(1, 15).bottom());
        // Plain text: the caption shows its markup as typed.
        const auto labels = view.findChildren<QLabel*>();
        bool caption = false;
        for (QLabel* l : labels)
            if (l->text() == "sample 12 of class <b>seven</b>") {
                caption = true;
                QCOMPARE(l->textFormat(), Qt::PlainText);
            }
        QVERIFY(caption);
        QCOMPARE(view.statusText(), QString("epoch 3 · 4.1 ms"));
        QVERIFY(studio::test::saveScreenshot(view, "feature_map_view"));
    }

    void narrowerWrapsAndSliderResizes() {
        FeatureMapView view;
        view.resize(900, 600);
        view.setGroups(sampleGroups());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int wide = view.grid()->columns();
        view.resize(300, 600);
        QTest::qWait(20);
        QVERIFY(view.grid()->columns() < wide);
        QVERIFY(view.grid()->height() >= view.grid()->heightForWidth(view.grid()->width()));
        QVERIFY(view.grid()->heightForWidth(300) > view.grid()->heightForWidth(900));
        auto* slider = view.findChild<QSlider*>();
        QVERIFY(slider);
        slider->setValue(120);
        QCOMPARE(view.grid()->tileSize(), 120);
        QCOMPARE(view.grid()->tileRect(0, 0).width(), 120);
    }

    void dropEmitsThePath() {
        FeatureMapView view;
        QSignalSpy spy(&view, &FeatureMapView::imageDropped);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile("/tmp/some image.png")});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(&view, &drop);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QString("/tmp/some image.png"));
    }
};

QTEST_MAIN(FeatureMapViewTest)
#include "tst_feature_map_view.moc"
