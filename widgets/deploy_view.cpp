#include "widgets/deploy_view.h"

#include "widgets/flow_layout.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QResizeEvent>
#include <QScrollBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <set>

#include "widgets/human_units.h"
#include "widgets/image_gallery.h"
#include "widgets/variant_scatter_chart.h"

namespace studio::widgets {

namespace {

QColor variantColor(int row) {
    static const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44),
                                    QColor(214, 39, 40),  QColor(148, 103, 189), QColor(140, 86, 75),
                                    QColor(227, 119, 194), QColor(127, 127, 127)};
    return colors[row % 8];
}

QString percent(double fraction) { return QString::number(fraction * 100.0, 'f', 2) + "%"; }

QString points(double fraction) {
    const double p = fraction * 100.0;
    return (p > 0.0 ? "+" : p < 0.0 ? "−" : "±") + QString::number(std::abs(p), 'f', 2) + " pt";
}

QString bytesText(qint64 bytes) {
    if (bytes >= 1024 * 1024) return QString::number(double(bytes) / (1024.0 * 1024.0), 'f', 2) + " MB";
    if (bytes >= 1024) return QString::number(double(bytes) / 1024.0, 'f', 1) + " KB";
    return QString::number(bytes) + " B";
}

QString latencyText(double us) {
    return us >= 10000.0 ? QString::number(us / 1000.0, 'f', 1) + " ms" : QString::number(us, 'f', 0) + " µs";
}

// A table item that sorts and reads by number while it shows text.
QTableWidgetItem* item(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter) {
    auto* it = new QTableWidgetItem(text);
    it->setTextAlignment(align);
    it->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return it;
}

// Sorts by the number it holds (Qt::UserRole), not by its text ("−9.00 pt" < "+1.00 pt").
class NumberItem : public QTableWidgetItem {
public:
    NumberItem(const QString& text, double value) : QTableWidgetItem(text) {
        setData(Qt::UserRole, value);
        setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    }
    bool operator<(const QTableWidgetItem& other) const override {
        return data(Qt::UserRole).toDouble() < other.data(Qt::UserRole).toDouble();
    }
};

QTableWidget* makeTable(const QStringList& headers, QWidget* parent) {
    auto* t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->setVisible(false);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setAlternatingRowColors(true);
    return t;
}

}  // namespace

