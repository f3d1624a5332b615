#include "widgets/folder_results_table.h"

#include "widgets/natural_order.h"
#include "widgets/probability_bars.h"
#include "widgets/run_values.h"
#include "widgets/studio_icons.h"

#include <QApplication>
#include <QCollator>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTextLayout>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

namespace studio::widgets {
namespace {

constexpr int kSortRole = Qt::UserRole;
constexpr int kRowRole = Qt::UserRole + 1;  // index into m_rows, for exporting in view order

// Numbers by value, text the way people sort file names ("img2" before "img10").
class ResultsSortModel : public QSortFilterProxyModel {
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

protected:
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override {
        const QVariant a = left.data(kSortRole);
        const QVariant b = right.data(kSortRole);
        if (a.typeId() == QMetaType::Double && b.typeId() == QMetaType::Double) return a.toDouble() < b.toDouble();
        return m_collator.compare(a.toString(), b.toString()) < 0;
    }

private:
    QCollator m_collator = naturalOrder();
};

// The Error column wraps its text inside the cell: at spaces where it can, anywhere in a long
// path where it must, so a message is never cut off mid-path (FolderResultsTable sets the rows'
// heights to fit). The other columns stay one line and elide; their tooltips have the rest.
class WrappingTextDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    static QTextOption wrapping(Qt::Alignment alignment) {
        QTextOption option(alignment);
        option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
        return option;
    }
    static int horizontalMargin(const QWidget* widget) {
        const QStyle* style = widget ? widget->style() : QApplication::style();
        return style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1;
    }
    /// The height `text` takes wrapped into a cell `cellWidth` wide.
    static int textHeight(const QString& text, const QFont& font, int cellWidth, const QWidget* widget) {
        const qreal width = std::max(1, cellWidth - 2 * horizontalMargin(widget));
        QTextLayout layout(text, font);
        layout.setTextOption(wrapping(Qt::AlignLeft));
        qreal height = 0;
        layout.beginLayout();
        for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
            line.setLineWidth(width);
            height += line.height();
        }
        layout.endLayout();
        return int(std::ceil(height));
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString text = opt.text;
        opt.text.clear();  // the style draws the background, selection and focus; the text is ours
        const QWidget* widget = opt.widget;
        const QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const int margin = horizontalMargin(widget);
        const QRect rect = opt.rect.adjusted(margin, 0, -margin, 0);
        const bool selected = opt.state & QStyle::State_Selected;
        const QVariant foreground = index.data(Qt::ForegroundRole);
        painter->save();
        painter->setFont(opt.font);
        painter->setPen(selected               ? opt.palette.color(QPalette::HighlightedText)
                        : foreground.isValid() ? foreground.value<QBrush>().color()
                                               : opt.palette.color(QPalette::Text));
        painter->setClipRect(opt.rect);
        painter->drawText(QRectF(rect), text, wrapping(Qt::AlignLeft | Qt::AlignVCenter));
        painter->restore();
    }
};

QStandardItem* makeItem(const QString& text, const QVariant& sortKey, int row) {
    auto* item = new QStandardItem(text);
    item->setEditable(false);
    item->setData(sortKey, kSortRole);
    item->setData(row, kRowRole);
    if (!text.isEmpty()) item->setToolTip(plainToolTip(text));
    return item;
}

}  // namespace

FolderResultsTable::FolderResultsTable(QWidget* parent) : QWidget(parent) {
    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels({tr("File"), tr("Predicted class"), tr("Confidence"), tr("Error")});
    auto* proxy = new ResultsSortModel(this);
    proxy->setSourceModel(m_model);

    m_view = new QTableView(this);
    m_view->setModel(proxy);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_view->setItemDelegateForColumn(ErrorColumn, new WrappingTextDelegate(m_view));
    QHeaderView* header = m_view->horizontalHeader();
    header->setSortIndicator(-1, Qt::AscendingOrder);  // the given order until the user sorts
    m_view->setSortingEnabled(true);
    // File and Error share what the class and confidence leave, so the table never scrolls
    // sideways: a fixed 280-pixel File column left the Error column off the edge on the Try it
    // tab at 1024×700. File names elide in the middle (tooltip: the whole name); errors wrap.
    // An even share made a one-sentence error eight lines tall beside a short name: File gets at
    // most 40% (fitFileColumn) and Error the rest, until the user drags the File column.
    header->setSectionResizeMode(FileColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(ClassColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ConfidenceColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(ErrorColumn, QHeaderView::Stretch);
    header->setStretchLastSection(false);
    // A wrapped error's row is as tall as the error needs at the column's width, in any order.
    // The stretched Error column settles after the view's resize: fit once things have settled.
    connect(header, &QHeaderView::sectionResized, this, [this](int column) {
        if (column == FileColumn && m_headerPressed) m_fileColumnSizedByUser = true;  // dragged: keep it
        scheduleFit();
    });
    connect(proxy, &QAbstractItemModel::layoutChanged, this, &FolderResultsTable::scheduleFit);
    m_view->viewport()->installEventFilter(this);
    header->viewport()->installEventFilter(this);

    m_summary = new QLabel(this);
    m_summary->setTextFormat(Qt::PlainText);  // names the folder
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export = new QPushButton(studioIcon(QStringLiteral("save")), tr("Export CSV…"), this);
    m_export->setToolTip(tr("Save these results as a CSV file for a spreadsheet"));
    connect(m_export, &QPushButton::clicked, this, &FolderResultsTable::exportCsvRequested);

    auto* top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_export);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);
    setRows({});
}

