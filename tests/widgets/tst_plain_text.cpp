// Text from files (class, layer, file, dataset and model names from someone else's model or
// project) shows literally wherever it appears: labels are plain text and tooltips escaped, so a
// class named "<img src=x><b>bold</b>" never becomes a picture or bold type.
#include "widgets/architecture_editor.h"
#include "widgets/class_count_chart.h"
#include "widgets/class_metrics_table.h"
#include "widgets/gallery_model.h"
#include "widgets/inference_toolbar.h"
#include "widgets/layer_table_model.h"
#include "widgets/prediction_card.h"
#include "widgets/probability_bars.h"

#include <QAction>
#include <QHelpEvent>
#include <QLabel>
#include <QTableView>
#include <QTextDocument>
#include <QTextDocumentFragment>
#include <QToolTip>
#include <QtTest>

#include "tests/screenshot.h"

using namespace studio::widgets;

namespace {

const QString kName = QStringLiteral("<img src=x><b>bold</b>");

/// What a tooltip or an auto-format label shows the user: rich text as rendered, else as is.
QString rendered(const QString& text, Qt::TextFormat format = Qt::AutoText) {
    const bool rich = format == Qt::RichText || (format == Qt::AutoText && Qt::mightBeRichText(text));
    return rich ? QTextDocumentFragment::fromHtml(text).toPlainText() : text;
}

QString rendered(const QLabel* label) {
    return rendered(label->text(), label->textFormat());
}

/// Every label of `w` shows its text as given (none interprets markup).
void verifyNoLabelRendersMarkup(QWidget* w) {
    for (QLabel* label : w->findChildren<QLabel*>())
        QVERIFY2(rendered(label) == label->text(), qPrintable(label->text() + " shows as " + rendered(label)));
}

/// The labels of `w` whose text mentions the name (as source text).
QList<QLabel*> labelsNamingIt(QWidget* w) {
    QList<QLabel*> found;
    for (QLabel* label : w->findChildren<QLabel*>())
        if (label->text().contains(kName)) found.append(label);
    return found;
}

}  // namespace

class PlainTextTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void predictionCardLabels();
    void probabilityBarsToolTip();
    void classCountChartToolTip();
    void galleryAndMetricsToolTips();
    void modelStatusAndLayerOptions();
};

void PlainTextTest::predictionCardLabels() {
    PredictionCard card(1, kName + ".png", "/data/" + kName + ".png", QImage());
    card.setPrediction(QImage(28, 28, QImage::Format_Grayscale8), "model input 28×28 gray", {{kName, 0.9, 0}}, 40);
    // The headline elides a name this long, literally; its tooltip shows it whole, as text.
    QVERIFY2(card.headlineText().startsWith(kName.left(8)), qPrintable(card.headlineText()));
    verifyNoLabelRendersMarkup(&card);
    card.show();
    QVERIFY(QTest::qWaitForWindowExposed(&card));
    QVERIFY(studio::test::saveScreenshot(card, "plain-text-class-name"));
    int tooltipsNamingIt = 0;
    for (QLabel* label : card.findChildren<QLabel*>())
        tooltipsNamingIt += rendered(label->toolTip()).contains(kName);
    QVERIFY(tooltipsNamingIt >= 2);  // the headline's and the title's
    card.setError("cannot decode " + kName);
    QVERIFY(!labelsNamingIt(&card).isEmpty());
    verifyNoLabelRendersMarkup(&card);
}

void PlainTextTest::probabilityBarsToolTip() {
    ProbabilityBars bars;
    bars.setProbabilities({{kName, 0.75, 3}});
    bars.resize(300, 60);
    bars.show();
    QVERIFY(QTest::qWaitForWindowExposed(&bars));
    const QPoint at(10, 5);  // on the first (only) row
    QHelpEvent help(QEvent::ToolTip, at, bars.mapToGlobal(at));
    QApplication::sendEvent(&bars, &help);
    QVERIFY(!QToolTip::text().isEmpty());
    QVERIFY2(rendered(QToolTip::text()).contains(kName + " (class 3)"), qPrintable(QToolTip::text()));
    QToolTip::hideText();
}

void PlainTextTest::classCountChartToolTip() {
    ClassCountChart chart;
    chart.setCounts({kName, "cat"}, {5, 7});
    QVERIFY2(rendered(chart.toolTip()).contains(kName + ": 5"), qPrintable(chart.toolTip()));
}

void PlainTextTest::galleryAndMetricsToolTips() {
    GalleryModel gallery;
    gallery.setSource(
        1, [](int) { return QImage(); }, [](int) { return kName; });
    const QString tip = gallery.index(0, 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(rendered(tip).contains(kName), qPrintable(tip));

    ClassMetricsTable metrics;
    metrics.setMetrics({{kName, 0.5, 0.5, 0.5, 4}}, 0.5, 0.5, 4);
    const QAbstractItemModel* model = metrics.tableView()->model();
    const QString rowTip = model->index(0, 0).data(Qt::ToolTipRole).toString();
    QVERIFY2(rendered(rowTip).contains(kName + ": precision"), qPrintable(rowTip));
}

void PlainTextTest::modelStatusAndLayerOptions() {
    QAction paste;
    InferenceToolbar toolbar(&paste);
    toolbar.setModelStatus("Model: " + kName + " on " + kName, true);
    QVERIFY(!labelsNamingIt(&toolbar).isEmpty());
    verifyNoLabelRendersMarkup(&toolbar);

    // A layer spec from someone else: option names and the problem come from the file.
    OptionDescription option{kName, OptionDescription::Integer, 1, 0, 10, {}, "help"};
    ArchitectureEditor editor;
    editor.setLayerKinds({{"odd", "Odd", "A layer.", {option}}});
    editor.setLayers({{"odd", {{kName, 2}}, "2", 0, 0, "Layer " + kName + " does not fit", {}}});
    editor.selectRow(0);
    const QList<QLabel*> labels = labelsNamingIt(&editor);
    QVERIFY(labels.size() >= 2);  // the option's label and the problem
    verifyNoLabelRendersMarkup(&editor);
    const QString problemTip = editor.model()->index(0, LayerTableModel::Kind).data(Qt::ToolTipRole).toString();
    QVERIFY2(rendered(problemTip).contains("Layer " + kName), qPrintable(problemTip));
}

QTEST_MAIN(PlainTextTest)
#include "tst_plain_text.moc"