DeployView::DeployView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    // The buttons wrap onto a second row when the tab is narrow (about 580 pixels beside the docks
    // at 1024×700) instead of being squeezed until their text is cut ("antize to IN").
    auto* buttons = new FlowLayout(nullptr, 6);
    m_addModel = new QPushButton(tr("Add model…"), this);
    m_addModel->setToolTip(tr("Add a saved model file (a distilled student, an earlier variant) to compare"));
    m_quantize = new QPushButton(tr("Quantize to INT8"), this);
    m_quantize->setToolTip(tr("Make an INT8 variant of the current model, calibrated on its training images"));
    m_sparsity = new QDoubleSpinBox(this);
    m_sparsity->setRange(0.0, 0.95);
    m_sparsity->setSingleStep(0.1);
    m_sparsity->setDecimals(2);
    m_sparsity->setValue(0.5);
    m_sparsity->setPrefix(tr("sparsity "));
    m_sparsity->setToolTip(tr("The share of weights (or, structured, of each layer's filters) to remove"));
    m_structured = new QCheckBox(tr("Structured"), this);
    m_structured->setToolTip(tr("Remove whole filters and units: a smaller, faster model"));
    m_prune = new QPushButton(tr("Prune"), this);
    m_prune->setToolTip(tr("Make a pruned variant of the current model and fine-tune it for one epoch"));
    m_measure = new QPushButton(tr("Measure again"), this);
    m_measure->setToolTip(tr("Time every variant again (after the machine was busy, for example)"));
    m_save = new QPushButton(tr("Save…"), this);
    m_save->setToolTip(tr("Save the chosen variant as a .tsmodel file"));
    m_exportOnnx = new QPushButton(tr("Export ONNX…"), this);
    m_exportOnnx->setToolTip(tr("Export the chosen variant to ONNX and check it against OpenCV DNN"));
    for (QWidget* w : std::initializer_list<QWidget*>{m_addModel, m_quantize, m_sparsity, m_structured, m_prune,
                                                      m_measure, m_save, m_exportOnnx})
        buttons->addWidget(w);
    layout->addLayout(buttons);

    auto* statusRow = new QHBoxLayout;
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(220);
    m_progress->setVisible(false);
    m_status = new QLabel(tr("Train or load a model: its variants are compared here."), this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_status, 1);
    layout->addLayout(statusRow);

    auto* vertical = new QSplitter(Qt::Vertical, this);
    auto* top = new QSplitter(Qt::Horizontal, vertical);
    m_top = top;
    m_variants = makeTable({tr("Variant"), tr("Accuracy"), tr("Δ"), tr("File"), tr("Latency"), tr("Samples/s"),
                            tr("Status")},
                           top);
    m_variants->horizontalHeaderItem(Delta)->setToolTip(tr("Accuracy change against the float model, in points"));
    m_variants->horizontalHeaderItem(Latency)->setToolTip(tr("Median time of one image (batch 1) on 1 thread"));
    m_variants->horizontalHeaderItem(Throughput)
        ->setToolTip(tr("Samples per second at the largest batch measured (256) on all threads"));
    m_chart = new VariantScatterChart(top);
    top->addWidget(m_variants);
    top->addWidget(m_chart);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 2);
    top->setSizes({620, 400});  // the table's columns need the room more than the chart

    m_details = new QTabWidget(vertical);
    auto page = [this](QLabel*& title, QWidget* body) {
        auto* w = new QWidget(m_details);
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(4, 4, 4, 4);
        title = new QLabel(w);
        title->setWordWrap(true);
        l->addWidget(title);
        body->setParent(w);
        l->addWidget(body, 1);
        return w;
    };
    // Two-line titles: five one-line ones ("Samples/s, 2 threads") are cut at 1024×700.
    m_bench = makeTable({tr("Batch"), tr("Latency\n1 thread"), tr("Samples/s\n1 thread"), tr("Latency\nall threads"),
                         tr("Samples/s\nall threads")},
                        nullptr);
    m_bench->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_classes = makeTable({tr("Class"), tr("Float"), tr("Variant"), tr("Change"), tr("Samples")}, nullptr);
    m_classes->setSortingEnabled(true);
    m_classes->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_gallery = new ImageGallery(nullptr);
    m_gallery->setThumbnailSize(96);  // room for a "✗ shirt → T-shirt" caption
    m_details->addTab(page(m_benchTitle, m_bench), tr("Speed"));
    m_details->addTab(page(m_classTitle, m_classes), tr("Per-class change"));
    m_details->addTab(page(m_galleryTitle, m_gallery), tr("Changed predictions"));
    m_benchTitle->setText(tr("Choose a variant to see its speed."));
    m_classTitle->setText(tr("Choose a variant to compare its classes with the float model."));
    m_galleryTitle->setText(tr("Choose a variant to see the images it predicts differently."));
    vertical->addWidget(top);
    vertical->addWidget(m_details);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 2);
    vertical->setSizes({420, 300});
    layout->addWidget(vertical, 1);

    connect(m_addModel, &QPushButton::clicked, this, &DeployView::addModelRequested);
    connect(m_quantize, &QPushButton::clicked, this, &DeployView::quantizeRequested);
    connect(m_prune, &QPushButton::clicked, this,
            [this] { Q_EMIT pruneRequested(m_sparsity->value(), m_structured->isChecked()); });
    connect(m_measure, &QPushButton::clicked, this, &DeployView::measureRequested);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_selected >= 0) Q_EMIT saveRequested(m_selected);
    });
    connect(m_exportOnnx, &QPushButton::clicked, this, [this] {
        if (m_selected >= 0) Q_EMIT exportOnnxRequested(m_selected);
    });
    connect(m_variants, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row < 0 || row >= m_rowIds.size() || m_rowIds[row] == m_selected) return;
        m_selected = m_rowIds[row];
        m_chart->setSelected(m_selected);
        Q_EMIT variantSelected(m_selected);
    });
    connect(m_chart, &VariantScatterChart::variantClicked, this, &DeployView::setSelected);
    setActionsEnabled(false, false, false, false);
}

