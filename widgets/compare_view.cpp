#include "widgets/compare_view.h"

#include "widgets/live_chart.h"
#include "widgets/run_values.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QSet>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>

namespace studio::widgets {
namespace {

constexpr int kDifferentRole = Qt::UserRole;

QIcon swatch(const QColor& color) {
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(color);
    painter.setPen(color.darker(140));
    painter.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 2, 2);
    return QIcon(pixmap);
}

QString metricText(const QString& key, const QVariant& value) {
    if (!value.isValid()) return QStringLiteral("—");
    bool ok = false;
    const double number = value.toDouble(&ok);
    if (!ok) return optionValueText(value);
    const QString k = key.toLower();
    if (k.contains(QLatin1String("accuracy"))) return accuracyText(number);
    if (k.contains(QLatin1String("loss"))) return lossText(number);
    if (k.contains(QLatin1String("seconds")) || k.contains(QLatin1String("time"))) return runDurationText(number);
    return QString::number(number, 'g', 4);
}

struct CurveKind {
    const char* kind;
    QList<QPointF> CompareRun::*points;
    bool loss;
    bool train;
    const char* title;
};
constexpr CurveKind kCurves[] = {
    {"trainLoss", &CompareRun::trainLoss, true, true, QT_TRANSLATE_NOOP("CompareView", "%1 (train)")},
    {"valLoss", &CompareRun::valLoss, true, false, QT_TRANSLATE_NOOP("CompareView", "%1 (validation)")},
    {"trainAccuracy", &CompareRun::trainAccuracy, false, true, QT_TRANSLATE_NOOP("CompareView", "%1 (train)")},
    {"valAccuracy", &CompareRun::valAccuracy, false, false, QT_TRANSLATE_NOOP("CompareView", "%1 (validation)")},
};

}  // namespace

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
    m_onlyDifferences = new QCheckBox(tr("Only differences"), this);
    m_onlyDifferences->setToolTip(tr("Hide the options every compared run shares"));
    connect(m_onlyDifferences, &QCheckBox::toggled, this, &CompareView::applyFilter);

    m_table = new QTableWidget(this);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setWordWrap(false);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);

    m_loss = new LiveChart(this);
    // Up to two curves per run: their names would elide to nothing in a legend. The table header
    // names each run's colour, and the title says which dash is which.
    m_loss->setTitle(tr("Loss (dashed: train, solid: validation)"));
    m_loss->setLegendVisible(false);
    m_loss->setXAxisTitle(tr("Epoch"));
    m_loss->setAxisGroupTitle({}, tr("Loss"));
    m_accuracy = new LiveChart(this);
    m_accuracy->setTitle(tr("Accuracy (dashed: train, solid: validation)"));
    m_accuracy->setLegendVisible(false);
    m_accuracy->setXAxisTitle(tr("Epoch"));
    m_accuracy->setAxisGroupTitle({}, tr("Accuracy"));
    m_accuracy->setAxisGroupBounds({}, 0.0, 1.0);

    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_onlyDifferences);
    topLayout->addWidget(m_table, 1);
    auto* charts = new QSplitter(Qt::Horizontal, this);
    charts->addWidget(m_loss);
    charts->addWidget(m_accuracy);
    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(charts);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

void CompareView::setOptionColumns(const QList<OptionColumn>& columns) {
    m_columns = columns;
    rebuildTable();
    updateCharts();  // series titles do not use labels, but keep one path
}

void CompareView::setRuns(const QList<CompareRun>& runs) {
    m_runs = runs;
    rebuildTable();
    updateCharts();
}

void CompareView::setOnlyDifferences(bool only) {
    m_onlyDifferences->setChecked(only);
}

bool CompareView::onlyDifferences() const {
    return m_onlyDifferences->isChecked();
}

int CompareView::optionRow(const QString& key) const {
    return int(m_optionKeys.indexOf(key));
}

int CompareView::metricRow(const QString& key) const {
    const qsizetype i = m_metricKeys.indexOf(key);
    return i < 0 ? -1 : int(m_optionKeys.size() + 1 + i);  // after the "Results" line
}

bool CompareView::isRowDifferent(int row) const {
    return row >= 0 && row < m_different.size() && m_different[row];
}

QString CompareView::cellText(int row, int column) const {
    const QTableWidgetItem* item = m_table->item(row, column);
    return item ? item->text() : QString();
}

QString CompareView::seriesId(qint64 runId, const QString& kind) {
    return QStringLiteral("%1/%2").arg(runId).arg(kind);
}

