// Layer health widgets: the small multiples take samples per layer and draw the healthy update
// band, the ridge plot stacks epochs on one value axis, the view switches the ridge's layer, and
// the alert list shows plain text and asks to show an alert's place. Screenshots (light, dark)
// go to $STUDIO_SCREENSHOT_DIR when set.

#include <QtTest>

#include <QApplication>
#include <QDir>
#include <QListWidget>
#include <QSignalSpy>
#include <QStyleFactory>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <cmath>

#include "widgets/layer_health_grid.h"
#include "widgets/layer_health_view.h"
#include "widgets/ridge_plot.h"
#include "widgets/training_alert_list.h"

using namespace studio::widgets;

namespace {

QList<LayerHealthSample> samples(int count, int layers) {
    QList<LayerHealthSample> out;
    for (int s = 1; s <= count; ++s) {
        LayerHealthSample sample;
        sample.x = s * 0.25;
        for (int l = 0; l < layers; ++l) {
            LayerHealthValues v;
            v.mean = 0.3 + 0.05 * l + 0.02 * std::sin(s);
            v.std = 0.5 / (1 + l);
            v.dead = l == layers - 1 ? -1.0 : 0.1 * l + 0.01 * s;
            v.gradientNorm = 0.5 * std::pow(10.0, -l) / s;
            v.updateRatio = 1e-3 * std::exp(-0.1 * s);
            sample.layers.append(v);
        }
        out.append(sample);
    }
    return out;
}

RidgeHistogram gaussian(int epoch, double centre, double spread) {
    RidgeHistogram h;
    h.epoch = epoch;
    h.min = centre - 3 * spread;
    h.max = centre + 3 * spread;
    float total = 0;
    for (int b = 0; b < 32; ++b) {
        const double z = (b + 0.5) / 32 * 6 - 3;
        h.bins.append(float(std::exp(-z * z / 2)));
        total += h.bins.back();
    }
    for (float& f : h.bins) f /= total;
    return h;
}

bool isHealthyGreen(QRgb c) {
    return qGreen(c) > qRed(c) + 15 && qGreen(c) > qBlue(c) + 10;
}

}  // namespace

class LayerHealthViewTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void gridKeepsSamplesAndDrawsTheHealthyBand() {
        LayerHealthGrid grid;
        grid.resize(720, 240);
        grid.setLayers({"conv1", "conv2", "dense1"});
        grid.appendSamples(samples(12, 3));
        QCOMPARE(grid.sampleCount(), 12);
        QCOMPARE(grid.layers(), (QStringList{"conv1", "conv2", "dense1"}));
        const QImage image = grid.grab().toImage();
        // The Update column (the last quarter right of the names) has the green band; the
        // Activation column has none.
        int updateGreen = 0, activationGreen = 0;
        const int names = 64, cell = (image.width() - names) / 4;
        for (int y = 20; y < image.height(); y += 2)
            for (int x = 0; x < cell; x += 2) {
                updateGreen += isHealthyGreen(image.pixel(names + 3 * cell + x, y)) ? 1 : 0;
                activationGreen += isHealthyGreen(image.pixel(names + x, y)) ? 1 : 0;
            }
        QVERIFY2(updateGreen > 200, qPrintable(QString::number(updateGreen)));
        QCOMPARE(activationGreen, 0);
        grid.setLayers({"dense1"});  // a new run starts over
        QCOMPARE(grid.sampleCount(), 0);
    }

    void ridgeSharesOneValueAxis() {
        RidgePlot ridge;
        ridge.setHistograms({gaussian(1, 0.0, 1.0), gaussian(2, 2.0, 0.5)});
        QCOMPARE(ridge.ridgeCount(), 2);
        const auto [lo, hi] = ridge.valueRange();
        QCOMPARE(lo, -3.0);
        QCOMPARE(hi, 3.5);
    }

    void viewSwitchesTheRidgeLayer() {
        LayerHealthView view;
        view.setLayers({"conv1", "dense1"});
        QCOMPARE(view.ridgeLayer(), 0);
        view.appendSamples(samples(4, 2));
        view.addEpochHistograms(1, {gaussian(0, 0, 1), gaussian(0, 5, 1)});
        view.addEpochHistograms(2, {gaussian(0, 0, 2), gaussian(0, 6, 1)});
        QCOMPARE(view.ridge()->ridgeCount(), 2);
        QCOMPARE(view.ridge()->valueRange().first, -6.0);
        view.showRidgeOf(1);
        QCOMPARE(view.ridge()->valueRange().first, 2.0);
        QCOMPARE(view.grid()->sampleCount(), 4);
        view.clear();
        QCOMPARE(view.ridge()->ridgeCount(), 0);
        QCOMPARE(view.grid()->sampleCount(), 0);
    }

    void alertListShowsPlainTextAndActivates() {
        TrainingAlertList list;
        QSignalSpy activated(&list, &TrainingAlertList::alertActivated);
        QSignalSpy counted(&list, &TrainingAlertList::countChanged);
        TrainingAlertEntry a{"dead_units", 3, 420, 2.6, "Layer conv2 is 80% dead: <b>not bold</b>.",
                             "Lower the learning rate."};
        list.addAlert(a);
        list.addAlert({"imbalance", 1, 0, 0.0, "Classes are imbalanced 20:1.", "Collect more."});
        QCOMPARE(list.count(), 2);
        QCOMPARE(counted.count(), 2);
        auto* rows = list.findChild<QListWidget*>("alerts");
        QVERIFY(rows);
        QCOMPARE(rows->count(), 2);  // the placeholder went
        QVERIFY(rows->item(0)->text().startsWith("Epoch 3, step 420 — Layer conv2 is 80% dead: <b>not bold</b>."));
        QVERIFY(rows->item(0)->text().contains("Try: Lower the learning rate."));
        QVERIFY(rows->item(1)->text().startsWith("Epoch 1, before training — Classes"));
        list.activate(0);
        QCOMPARE(activated.count(), 1);
        const auto got = activated.at(0).at(0).value<TrainingAlertEntry>();
        QCOMPARE(got.x, 2.6);
        QCOMPARE(got.kind, QString("dead_units"));
        list.clear();
        QCOMPARE(list.count(), 0);
        QCOMPARE(rows->count(), 1);  // the placeholder
        QVERIFY(!(rows->item(0)->flags() & Qt::ItemIsSelectable));
    }

    void screenshots_data() {
        QTest::addColumn<bool>("dark");
        QTest::newRow("light") << false;
        QTest::newRow("dark") << true;
    }
    void screenshots() {
        QFETCH(bool, dark);
        QPalette palette = QStyleFactory::create("Fusion")->standardPalette();
        if (dark) {
            palette.setColor(QPalette::Window, QColor(45, 45, 48));
            palette.setColor(QPalette::Base, QColor(30, 30, 30));
            palette.setColor(QPalette::Text, QColor(220, 220, 220));
            palette.setColor(QPalette::WindowText, QColor(220, 220, 220));
            palette.setColor(QPalette::Mid, QColor(90, 90, 90));
        }
        QWidget page;
        page.setPalette(palette);
        auto* layout = new QVBoxLayout(&page);
        auto* view = new LayerHealthView;
        auto* list = new TrainingAlertList;
        layout->addWidget(view, 3);
        layout->addWidget(list, 1);
        view->setLayers({"conv1", "conv2", "conv3", "dense1", "dense2"});
        view->appendSamples(samples(40, 5));
        for (int e = 1; e <= 8; ++e) {
            QList<RidgeHistogram> perLayer;
            for (int l = 0; l < 5; ++l) perLayer.append(gaussian(e, 0.2 * e, 1.0 + 0.1 * e));
            view->addEpochHistograms(e, perLayer);
        }
        list->addAlert({"overfitting", 6, 5100, 5.0,
                        "Overfitting began at epoch 6: validation loss rose from 0.28 (epoch 5) to 0.33 while "
                        "training loss fell from 0.25 to 0.18.",
                        "Keep the weights of epoch 5 (early stopping, e.g. --patience 2), or add augmentation."});
        page.resize(1100, 640);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        const QImage image = page.grab().toImage();
        QTemporaryDir temp;
        const QString dir = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR", temp.path());
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(image.save(QStringLiteral("%1/layer-health-%2.png").arg(dir, dark ? "dark" : "light")));
    }
};

QTEST_MAIN(LayerHealthViewTest)
#include "tst_layer_health_view.moc"
