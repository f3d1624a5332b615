// Try it ▸ Classify folder…: every file that looks like an image gets a row. A symbolic link
// that loops (or leads nowhere) used to be left out of the listing, so it was missing from the
// table without a word; now it is a row whose error says what it is.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "app/gui/inference_controller.h"
#include "engine/infer/snapshot.h"
#include "engine/nn/model_spec.h"
#include "tests/screenshot.h"
#include "widgets/folder_results_table.h"
#include "widgets/inference_panel.h"

using namespace studio;
using namespace studio::app;
using widgets::FolderResultsTable;

namespace {

SnapshotPtr untrainedShapesModel() {
    auto spec = presetSpec("lenet", {1, 28, 28}, 2);
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(1);
    return std::make_shared<const ModelSnapshot>(ModelSnapshot{std::move(*model),
                                                               Preprocessing::identity({1, 28, 28}, true),
                                                               {"circle", "star"},
                                                               "shapes",
                                                               nlohmann::json::object(),
                                                               nlohmann::json::object(),
                                                               1});
}

int rowOf(const FolderResultsTable* table, const QString& file) {
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->cellText(r, FolderResultsTable::FileColumn) == file) return r;
    return -1;
}

}  // namespace

class ClassifyFolderLoopTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void loopAndDanglingLinksAreRows();
};

void ClassifyFolderLoopTest::loopAndDanglingLinksAreRows() {
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath("pictures/sub"));
    const QString root = dir.filePath("pictures");
    QVERIFY(QFile::copy(QStringLiteral(STUDIO_SOURCE_DIR "/datasets/samples/shape-circle.png"), root + "/circle.png"));
    QVERIFY(QFile::link(root + "/sub/loop.png", root + "/sub/loop.png"));       // points at itself
    QVERIFY(QFile::link(root + "/gone.png", root + "/nowhere.png"));            // points at nothing
    QVERIFY(QFile::link(root + "/circle.png", root + "/sub/circle-link.png"));  // a good link classifies

    widgets::InferencePanel panel;
    InferenceController controller(&panel);
    controller.setModel(untrainedShapesModel(), false);
    controller.classifyFolder(root);
    QTRY_VERIFY_WITH_TIMEOUT(controller.pendingJobs() == 0, 30000);

    FolderResultsTable* table = panel.folderResults();
    QCOMPARE(table->rowCount(), 4);
    QCOMPARE(table->errorCount(), 2);
    const int loop = rowOf(table, "sub/loop.png");
    QVERIFY2(loop >= 0, qPrintable(table->toCsv()));
    const QString loopError = table->cellText(loop, FolderResultsTable::ErrorColumn);
    QVERIFY2(loopError.contains("symbolic link loop"), qPrintable(loopError));
    QVERIFY2(loopError.contains("loop.png"), qPrintable(loopError));
    const int dangling = rowOf(table, "nowhere.png");
    QVERIFY2(dangling >= 0, qPrintable(table->toCsv()));
    QVERIFY2(table->cellText(dangling, FolderResultsTable::ErrorColumn).contains("does not exist"),
             qPrintable(table->cellText(dangling, FolderResultsTable::ErrorColumn)));
    for (const QString& good : {QString("circle.png"), QString("sub/circle-link.png")}) {
        const int r = rowOf(table, good);
        QVERIFY2(r >= 0, qPrintable(good));
        QVERIFY(table->cellText(r, FolderResultsTable::ErrorColumn).isEmpty());
        QVERIFY(!table->cellText(r, FolderResultsTable::ClassColumn).isEmpty());
    }
    QVERIFY2(table->summaryText().contains("2 could not be classified"), qPrintable(table->summaryText()));

    panel.resize(1024, 560);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QVERIFY(test::saveScreenshot(panel, "classify-folder-loop"));
}

QTEST_MAIN(ClassifyFolderLoopTest)
#include "tst_classify_folder_loop.moc"