void CompareView::rebuildTable() {
    QList<QVariantMap> options, metrics;
    QSet<QString> allOptions, allMetrics;
    for (const CompareRun& run : m_runs) {
        options.append(run.options);
        metrics.append(run.metrics);
        for (auto it = run.options.keyBegin(); it != run.options.keyEnd(); ++it) allOptions.insert(*it);
        for (auto it = run.metrics.keyBegin(); it != run.metrics.keyEnd(); ++it) allMetrics.insert(*it);
    }
    // Differing options first (in the schema's order), then the shared ones by name.
    const QStringList differing = m_runs.size() >= 2 ? differingOptionKeys(options, m_columns) : QStringList{};
    QStringList same;
    for (const QString& key : allOptions)
        if (!differing.contains(key)) same.append(key);
    std::sort(same.begin(), same.end());
    m_optionKeys = differing + same;
    m_metricKeys = QStringList(allMetrics.begin(), allMetrics.end());
    std::sort(m_metricKeys.begin(), m_metricKeys.end());
    const QStringList differingMetrics = m_runs.size() >= 2 ? differingOptionKeys(metrics, {}) : QStringList{};

    const int rows = int(m_optionKeys.size() + 1 + m_metricKeys.size());
    m_table->clear();
    m_table->clearSpans();
    m_table->setRowCount(rows);
    m_table->setColumnCount(int(m_runs.size()));
    m_different = QList<bool>(rows, false);
    for (int c = 0; c < m_runs.size(); ++c) {
        // "Run 12" always fits; the name (often long for sweep trials) is in the tooltip and the table.
        auto* header = new QTableWidgetItem(swatch(m_runs[c].color), tr("Run %1").arg(m_runs[c].id));
        header->setToolTip(plainToolTip(m_runs[c].name));
        m_table->setHorizontalHeaderItem(c, header);
    }
    QColor tint = palette().color(QPalette::Highlight);
    tint.setAlphaF(palette().color(QPalette::Base).lightness() < 128 ? 0.30f : 0.16f);
    QFont bold = font();
    bold.setBold(true);
    auto fillRow = [&](int row, const QString& label, bool different, auto&& text) {
        m_different[row] = different;
        m_table->setVerticalHeaderItem(row, new QTableWidgetItem(label));
        for (int c = 0; c < m_runs.size(); ++c) {
            auto* item = new QTableWidgetItem(text(m_runs[c]));
            item->setData(kDifferentRole, different);
            item->setToolTip(plainToolTip(item->text()));
            if (different) {
                item->setFont(bold);
                item->setBackground(tint);
            }
            m_table->setItem(row, c, item);
        }
        if (different) m_table->verticalHeaderItem(row)->setFont(bold);
    };
    for (int i = 0; i < m_optionKeys.size(); ++i) {
        const QString key = m_optionKeys[i];
        fillRow(i, optionLabel(key, m_columns), differing.contains(key), [&key](const CompareRun& run) {
            const QVariant v = run.options.value(key);
            return v.isValid() ? optionValueText(v) : QStringLiteral("—");
        });
    }
    const int section = int(m_optionKeys.size());
    m_table->setVerticalHeaderItem(section, new QTableWidgetItem(QString()));
    auto* results = new QTableWidgetItem(tr("Results"));
    results->setFont(bold);
    results->setFlags(Qt::ItemIsEnabled);
    m_table->setItem(section, 0, results);
    if (m_runs.size() > 1) m_table->setSpan(section, 0, 1, int(m_runs.size()));
    for (int i = 0; i < m_metricKeys.size(); ++i) {
        const QString key = m_metricKeys[i];
        fillRow(section + 1 + i, optionLabel(key, m_columns), differingMetrics.contains(key),
                [&key](const CompareRun& run) { return metricText(key, run.metrics.value(key)); });
    }
    applyFilter();
}

void CompareView::applyFilter() {
    const bool only = m_onlyDifferences->isChecked();
    for (int row = 0; row < m_optionKeys.size(); ++row) m_table->setRowHidden(row, only && !m_different[row]);
}

void CompareView::updateCharts() {
    QSet<QString> wanted;
    for (const CompareRun& run : m_runs)
        for (const CurveKind& curve : kCurves) {
            LiveChart* chart = curve.loss ? m_loss : m_accuracy;
            const QString id = seriesId(run.id, QLatin1String(curve.kind));
            wanted.insert(id);
            // Qt Charts' legend renders HTML: escape, so a run named "<b>x</b>" reads literally.
            chart->addSeries(id, tr(curve.title).arg(run.name.toHtmlEscaped()), run.color);
            chart->setSeriesDashed(id, curve.train);
            chart->setPoints(id, run.*curve.points);
        }
    for (LiveChart* chart : {m_loss, m_accuracy})
        for (const QString& id : chart->seriesIds())
            if (!wanted.contains(id)) chart->removeSeries(id);
}

}  // namespace studio::widgets
