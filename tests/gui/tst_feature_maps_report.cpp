// The studio's Feature maps view and run report export, offscreen:
//  - computeFeatureMaps gives one group per conv layer with one tile per channel, each tile the
//    map's own pixels (its minimum black, its maximum white) and range; the first conv's filters
//    and (for an mlp) the first dense layer's rows at the input's size;
//  - FeatureMapController fills the view on its worker and follows the newest model: snapshots of
//    epochs 1, 2, 3 set in a row end with epoch 3 shown; the GUI thread keeps ticking;
//  - writeRunReport writes a PDF (through Qt's printing, with the report's images embedded) and
//    the HTML; RunReportController does it on a worker and reports the path.
// $STUDIO_SCREENSHOT_DIR: the filled view and the first PDF pages rendered as PNGs.

#include <QtTest>

#include <QElapsedTimer>
#include <QMenuBar>
#include <QSettings>
#include <QTabWidget>
#include <QFile>
#include <QPainter>
#include <QTemporaryDir>
#include <QTextDocument>
#include <QTimer>

#include "app/gui/dataset_panel.h"
#include "app/gui/feature_map_controller.h"
#include "app/gui/feature_map_images.h"
#include "app/gui/main_window.h"
#include "app/gui/report_pdf.h"
#include "app/gui/run_report_controller.h"
#include "engine/data/dataset_catalog.h"
#include "engine/infer/predictor.h"
#include "engine/io/model_file.h"
#include "engine/report/report_html.h"
#include "engine/train/train_config.h"
#include "tests/timing_limits.h"
#include "widgets/feature_map_view.h"

using namespace studio;
using namespace studio::app;

namespace {

std::shared_ptr<const DatasetBundle> shapes() {
    static std::shared_ptr<const DatasetBundle> data = [] {
        DatasetOptions o;
        o.samples = 400;
        auto b = loadDataset("shapes", o);
        if (!b.ok()) qFatal("%s", b.error().what().c_str());
        return std::make_shared<const DatasetBundle>(std::move(*b));
    }();
    return data;
}

SnapshotPtr snapshotOf(const std::string& preset, int epoch, std::uint64_t seed = 5) {
    const Dataset& d = shapes()->pool;
    auto spec = presetSpec(preset, d.sampleShape(), d.classCount());
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    TrainConfig config;
    config.testFraction = 0.2;
    return std::make_shared<const ModelSnapshot>(ModelSnapshot{std::move(*model),
                                                               Preprocessing::identity(d.sampleShape(), true),
                                                               d.classNames(), "shapes", config.toJson(),
                                                               nlohmann::json::object(), epoch});
}

DecodedImage sample(int i) {
    const Dataset& d = shapes()->pool;
    DecodedImage img{d.sampleShape()[0], d.sampleShape()[1], d.sampleShape()[2], {}};
    img.chw.assign(d.pixels(i), d.pixels(i) + d.sampleSize());
    return img;
}

QString screenshotDir() { return qEnvironmentVariable("STUDIO_SCREENSHOT_DIR"); }

}  // namespace

class FeatureMapsReportTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        // Keep the user's settings out of the tests (and the tests out of the user's settings).
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_feature_maps_report");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void mapsAreTheLayersOwnActivations() {
        const SnapshotPtr model = snapshotOf("lenet", 1);
        const DecodedImage image = sample(3);
        const FeatureMaps maps = computeFeatureMaps(*model, image);
        QVERIFY2(maps.error.isEmpty(), qPrintable(maps.error));
        auto x = prepareImage(model->preprocessing, image);
        QVERIFY(x.ok());
        auto acts = snapshotActivations(*model, *x);
        QVERIFY(acts.ok());
        int g = 0;
        for (const LayerActivation& a : *acts) {
            if (a.kind != "conv2d") continue;
            const auto& group = maps.groups[g++];
            QCOMPARE(group.tiles.size(), qsizetype(a.shape[0]));
            for (int c = 0; c < a.shape[0]; ++c) {
                const auto& tile = group.tiles[c];
                QCOMPARE(tile.image.size(), QSize(a.shape[2], a.shape[1]));
                const float* v = a.values.data() + std::size_t(c) * a.shape[1] * a.shape[2];
                const auto [mn, mx] = std::minmax_element(v, v + a.shape[1] * a.shape[2]);
                QCOMPARE(tile.minValue, double(*mn));
                QCOMPARE(tile.maxValue, double(*mx));
                if (*mx > *mn) {
                    const auto lowAt = mn - v, highAt = mx - v;
                    QCOMPARE(qGray(tile.image.pixel(int(lowAt % a.shape[2]), int(lowAt / a.shape[2]))), 0);
                    QCOMPARE(qGray(tile.image.pixel(int(highAt % a.shape[2]), int(highAt / a.shape[2]))), 255);
                }
            }
        }
        QCOMPARE(g, 2);  // lenet's two conv layers
        // Then the first conv's filters, one per output channel, at the kernel's size.
        QCOMPARE(maps.groups.size(), qsizetype(3));
        const auto filters = firstConvFilters(model->model);
        QCOMPARE(maps.groups[2].tiles.size(), qsizetype(filters->images.size()));
        QCOMPARE(maps.groups[2].tiles[0].image.size(), QSize(filters->images[0].width, filters->images[0].height));
        QCOMPARE(maps.modelView.size(), QSize(28, 28));
    }

    void mlpShowsDenseRowsAsImages() {
        const FeatureMaps maps = computeFeatureMaps(*snapshotOf("mlp", 1), sample(0));
        QVERIFY(maps.error.isEmpty());
        QCOMPARE(maps.groups.size(), qsizetype(1));
        QCOMPARE(maps.groups[0].tiles.size(), qsizetype(kMaxTilesPerGroup));  // 256 units, the first 64 shown
        QVERIFY(maps.groups[0].title.contains("the first 64 of 256"));
        QCOMPARE(maps.groups[0].tiles[0].image.size(), QSize(28, 28));
    }

    void controllerFollowsTheNewestModel() {
        widgets::FeatureMapView view;
        view.resize(1000, 720);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        FeatureMapController controller(&view);
        const SnapshotPtr epoch2 = snapshotOf("cnn", 2, 2), epoch3 = snapshotOf("cnn", 3, 3);  // built before the clock
        controller.setModel(snapshotOf("cnn", 1, 1), true);
        controller.showImage(sample(7), "sample 7 (star)");

        // A 10 ms timer keeps ticking while the worker computes and new models arrive.
        QElapsedTimer clock;
        qint64 last = 0, longest = 0;
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, [&] {
            longest = std::max(longest, clock.elapsed() - last);
            last = clock.elapsed();
        });
        clock.start();
        tick.start(10);
        controller.setModel(epoch2, true);
        controller.setModel(epoch3, true);
        QTRY_VERIFY_WITH_TIMEOUT(controller.shownEpoch() == 3 && !controller.busy(), 10000);
        tick.stop();
        QVERIFY2(longest < timeLimitMs(100), qPrintable(QString("longest gap %1 ms").arg(longest)));
        QVERIFY(controller.jobsShown() >= 1 && controller.jobsShown() <= 3);
        QVERIFY2(view.statusText().contains("after epoch 3"), qPrintable(view.statusText()));
        QCOMPARE(view.captionText(), QString("sample 7 (star)"));
        QCOMPARE(view.grid()->groups().size(), qsizetype(4));  // cnn: 3 conv layers + filters
        QCOMPARE(view.grid()->groups()[0].tiles.size(), qsizetype(32));
        if (!screenshotDir().isEmpty()) QVERIFY(view.grab().save(screenshotDir() + "/feature_maps_cnn.png"));

        // A model of feature vectors says why there is nothing to show.
        DatasetOptions o;
        o.samples = 100;
        auto spirals = loadDataset("spirals", o);
        QVERIFY(spirals.ok());
        auto spec = presetSpec("mlp", spirals->pool.sampleShape(), spirals->pool.classCount());
        auto m = Model::build(*spec);
        QVERIFY(m.ok());
        auto vectors = std::make_shared<const ModelSnapshot>(ModelSnapshot{
            std::move(*m), Preprocessing::identity(spirals->pool.sampleShape(), false), spirals->pool.classNames(),
            "spirals", nlohmann::json::object(), nlohmann::json::object(), 4});
        controller.setModel(vectors, false);
        QTRY_VERIFY_WITH_TIMEOUT(view.statusText().contains("feature vectors"), 5000);
        QVERIFY(view.grid()->groups().isEmpty());
    }

    void hiddenViewWaitsUntilShown() {
        widgets::FeatureMapView view;
        FeatureMapController controller(&view);
        controller.setModel(snapshotOf("lenet", 2), false);
        controller.showImage(sample(1), "one");
        QTest::qWait(100);
        QCOMPARE(controller.jobsShown(), 0);  // nothing computed for a hidden view
        view.show();
        QTRY_COMPARE_WITH_TIMEOUT(controller.jobsShown(), 1, 5000);
    }

    void reportPdfAndHtml() {
        QTemporaryDir dir;
        const SnapshotPtr model = snapshotOf("lenet", 2);
        const QString pdf = dir.filePath("report.pdf");
        auto written = writeRunReport(model, shapes(), dir.filePath("none.sqlite").toStdString(), pdf.toStdString());
        QVERIFY2(written.ok(), written.ok() ? "" : written.error().what().c_str());
        QVERIFY(QString::fromStdString(*written).contains(pdf));
        QFile f(pdf);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray bytes = f.readAll();
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.trimmed().endsWith("%%EOF"));
        // The class examples and the mistakes are embedded as images (no curves: no run recorded).
        QVERIFY2(bytes.count("/Subtype /Image") >= 8 + 12, qPrintable(QString::number(bytes.count("/Subtype /Image"))));
        QVERIFY(bytes.count("/Type /Page\n") + bytes.count("/Type /Page ") + bytes.count("/Type /Page>") >= 2 ||
                bytes.count("/Type /Page") >= 3);

        const QString html = dir.filePath("report.html");
        QVERIFY(writeRunReport(model, shapes(), "", html.toStdString()).ok());
        QFile h(html);
        QVERIFY(h.open(QIODevice::ReadOnly));
        const QByteArray page = h.readAll();
        for (const auto& id : reportSectionIds()) QVERIFY(page.contains(QByteArray("<h2 id=\"") + id.c_str()));

        if (!screenshotDir().isEmpty()) {  // the PDF's layout, page by page, as Qt prints it
            std::unique_ptr<QTextDocument> doc(reportDocument(std::string(page.constData(), std::size_t(page.size()))));
            doc->setPageSize(QSizeF(800, 1130));
            for (int p = 0; p < std::min(doc->pageCount(), 4); ++p) {
                QImage shot(800, 1130, QImage::Format_RGB32);
                shot.fill(Qt::white);
                QPainter painter(&shot);
                painter.translate(0, -p * 1130);
                doc->drawContents(&painter, QRectF(0, p * 1130, 800, 1130));
                painter.end();
                QVERIFY(shot.save(QString("%1/report_page%2.png").arg(screenshotDir()).arg(p + 1)));
            }
        }
    }

    void controllerWritesOnAWorker() {
        QTemporaryDir dir;
        RunReportController controller(nullptr);
        QSignalSpy done(&controller, &RunReportController::finished);
        const QString path = dir.filePath("async.pdf");
        controller.exportTo(snapshotOf("lenet", 1), shapes(), QString(), path);
        QVERIFY(controller.isBusy());
        controller.exportTo(snapshotOf("lenet", 1), shapes(), QString(), path);  // refused while busy
        QVERIFY(controller.lastMessage().contains("still being written"));
        QVERIFY(done.wait(20000));
        QCOMPARE(done.at(0).at(0).toBool(), true);
        QVERIFY(done.at(0).at(1).toString().contains(path));
        QVERIFY(QFile::exists(path));
        QVERIFY(!controller.isBusy());

        controller.exportTo(snapshotOf("lenet", 1), shapes(), QString(), "/nonexistent-dir/r.pdf");
        QVERIFY(done.wait(20000));
        QCOMPARE(done.at(1).at(0).toBool(), false);
        QVERIFY(done.at(1).at(1).toString().contains("/nonexistent-dir/r.pdf"));
    }

    // The window: File ▸ Export ▸ Run Report… exists, and a sample double-clicked in the Data
    // gallery shows in the Feature maps tab through the loaded model.
    void theWindowHasTheTabAndTheMenu() {
        MainWindow window;
        QAction* report = nullptr;
        for (QAction* top : window.menuBar()->actions())
            if (top->menu() && top->text().remove('&') == "File")
                for (QAction* a : top->menu()->actions())
                    if (a->menu() && a->text().remove('&') == "Export")
                        for (QAction* e : a->menu()->actions())
                            if (e->text().remove('&').startsWith("Run Report")) report = e;
        QVERIFY(report != nullptr);

        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY_WITH_TIMEOUT(window.dataset() != nullptr, 20000);
        const QString path = m_dir.filePath("lenet.tsmodel");
        QVERIFY(saveModelFile(path.toStdString(), *snapshotOf("lenet", 1)).ok());
        QVERIFY(window.loadModel(path).ok());
        auto* view = window.findChild<widgets::FeatureMapView*>();
        QVERIFY(view);
        auto* tabs = window.findChild<QTabWidget*>();
        QVERIFY(tabs && tabs->indexOf(view) >= 0);
        QCOMPARE(tabs->tabText(tabs->indexOf(view)), QString("Feature maps"));
        tabs->setCurrentWidget(view);
        // Before anything is chosen the tab shows the data's first image, not an empty page.
        QTRY_VERIFY2_WITH_TIMEOUT(view->captionText().startsWith("Data sample 0 ("), qPrintable(view->captionText()),
                                  10000);
        Q_EMIT window.datasetPanel()->sampleActivated(5);
        QTRY_VERIFY2_WITH_TIMEOUT(view->captionText().startsWith("Data sample 5 ("), qPrintable(view->captionText()),
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(view->grid()->groups().size(), qsizetype(3), 10000);  // lenet: 2 conv + filters
        if (!screenshotDir().isEmpty()) QVERIFY(window.grab().save(screenshotDir() + "/window_feature_maps.png"));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(FeatureMapsReportTest)
#include "tst_feature_maps_report.moc"