void FolderResultsTable::setRows(const QList<FolderResultRow>& rows, const QString& folder) {
    m_rows = rows;
    m_model->removeRows(0, m_model->rowCount());
    const bool dark = m_view->palette().color(QPalette::Base).lightness() < 128;
    const QColor errorColor = dark ? QColor(255, 120, 110) : QColor(190, 30, 30);  // as RunLog's errors
    for (int i = 0; i < rows.size(); ++i) {
        const FolderResultRow& r = rows[i];
        const bool failed = !r.error.isEmpty();
        // Failed files sort below every real confidence.
        m_model->appendRow(
            {makeItem(r.file, r.file, i), makeItem(r.predictedClass, r.predictedClass, i),
             makeItem(failed ? QString() : ProbabilityBars::percentText(r.confidence), failed ? -1.0 : r.confidence, i),
             makeItem(r.error, r.error, i)});
        m_model->item(i, ConfidenceColumn)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        if (failed) m_model->item(i, ErrorColumn)->setForeground(errorColor);
    }
    const int errors = errorCount();
    QString summary = rows.isEmpty()     ? tr("No folder classified yet")
                      : rows.size() == 1 ? tr("1 file")
                                         : tr("%1 files").arg(rows.size());
    if (errors > 0) summary += tr(", %1 could not be classified").arg(errors);
    if (!folder.isEmpty()) summary = tr("%1: %2").arg(folder, summary);
    m_summary->setText(summary);
    m_export->setEnabled(!rows.isEmpty());
    m_view->setColumnHidden(ErrorColumn, errors == 0);
    // The width the names need, once a listing rather than at every resize (at most 1,000 rows,
    // as Qt's own fit to contents).
    m_fileNamesWidth = m_view->horizontalHeader()->sectionSizeHint(FileColumn);
    for (int row = 0; row < std::min(m_model->rowCount(), 1000); ++row)
        m_fileNamesWidth = std::max(m_fileNamesWidth, m_view->sizeHintForIndex(m_view->model()->index(row, FileColumn)).width() + 1);
    fitRowHeights();
    scheduleFit();  // again once a shown Error column has its width
}

bool FolderResultsTable::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) scheduleFit();
    if (watched == m_view->horizontalHeader()->viewport()) {
        if (event->type() == QEvent::MouseButtonPress || event->type() == QEvent::MouseButtonDblClick)
            m_headerPressed = true;
        else if (event->type() == QEvent::MouseButtonRelease)
            m_headerPressed = false;
    }
    return QWidget::eventFilter(watched, event);
}

void FolderResultsTable::scheduleFit() {
    if (m_fitPending) return;
    m_fitPending = true;
    QTimer::singleShot(0, this, [this] {
        m_fitPending = false;
        fitFileColumn();
        fitRowHeights();
    });
}

void FolderResultsTable::fitFileColumn() {
    if (m_fileColumnSizedByUser) return;
    const int shared = m_view->viewport()->width() - m_view->columnWidth(ClassColumn) -
                       m_view->columnWidth(ConfidenceColumn);
    int width = shared;
    if (!m_view->isColumnHidden(ErrorColumn)) width = std::min(m_fileNamesWidth, std::max(120, shared * 2 / 5));
    if (width <= 0 || width == m_view->columnWidth(FileColumn)) return;
    m_view->setColumnWidth(FileColumn, width);
}

void FolderResultsTable::fitRowHeights() {
    const QAbstractItemModel* shown = m_view->model();
    const int line = m_view->verticalHeader()->defaultSectionSize();
    const int width = m_view->columnWidth(ErrorColumn);
    for (int row = 0; row < shown->rowCount(); ++row) {
        const QString error = shown->index(row, ErrorColumn).data(Qt::DisplayRole).toString();
        const int height =
            error.isEmpty() || m_view->isColumnHidden(ErrorColumn)
                ? line
                : std::max(line, WrappingTextDelegate::textHeight(error, m_view->font(), width, m_view) + 8);
        if (m_view->rowHeight(row) != height) m_view->setRowHeight(row, height);
    }
}

int FolderResultsTable::errorCount() const {
    return int(
        std::count_if(m_rows.begin(), m_rows.end(), [](const FolderResultRow& r) { return !r.error.isEmpty(); }));
}

QString FolderResultsTable::summaryText() const {
    return m_summary->text();
}

QString FolderResultsTable::cellText(int row, int column) const {
    return m_view->model()->index(row, column).data(Qt::DisplayRole).toString();
}

QString FolderResultsTable::csvField(const QString& text) {
    static const QString special = QStringLiteral(",\"\r\n");
    // A spreadsheet runs a cell that starts with = + - @ as a formula: a file named
    // "=HYPERLINK(…).png" must stay text, so it gets a leading apostrophe (OWASP's advice).
    static const QString formulaStart = QStringLiteral("=+-@\t");
    QString value = text;
    if (!value.isEmpty() && formulaStart.contains(value.front())) value.prepend(QLatin1Char('\''));
    bool quote = false;
    for (QChar c : value) quote = quote || special.contains(c);
    if (!quote) return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QString FolderResultsTable::toCsv() const {
    const QString end = QStringLiteral("\r\n");
    QString csv = QStringLiteral("file,predicted_class,confidence,error") + end;
    const QAbstractItemModel* shown = m_view->model();
    for (int row = 0; row < shown->rowCount(); ++row) {
        const FolderResultRow& r = m_rows.at(shown->index(row, 0).data(kRowRole).toInt());
        const QString confidence = r.error.isEmpty() ? QString::number(r.confidence, 'f', 6) : QString();
        csv += QStringList{csvField(r.file), csvField(r.predictedClass), confidence, csvField(r.error)}.join(
                   QLatin1Char(',')) +
               end;
    }
    return csv;
}

bool FolderResultsTable::writeCsv(const QString& path, QString* error) const {
    QSaveFile file(path);
    const QByteArray bytes = toCsv().toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error) *error = tr("Could not write '%1': %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

}  // namespace studio::widgets
