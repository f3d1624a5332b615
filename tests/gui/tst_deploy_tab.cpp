// The studio's Deploy tab with a model trained in the window: opening the tab measures the float
// model (its accuracy equals the Evaluation tab's, its speed fills the table), an added variant
// is measured on the same test images, and the chart, the per-class change and the changed
// predictions fill — the changed images counted independently here from the two reports — while
// the GUI thread keeps ticking. The INT8 button makes a smaller variant; Save… writes a model
// file that loads. With STUDIO_SCREENSHOT_DIR set, the tab is saved there (for looking at it).

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include "app/gui/deploy_controller.h"
#include "app/gui/evaluation_controller.h"
#include "app/gui/main_window.h"
#include "tests/screenshot.h"
#include "app/gui/training_controller.h"
#include "engine/core/rng.h"
#include "engine/io/model_file.h"
#include "tests/timing_limits.h"
#include "widgets/deploy_view.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/image_gallery.h"
#include "widgets/variant_scatter_chart.h"

using namespace studio;
using namespace studio::app;

namespace {

// The same network with every weight shaken by 60% of its size: a variant whose predictions
// differ from the float model's on some images but not on all.
SnapshotPtr shaken(const ModelSnapshot& s) {
    auto copy = std::make_shared<ModelSnapshot>(s);
    Rng rng = Rng::forStream(5, RngPurpose::Test, 77);
    for (Param* p : copy->model.params())
        if (p->name == "weight")
            for (std::size_t i = 0; i < p->value.size(); ++i) p->value[i] *= 1.0f + 0.6f * rng.normal();
    return copy;
}

bool measured(const DeployVariant& v) { return !v.measuring && v.report && v.bench; }

}  // namespace

class DeployTabTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void openingTheTabMeasuresTheFloatModel();
    void anAddedVariantFillsChartClassesAndChanges();
    void int8ButtonMakesASmallerVariant();
    void saveWritesAModelThatLoads();
    void exportOnnxChecksTheFloatAndInt8Variants();
    void addedModelFilesAreMeasuredAndBadOnesNamed();

private:
    DeployController* deploy() const { return m_window->deployController(); }
    widgets::DeployView* view() const { return m_window->deployView(); }
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_dir;
    int m_shakenId = -1;
};

void DeployTabTest::initTestCase() {
    QCoreApplication::setOrganizationName("TrainingStudioTests");
    QCoreApplication::setApplicationName("tst_deploy_tab");
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1280, 800);
    m_window->show();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->dataset() && !m_window->isDatasetLoading(), 20000);
    Project p = m_window->project();
    p.settings["epochs"] = 2;
    m_window->editProject(p, "epochs");
    m_window->startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->trainingController()->finished().has_value(), 120000);
    QVERIFY(m_window->currentModel());
    QTRY_VERIFY_WITH_TIMEOUT(m_window->evaluationController()->report().has_value(), 30000);

    InferenceBenchOptions quick;  // timings in milliseconds: the test checks the plumbing
    quick.batches = {1, 8};
    quick.threads = {1, 2};
    quick.warmupRuns = 1;
    quick.minRuns = 3;
    quick.minSeconds = 0.05;
    deploy()->setBenchOptions(quick);
}

void DeployTabTest::cleanupTestCase() { m_window.reset(); }

void DeployTabTest::openingTheTabMeasuresTheFloatModel() {
    QVERIFY(deploy()->variants().empty());  // nothing is measured while the tab is closed
    m_window->centralTabs()->setCurrentWidget(view());
    QTRY_COMPARE(deploy()->variants().size(), std::size_t(1));
    QCOMPARE(deploy()->variants().front().kind, std::string("float"));
    QTRY_VERIFY_WITH_TIMEOUT(measured(deploy()->variants().front()) && !deploy()->isBusy(), 30000);
    const DeployVariant& f = deploy()->variants().front();
    QCOMPARE(f.snapshot, m_window->currentModel());
    // The same test images and numbers as the Evaluation tab.
    QCOMPARE(f.report->accuracy, m_window->evaluationController()->report()->accuracy);
    QCOMPARE(f.report->samples, m_window->evaluationController()->report()->samples);
    QCOMPARE(f.fileBytes, std::int64_t(serializeModel(*f.snapshot).size()));
    QCOMPARE(f.bench->results.size(), std::size_t(4));

    QTableWidget* table = view()->variantsTable();
    QCOMPARE(table->rowCount(), 1);
    QVERIFY(table->item(0, widgets::DeployView::Accuracy)->text().endsWith('%'));
    QVERIFY(!table->item(0, widgets::DeployView::Latency)->text().contains("…"));
    QCOMPARE(view()->chart()->points().size(), 1);
    QCOMPARE(view()->benchTable()->rowCount(), 2);  // batches 1 and 8, each on 1 and 2 threads
    for (int col = 1; col < 5; ++col) QVERIFY(view()->benchTable()->item(1, col));
    QVERIFY(!view()->progressBar()->isVisible());
    QVERIFY(view()->quantizeButton()->isEnabled());
}