void DeployView::setVariants(const QList<DeployVariantRow>& rows) {
    const int previous = m_selected;
    m_rowIds.clear();
    for (const DeployVariantRow& r : rows) m_rowIds.append(r.id);
    {
        const QSignalBlocker block(m_variants);
        m_variants->setRowCount(int(rows.size()));
        for (int i = 0; i < rows.size(); ++i) {
            const DeployVariantRow& r = rows[i];
            auto* name = item(r.name, Qt::AlignLeft | Qt::AlignVCenter);
            name->setData(Qt::DecorationRole, variantColor(i));
            name->setToolTip(r.kind);
            m_variants->setItem(i, Name, name);
            m_variants->setItem(i, Accuracy, item(r.accuracy ? percent(*r.accuracy) : QString("…")));
            m_variants->setItem(i, Delta, item(r.accuracyDelta ? points(*r.accuracyDelta) : QString()));
            m_variants->setItem(i, Size, item(r.fileBytes > 0 ? bytesText(r.fileBytes) : QString("…")));
            m_variants->setItem(i, Latency, item(r.latencyUs ? latencyText(*r.latencyUs) : QString("…")));
            m_variants->setItem(i, Throughput,
                                item(r.samplesPerSecond ? groupedInteger(qint64(*r.samplesPerSecond + 0.5)) : QString("…")));
            auto* status = item(r.status, Qt::AlignLeft | Qt::AlignVCenter);
            status->setToolTip(r.status);
            m_variants->setItem(i, Status, status);
        }
    }
    fillChart(rows);
    placeChart();  // the columns' widths follow their values
    const int keep = m_rowIds.contains(previous) ? previous : (m_rowIds.isEmpty() ? -1 : m_rowIds.first());
    m_selected = keep;
    if (keep < 0) return;
    {
        const QSignalBlocker block(m_variants);
        m_variants->selectRow(int(m_rowIds.indexOf(keep)));
    }
    m_chart->setSelected(keep);
    if (keep != previous) Q_EMIT variantSelected(keep);
}

void DeployView::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    placeChart();
}

void DeployView::placeChart() {
    const QHeaderView* header = m_variants->horizontalHeader();
    int tableWidth = 2 * m_variants->frameWidth() + m_variants->verticalScrollBar()->sizeHint().width() +
                     80;  // Status: elides, its tooltip has it all
    for (int c = 0; c < Status; ++c) {
        int column = header->sectionSizeHint(c);
        for (int r = 0; r < m_variants->rowCount(); ++r)
            column = std::max(column, m_variants->sizeHintForIndex(m_variants->model()->index(r, c)).width() + 1);
        tableWidth += column;
    }
    const int besideWidth = tableWidth + m_top->handleWidth() + m_chart->minimumSizeHint().width();
    const Qt::Orientation wanted = m_top->width() >= besideWidth ? Qt::Horizontal : Qt::Vertical;
    if (m_top->orientation() == wanted) return;
    m_top->setOrientation(wanted);
    if (wanted == Qt::Horizontal)
        m_top->setSizes({tableWidth, std::max(0, m_top->width() - tableWidth)});
    else
        m_top->setSizes({1, 1});
}

void DeployView::fillChart(const QList<DeployVariantRow>& rows) {
    QList<VariantPoint> points;
    for (int i = 0; i < rows.size(); ++i) {
        const DeployVariantRow& r = rows[i];
        if (!r.accuracy || !r.latencyUs) continue;
        points.append({r.id, r.name, *r.latencyUs, *r.accuracy, r.fileBytes, variantColor(i)});
    }
    m_chart->setPoints(points);
}

void DeployView::setSelected(int id) {
    const int row = int(m_rowIds.indexOf(id));
    if (row < 0 || id == m_selected) return;
    m_selected = id;
    {
        const QSignalBlocker block(m_variants);
        m_variants->selectRow(row);
    }
    m_chart->setSelected(id);
    Q_EMIT variantSelected(id);
}

