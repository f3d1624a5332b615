#include "widgets/sweep_view.h"

#include "widgets/live_chart.h"
#include "widgets/run_values.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSet>
#include <QStackedWidget>
#include <QTableWidget>
#include <QVBoxLayout>

namespace studio::widgets {
namespace {

const QString kBestSeries = QStringLiteral("best");

QTableWidgetItem* numberItem(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

}  // namespace

SweepView::SweepView(QWidget* parent) : QWidget(parent) {
    m_empty = new QLabel(tr("No sweep selected: start one with Sweep… or `training-studio-cli sweep`"), this);
    m_empty->setTextFormat(Qt::PlainText);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    m_title = new QLabel(this);
    m_title->setTextFormat(Qt::PlainText);  // sweep names are the user's text
    QFont titleFont = font();
    titleFont.setBold(true);
    titleFont.setPointSizeF(font().pointSizeF() * 1.15);
    m_title->setFont(titleFont);
    m_progress = new QLabel(this);
    m_progress->setTextFormat(Qt::PlainText);
    m_stop = new QPushButton(tr("Stop sweep"), this);
    m_stop->setToolTip(tr("Stop the running trials and start no new ones"));
    m_promote = new QPushButton(tr("Promote best"), this);
    m_promote->setToolTip(tr("Make the best trial's model the current model"));
    connect(m_stop, &QPushButton::clicked, this, &SweepView::stopRequested);
    connect(m_promote, &QPushButton::clicked, this, [this] {
        if (m_summary.bestRunId != 0) Q_EMIT promoteRequested(m_summary.bestRunId);
    });

    m_parallel = new ParallelCoordinatesPlot(this);
    m_scatter = new ScatterPlot(this);
    connect(m_parallel, &ParallelCoordinatesPlot::runClicked, this, &SweepView::runClicked);
    connect(m_scatter, &ScatterPlot::runClicked, this, &SweepView::runClicked);

    m_rungs = new QTableWidget(0, 5, this);
    m_rungs->setHorizontalHeaderLabels({tr("Rung"), tr("Epochs"), tr("Trials"), tr("Promoted"), tr("Best")});
    m_rungs->verticalHeader()->hide();
    m_rungs->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_rungs->setSelectionMode(QAbstractItemView::NoSelection);
    m_rungs->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_rungs->setToolTip(tr("Successive halving: each rung trains the survivors longer"));

    m_bestSoFar = new LiveChart(this);
    m_bestSoFar->setTitle(tr("Best so far"));
    m_bestSoFar->setXAxisTitle(tr("Trials completed"));
    m_bestSoFar->setAxisGroupTitle({}, tr("Best val accuracy"));
    m_bestSoFar->setAxisGroupBounds({}, 0.0, 1.0);
    m_bestSoFar->addSeries(kBestSeries, tr("Best validation accuracy"), QColor(24, 96, 196));
    m_running = new LiveChart(this);
    m_running->setTitle(tr("Running trials"));
    m_running->setXAxisTitle(tr("Epoch"));
    m_running->setAxisGroupTitle({}, tr("Val acc"));
    m_running->setAxisGroupBounds({}, 0.0, 1.0);

    auto* header = new QHBoxLayout;
    auto* titles = new QVBoxLayout;
    titles->addWidget(m_title);
    titles->addWidget(m_progress);
    header->addLayout(titles, 1);
    header->addWidget(m_stop);
    header->addWidget(m_promote);
    auto* grid = new QGridLayout;
    grid->addWidget(m_parallel, 0, 0, 1, 2);
    grid->addWidget(m_scatter, 1, 0);
    grid->addWidget(m_bestSoFar, 1, 1);
    grid->addWidget(m_rungs, 2, 0);
    grid->addWidget(m_running, 2, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 3);
    auto* content = new QWidget(this);
    auto* contentLayout = new QVBoxLayout(content);
    contentLayout->setContentsMargins(6, 6, 6, 6);
    contentLayout->addLayout(header);
    contentLayout->addLayout(grid, 1);

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_empty);
    m_pages->addWidget(content);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);
    clear();
}

QString SweepView::summaryText(const SweepSummary& s) {
    QString text = tr("%1 of %2 trials done").arg(s.trialsDone).arg(s.trialsTotal);
    if (s.bestRunId != 0) text += tr(", best %1 (run %2)").arg(accuracyText(s.bestValAccuracy)).arg(s.bestRunId);
    return text;
}

void SweepView::setSummary(const SweepSummary& summary) {
    m_summary = summary;
    QStringList title{summary.name.isEmpty() ? tr("Sweep %1").arg(summary.id) : summary.name};
    if (!summary.strategy.isEmpty()) title << summary.strategy;
    if (!summary.status.isEmpty()) title << summary.status;
    m_title->setText(title.join(QStringLiteral(" · ")));
    m_progress->setText(summaryText(summary));
    m_stop->setEnabled(summary.status == QLatin1String("running") || summary.status == QLatin1String("paused"));
    m_promote->setEnabled(summary.bestRunId != 0);

    m_rungs->setRowCount(int(summary.rungs.size()));
    for (int i = 0; i < summary.rungs.size(); ++i) {
        const RungRow& r = summary.rungs[i];
        m_rungs->setItem(i, 0, numberItem(QString::number(i + 1)));
        m_rungs->setItem(i, 1, numberItem(QString::number(r.epochs)));
        m_rungs->setItem(i, 2, numberItem(QString::number(r.trials)));
        m_rungs->setItem(i, 3, numberItem(QString::number(r.promoted)));
        m_rungs->setItem(i, 4, numberItem(accuracyText(r.bestValAccuracy)));
    }
    m_rungs->setVisible(!summary.rungs.isEmpty());  // grid and random search have no rungs
    m_bestSoFar->setPoints(kBestSeries, summary.bestSoFar);
    m_pages->setCurrentIndex(1);
}

void SweepView::setAxes(const QList<ParallelAxis>& axes) {
    m_parallel->setAxes(axes);
    m_pages->setCurrentIndex(1);
}

void SweepView::setLines(const QList<ParallelLine>& lines) {
    m_parallel->setLines(lines);
}

void SweepView::setScatterDimensions(const QList<ParallelAxis>& xChoices, const QList<ParallelAxis>& yChoices) {
    m_scatter->setDimensions(xChoices, yChoices);
}

void SweepView::setScatterPoints(const QList<ScatterPoint>& points) {
    m_scatter->setPoints(points);
}

void SweepView::setRunningCurves(const QList<SweepTrialCurve>& curves) {
    QSet<QString> wanted;
    for (const SweepTrialCurve& c : curves) {
        const QString id = QString::number(c.runId);
        wanted.insert(id);
        // Qt Charts' legend renders HTML: escape, so a name reads literally.
        m_running->addSeries(id, c.name.toHtmlEscaped(), c.color);
        m_running->setPoints(id, c.valAccuracy);
    }
    for (const QString& id : m_running->seriesIds())
        if (!wanted.contains(id)) m_running->removeSeries(id);
}

void SweepView::clear() {
    m_summary = {};
    m_title->clear();
    m_progress->clear();
    m_parallel->setAxes({});
    m_parallel->setLines({});
    m_scatter->setPoints({});
    m_rungs->setRowCount(0);
    m_bestSoFar->setPoints(kBestSeries, {});
    m_running->removeAllSeries();
    m_pages->setCurrentIndex(0);
}

bool SweepView::isEmptyStateShown() const {
    return m_pages->currentIndex() == 0;
}

QString SweepView::summaryText() const {
    return m_progress->text();
}

QString SweepView::titleText() const {
    return m_title->text();
}

}  // namespace studio::widgets