void DeployTabTest::anAddedVariantFillsChartClassesAndChanges() {
    const SnapshotPtr variant = shaken(*m_window->currentModel());
    // The GUI thread keeps ticking while the variant is evaluated and timed.
    qint64 longest = 0, ticks = 0;
    QElapsedTimer clock;
    QTimer probe;
    probe.setInterval(10);
    connect(&probe, &QTimer::timeout, [&] {
        if (clock.isValid()) longest = std::max(longest, clock.elapsed());
        clock.restart();
        ++ticks;
    });
    probe.start();
    m_shakenId = deploy()->addVariant("shaken", "file", variant);
    QVERIFY(deploy()->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(!deploy()->isBusy(), 30000);
    probe.stop();
    qInfo("GUI thread: longest gap between 10 ms ticks while measuring: %lld ms over %lld ticks", longest, ticks);
    QVERIFY2(ticks >= 10, qPrintable(QString("only %1 ticks").arg(ticks)));
    QVERIFY2(longest < timeLimitMs(100), qPrintable(QString("longest gap %1 ms").arg(longest)));

    const DeployVariant* f = &deploy()->variants().front();
    const DeployVariant* v = deploy()->variant(m_shakenId);
    QVERIFY(v && measured(*v));
    QCOMPARE(v->report->samples, f->report->samples);
    QCOMPARE(view()->variantsTable()->rowCount(), 2);
    QCOMPARE(view()->selectedId(), m_shakenId);  // an added variant is chosen
    const QString delta = view()->variantsTable()->item(1, widgets::DeployView::Delta)->text();
    QVERIFY2(delta.endsWith(" pt"), qPrintable(delta));

    // The chart: one dot each, the chosen one ringed, equal files as equal dots.
    widgets::VariantScatterChart* chart = view()->chart();
    QCOMPARE(chart->points().size(), 2);
    QCOMPARE(chart->selected(), m_shakenId);
    QVERIFY(chart->pointPosition(f->id) && chart->pointPosition(m_shakenId));
    QCOMPARE(chart->pointRadius(f->id), chart->pointRadius(m_shakenId));
    const QPointF at = *chart->pointPosition(f->id);
    QVERIFY(chart->plotRect().adjusted(-1, -1, 1, 1).contains(at));
    QVERIFY(chart->pointAt(at) == std::optional<int>(f->id));

    // Per-class accuracy under both, from the reports.
    QTableWidget* classes = view()->classTable();
    QCOMPARE(classes->rowCount(), int(f->report->perClass.size()));
    classes->sortItems(0);
    int changedClasses = 0;
    for (int r = 0; r < classes->rowCount(); ++r)
        if (classes->item(r, 3)->text() != QString("±0.00 pt")) ++changedClasses;
    int expectedChanged = 0;
    for (std::size_t c = 0; c < f->report->perClass.size(); ++c)
        if (std::abs(f->report->perClass[c].recall - v->report->perClass[c].recall) >= 0.00005) ++expectedChanged;
    QCOMPARE(changedClasses, expectedChanged);
    // Sorting by the change sorts by its number, the largest loss first.
    classes->sortItems(3, Qt::AscendingOrder);
    for (int r = 1; r < classes->rowCount(); ++r)
        QVERIFY(classes->item(r - 1, 3)->data(Qt::UserRole).toDouble() <= classes->item(r, 3)->data(Qt::UserRole).toDouble());
    classes->sortItems(0);

    // The changed predictions: counted here from the two reports' records.
    int differ = 0;
    for (std::size_t i = 0; i < f->report->records.size(); ++i)
        if (f->report->records[i].predicted != v->report->records[i].predicted) ++differ;
    QVERIFY2(differ > 0, "the shaken weights should change some predictions");
    QCOMPARE(view()->changedGallery()->count(), std::min(differ, 300));

    // Choosing the float model shows no changes; choosing the variant again shows them.
    view()->setSelected(f->id);
    QCOMPARE(view()->changedGallery()->count(), 0);
    view()->setSelected(m_shakenId);
    QCOMPARE(view()->changedGallery()->count(), std::min(differ, 300));
    view()->detailTabs()->setCurrentIndex(2);
    QVERIFY(test::saveScreenshot(*m_window, "deploy-changed"));
    view()->detailTabs()->setCurrentIndex(1);
    QVERIFY(test::saveScreenshot(*m_window, "deploy-classes"));
    view()->detailTabs()->setCurrentIndex(0);
}

void DeployTabTest::int8ButtonMakesASmallerVariant() {
    QVERIFY(view()->quantizeButton()->isEnabled());
    QTest::mouseClick(view()->quantizeButton(), Qt::LeftButton);
    QVERIFY(deploy()->isBusy());
    QTRY_VERIFY_WITH_TIMEOUT(deploy()->variants().size() == 3 && !deploy()->isBusy(), 60000);
    const DeployVariant& q = deploy()->variants().back();
    QCOMPARE(q.kind, std::string("INT8"));
    QVERIFY2(measured(q), q.error.c_str());
    QVERIFY(q.snapshot->quantized != nullptr);
    const DeployVariant& f = deploy()->variants().front();
    QVERIFY2(q.fileBytes < f.fileBytes, qPrintable(QString("%1 vs %2").arg(q.fileBytes).arg(f.fileBytes)));
    QVERIFY2(std::abs(q.report->accuracy - f.report->accuracy) < 0.05,
             qPrintable(QString("%1 vs %2").arg(q.report->accuracy).arg(f.report->accuracy)));
    QCOMPARE(view()->chart()->points().size(), 3);
    QVERIFY(view()->chart()->pointRadius(q.id) < view()->chart()->pointRadius(f.id));
    QVERIFY(test::saveScreenshot(*m_window, "deploy-int8"));
}

void DeployTabTest::saveWritesAModelThatLoads() {
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath("shaken.tsmodel");
    deploy()->saveVariant(m_shakenId, path);
    QTRY_VERIFY_WITH_TIMEOUT(!deploy()->isBusy(), 30000);
    QVERIFY2(view()->statusText().contains("Saved"), qPrintable(view()->statusText()));
    auto loaded = loadModelFile(path.toStdString());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());
    QCOMPARE(weightsSha256(loaded->model), weightsSha256(deploy()->variant(m_shakenId)->snapshot->model));
}

