// CSV tables in the Data dock: the label-column and header choices are offered for a .csv (its
// columns to pick from) and only then; choosing another label column reloads the table with
// it, undoes as one step, and the project file keeps both choices.

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "window_fixtures.h"

#include "app/gui/dataset_panel.h"
#include "app/gui/main_window.h"
#include "engine/data/dataset_catalog.h"
#include "widgets/class_count_chart.h"
#include "widgets/hyperparameter_form.h"

using namespace studio;
using namespace studio::app;

namespace {

constexpr int kLoadTimeout = 20000;

QString iris() {
    return QStringLiteral(STUDIO_SOURCE_DIR "/datasets/tables/iris.csv");
}

QStringList comboItems(QWidget* editor) {
    auto* combo = qobject_cast<QComboBox*>(editor);
    QStringList items;
    if (combo)
        for (int i = 0; i < combo->count(); ++i) items.append(combo->itemText(i));
    return items;
}

std::vector<std::string> classNames(const MainWindow& w) {
    return w.dataset() ? w.dataset()->pool.classNames() : std::vector<std::string>{};
}

}  // namespace

class CsvDataDockTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase() {
        QCoreApplication::setOrganizationName("TrainingStudioTests");
        QCoreApplication::setApplicationName("tst_csv_data_dock");
        QSettings().clear();
        QSettings().setValue("runs/store", m_dir.filePath("runs.sqlite"));
    }

    void panelOffersTheTableChoicesForACsv() {
        DatasetPanel panel;
        panel.setCatalog(listDatasets());
        widgets::HyperparameterForm* form = panel.form();
        panel.showChoice("spirals");
        QVERIFY(!form->isFieldEnabled("label_column"));
        QVERIFY(!form->isFieldEnabled("csv_header"));
        panel.showChoice(iris());
        QVERIFY(form->isFieldEnabled("label_column"));
        QVERIFY(form->isFieldEnabled("csv_header"));
        QCOMPARE(comboItems(form->editor("csv_header")), QStringList({"auto", "yes", "no"}));

        auto bundle = loadDataset(iris().toStdString());
        QVERIFY(bundle.ok());
        panel.setBundle(std::make_shared<const DatasetBundle>(std::move(*bundle)));
        QCOMPARE(comboItems(form->editor("label_column")),
                 QStringList({"sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm", "class"}));
        QCOMPARE(form->value("label_column").toString(), QString());  // the default: the last column
        QVERIFY2(panel.infoText().contains("150 samples in 3 classes · 4 features per sample"),
                 qPrintable(panel.infoText()));

        if (const QString shots = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR"); !shots.isEmpty()) {
            panel.resize(380, 980);
            panel.show();
            QVERIFY(QTest::qWaitForWindowExposed(&panel));
            QVERIFY(panel.grab().save(QDir(shots).filePath("csv_data_dock.png")));
        }
    }

    void labelColumnReloadsUndoesAndIsKeptInTheProject() {
        // Two columns that can be the label: c (the last, 3 classes) or a (2 classes).
        const QString table = m_dir.filePath("table.csv");
        {
            QFile f(table);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("a,b,c\r\n");
            for (int i = 0; i < 30; ++i)
                f.write(QByteArray::number(1 + i % 2) + "," + QByteArray::number(i * 0.5) + "," +
                        QByteArray::number(i % 3) + "\r\n");
        }
        MainWindow w;
        QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), kLoadTimeout);
        Q_EMIT w.datasetPanel()->datasetRequested(table);
        QTRY_COMPARE_WITH_TIMEOUT(classNames(w), (std::vector<std::string>{"0", "1", "2"}), kLoadTimeout);
        QCOMPARE(comboItems(w.datasetPanel()->form()->editor("label_column")), QStringList({"a", "b", "c"}));

        setField(w.datasetPanel()->form(), "label_column", "a");
        QCOMPARE(w.project().settings.value("label_column").toString(), QString("a"));
        QTRY_COMPARE_WITH_TIMEOUT(classNames(w), (std::vector<std::string>{"1", "2"}), kLoadTimeout);
        QCOMPARE(w.datasetPanel()->classCounts()->names(), QStringList({"1", "2"}));
        QCOMPARE(w.dataset()->pool.table()->featureNames, (std::vector<std::string>{"b", "c"}));

        w.undoStack()->undo();
        QTRY_COMPARE_WITH_TIMEOUT(classNames(w), (std::vector<std::string>{"0", "1", "2"}), kLoadTimeout);
        w.undoStack()->redo();
        QTRY_COMPARE_WITH_TIMEOUT(classNames(w), (std::vector<std::string>{"1", "2"}), kLoadTimeout);

        // Forced "no header" with a named label: the message says to give a number.
        setField(w.datasetPanel()->form(), "csv_header", "no");
        QTRY_VERIFY_WITH_TIMEOUT(w.datasetPanel()->infoText().contains("give the label column by number (1 to 3)"),
                                 kLoadTimeout);
        setField(w.datasetPanel()->form(), "csv_header", "yes");
        QTRY_COMPARE_WITH_TIMEOUT(classNames(w), (std::vector<std::string>{"1", "2"}), kLoadTimeout);

        const QString projectPath = m_dir.filePath("table-project.json");
        QVERIFY(w.saveProject(projectPath).ok());
        MainWindow reopened;
        QVERIFY(reopened.openProject(projectPath).ok());
        QCOMPARE(reopened.project().settings.value("label_column").toString(), QString("a"));
        QCOMPARE(reopened.project().settings.value("csv_header").toString(), QString("yes"));
        QTRY_COMPARE_WITH_TIMEOUT(classNames(reopened), (std::vector<std::string>{"1", "2"}), kLoadTimeout);
    }
};

QTEST_MAIN(CsvDataDockTest)
#include "tst_csv_data_dock.moc"