void DeployView::setBench(const QString& title, const QList<BenchCell>& cells) {
    m_benchTitle->setText(title);
    std::set<int> batches, threads;
    for (const BenchCell& c : cells) {
        batches.insert(c.batch);
        threads.insert(c.threads);
    }
    const int one = threads.empty() ? 1 : *threads.begin();
    const int all = threads.empty() ? 1 : *threads.rbegin();
    m_bench->setHorizontalHeaderLabels({tr("Batch"), tr("Latency\n%n thread(s)", "", one),
                                        tr("Samples/s\n%n thread(s)", "", one), tr("Latency\n%n thread(s)", "", all),
                                        tr("Samples/s\n%n thread(s)", "", all)});
    m_bench->setRowCount(int(batches.size()));
    int row = 0;
    for (int b : batches) {
        m_bench->setItem(row, 0, item(QString::number(b)));
        for (const BenchCell& c : cells) {
            if (c.batch != b || (c.threads != one && c.threads != all)) continue;
            const int col = c.threads == one ? 1 : 3;
            m_bench->setItem(row, col, item(latencyText(c.latencyUs)));
            m_bench->setItem(row, col + 1, item(groupedInteger(qint64(c.samplesPerSecond + 0.5))));
        }
        ++row;
    }
}

void DeployView::setClassChanges(const QString& title, const QList<ClassChangeRow>& rows) {
    m_classTitle->setText(title);
    m_classes->setSortingEnabled(false);
    m_classes->clearContents();
    m_classes->setRowCount(int(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
        const ClassChangeRow& r = rows[i];
        auto* name = new NumberItem(r.name, i);  // class order, as first shown
        name->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        m_classes->setItem(i, 0, name);
        m_classes->setItem(i, 1, new NumberItem(percent(r.floatAccuracy), r.floatAccuracy));
        m_classes->setItem(i, 2, new NumberItem(percent(r.variantAccuracy), r.variantAccuracy));
        const double delta = r.variantAccuracy - r.floatAccuracy;
        auto* change = new NumberItem(points(delta), delta);
        if (delta < 0.0) change->setForeground(QColor(200, 40, 40));
        m_classes->setItem(i, 3, change);
        m_classes->setItem(i, 4, new NumberItem(groupedInteger(r.support), r.support));
    }
    m_classes->setSortingEnabled(true);  // keeps the column the user sorted by
}

void DeployView::setChangedImages(const QString& title, const QList<ChangedImage>& images) {
    m_galleryTitle->setText(title);
    m_images = images;
    m_gallery->setSource(
        int(m_images.size()), [this](int i) { return i < m_images.size() ? m_images[i].image : QImage(); },
        [this](int i) { return i < m_images.size() ? m_images[i].caption : QString(); });
}

void DeployView::setProgress(int done, int total, const QString& text) {
    m_progress->setVisible(total != 0);
    if (total < 0) {
        m_progress->setRange(0, 0);  // busy, without a count
    } else {
        m_progress->setRange(0, std::max(1, total));
        m_progress->setValue(std::clamp(done, 0, std::max(1, total)));
    }
    setStatus(text);
}

void DeployView::setStatus(const QString& text, bool error) {
    m_status->setText(text);
    m_status->setStyleSheet(error ? "color: #c62828;" : QString());
}

QString DeployView::statusText() const { return m_status->text(); }

void DeployView::setActionsEnabled(bool haveModel, bool canQuantize, bool canPrune, bool canExportOnnx) {
    m_addModel->setEnabled(true);
    m_quantize->setEnabled(haveModel && canQuantize);
    m_prune->setEnabled(haveModel && canPrune);
    m_sparsity->setEnabled(haveModel && canPrune);
    m_structured->setEnabled(haveModel && canPrune);
    m_measure->setEnabled(haveModel);
    m_save->setEnabled(haveModel);
    m_exportOnnx->setEnabled(haveModel && canExportOnnx);
}

}  // namespace studio::widgets