void DeployTabTest::exportOnnxChecksTheFloatAndInt8Variants() {
    const QString floatPath = m_dir.filePath("float.onnx");
    deploy()->exportVariantOnnx(deploy()->variants().front().id, floatPath);
    QTRY_VERIFY_WITH_TIMEOUT(!deploy()->isBusy(), 60000);
    QVERIFY2(view()->statusText().startsWith("Exported"), qPrintable(view()->statusText()));
    QVERIFY(QFileInfo(floatPath).size() > 0);
    qInfo("float: %s", qPrintable(view()->statusText()));

    const QString int8Path = m_dir.filePath("int8.onnx");
    deploy()->exportVariantOnnx(deploy()->variants().back().id, int8Path);  // the INT8 variant
    QTRY_VERIFY_WITH_TIMEOUT(!deploy()->isBusy(), 60000);
    QVERIFY2(view()->statusText().contains("QDQ ONNX accepted by the ONNX checker"), qPrintable(view()->statusText()));
    QVERIFY(QFileInfo(int8Path).size() > 0);
    qInfo("INT8: %s", qPrintable(view()->statusText()));
    QVERIFY(QFileInfo(int8Path).size() < QFileInfo(floatPath).size());
}

void DeployTabTest::addedModelFilesAreMeasuredAndBadOnesNamed() {
    const std::size_t before = deploy()->variants().size();
    const QString saved = m_dir.filePath("shaken.tsmodel");  // written by saveWritesAModelThatLoads
    deploy()->addModelFile(saved);
    QTRY_VERIFY_WITH_TIMEOUT(deploy()->variants().size() == before + 1 && !deploy()->isBusy(), 30000);
    const DeployVariant& added = deploy()->variants().back();
    QCOMPARE(added.kind, std::string("file"));
    QCOMPARE(added.name, std::string("shaken.tsmodel"));
    QCOMPARE(added.fileBytes, std::int64_t(QFileInfo(saved).size()));
    QVERIFY(measured(added));
    QCOMPARE(added.report->accuracy, deploy()->variant(m_shakenId)->report->accuracy);  // the same weights

    const QString broken = m_dir.filePath("broken.tsmodel");
    QFile f(broken);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("not a model");
    f.close();
    deploy()->addModelFile(broken);
    QTRY_VERIFY_WITH_TIMEOUT(!deploy()->isBusy(), 30000);
    QCOMPARE(deploy()->variants().size(), before + 1);
    QVERIFY2(view()->statusText().contains(broken), qPrintable(view()->statusText()));
}

QTEST_MAIN(DeployTabTest)
#include "tst_deploy_tab.moc"
