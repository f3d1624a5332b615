#include "widgets/class_metrics_table.h"

#include "widgets/human_units.h"
#include "widgets/run_values.h"

#include <QAbstractTableModel>
#include <QHeaderView>
#include <QLabel>
#include <QLinearGradient>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

namespace studio::widgets {

namespace {
constexpr int kSortRole = Qt::UserRole;  // the value behind the text: sorting by it is numeric
}

// Rows in class order; the table sorts through a proxy so class indices stay the model's rows.
class ClassMetricsModel : public QAbstractTableModel {
public:
    using QAbstractTableModel::QAbstractTableModel;

    void setRows(const QList<ClassMetricsRow>& rows) {
        beginResetModel();
        m_rows = rows;
        endResetModel();
    }
    const QList<ClassMetricsRow>& rows() const { return m_rows; }

    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }
    int columnCount(const QModelIndex& parent = {}) const override {
        return parent.isValid() ? 0 : ClassMetricsTable::ColumnCount;
    }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    static double fraction(const ClassMetricsRow& row, int column) {
        switch (column) {
            case ClassMetricsTable::Precision:
                return row.precision;
            case ClassMetricsTable::Recall:
                return row.recall;
            default:
                return row.f1;
        }
    }
    QList<ClassMetricsRow> m_rows;
};

QVariant ClassMetricsModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_rows.size()) return {};
    const ClassMetricsRow& row = m_rows[index.row()];
    const int column = index.column();
    const bool metric = column == ClassMetricsTable::Precision || column == ClassMetricsTable::Recall ||
                        column == ClassMetricsTable::F1;
    switch (role) {
        case Qt::DisplayRole:
            if (column == ClassMetricsTable::Class) return row.name;
            if (column == ClassMetricsTable::Support) return groupedInteger(row.support);
            return ClassMetricsTable::percentText(fraction(row, column));
        case kSortRole:
            if (column == ClassMetricsTable::Class) return row.name;
            if (column == ClassMetricsTable::Support) return row.support;
            return fraction(row, column);
        case Qt::TextAlignmentRole:
            return QVariant::fromValue(column == ClassMetricsTable::Class ? Qt::AlignLeft | Qt::AlignVCenter
                                                                          : Qt::AlignRight | Qt::AlignVCenter);
        case Qt::BackgroundRole: {
            if (!metric) return {};
            // A faint bar behind each score, so weak classes stand out before the digits are read.
            const double f = std::clamp(fraction(row, column), 0.0, 1.0);
            QLinearGradient bar(0, 0, 1, 0);
            bar.setCoordinateMode(QGradient::ObjectMode);
            const QColor tint(70, 130, 220, 60);
            bar.setColorAt(0, tint);
            bar.setColorAt(f, tint);
            bar.setColorAt(std::min(1.0, f + 1e-6), Qt::transparent);
            bar.setColorAt(1, Qt::transparent);
            return QBrush(bar);
        }
        case Qt::ToolTipRole:
            return plainToolTip(ClassMetricsTable::tr("%1: precision %2, recall %3, F1 %4, %5 samples")
                                    .arg(row.name, ClassMetricsTable::percentText(row.precision),
                                         ClassMetricsTable::percentText(row.recall),
                                         ClassMetricsTable::percentText(row.f1), groupedInteger(row.support)));
        default:
            return {};
    }
}

QVariant ClassMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
            case ClassMetricsTable::Class:
                return ClassMetricsTable::tr("Class");
            case ClassMetricsTable::Precision:
                return ClassMetricsTable::tr("Precision");
            case ClassMetricsTable::Recall:
                return ClassMetricsTable::tr("Recall");
            case ClassMetricsTable::F1:
                return ClassMetricsTable::tr("F1");
            case ClassMetricsTable::Support:
                // "N", not "Support": at 1024×700 the table has ~316 px for five columns, and each
                // title also reserves room for a sort arrow; the tooltip says what it counts.
                return ClassMetricsTable::tr("N");
            default:
                return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case ClassMetricsTable::Precision:
                return ClassMetricsTable::tr("Of the samples predicted as this class, the share that truly are");
            case ClassMetricsTable::Recall:
                return ClassMetricsTable::tr("Of the samples of this class, the share recognised");
            case ClassMetricsTable::F1:
                return ClassMetricsTable::tr("Harmonic mean of precision and recall");
            case ClassMetricsTable::Support:
                return ClassMetricsTable::tr("Support: samples of this class in the evaluated set");
            default:
                return {};
        }
    }
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue(section == ClassMetricsTable::Class ? Qt::AlignLeft | Qt::AlignVCenter
                                                                       : Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

ClassMetricsTable::ClassMetricsTable(QWidget* parent)
    : QWidget(parent),
      m_summary(new QLabel(this)),
      m_view(new QTableView(this)),
      m_model(new ClassMetricsModel(this)),
      m_sorted(new QSortFilterProxyModel(this)) {
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bigger = m_summary->font();
    bigger.setPointSizeF(bigger.pointSizeF() * 1.1);
    m_summary->setFont(bigger);

    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(kSortRole);
    m_sorted->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_sorted->setSortLocaleAware(true);
    m_view->setModel(m_sorted);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    QHeaderView* header = m_view->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(Class, QHeaderView::Stretch);
    // Each column sizes to its title plus a sort arrow (ResizeToContents counts the arrow in every
    // title, "F1" too) or to its widest value, whichever is wider; no wider floor, so the five
    // columns fit the ~316 px the Evaluation tab gives the table at 1024×700.
    header->setSortIndicatorClearable(true);  // a third click goes back to class order
    sortByColumn(ColumnCount, Qt::AscendingOrder);
    connect(m_view, &QAbstractItemView::activated, this,
            [this](const QModelIndex& index) { Q_EMIT rowActivated(m_sorted->mapToSource(index).row()); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    clear();
}

void ClassMetricsTable::setMetrics(const QList<ClassMetricsRow>& rows, double accuracy, double macroF1, int samples) {
    m_model->setRows(rows);
    m_summary->setText(tr("Accuracy %1 · macro-F1 %2 · %3 samples")
                           .arg(percentText(accuracy), QString::number(macroF1, 'f', 3), groupedInteger(samples)));
}

void ClassMetricsTable::clear() {
    m_model->setRows({});
    m_summary->setText(tr("No metrics yet"));
}

QList<ClassMetricsRow> ClassMetricsTable::metrics() const {
    return m_model->rows();
}

QString ClassMetricsTable::summaryText() const {
    return m_summary->text();
}

QStringList ClassMetricsTable::displayedClassNames() const {
    QStringList names;
    for (int r = 0; r < m_sorted->rowCount(); ++r) names << m_sorted->index(r, Class).data().toString();
    return names;
}

void ClassMetricsTable::sortByColumn(Column column, Qt::SortOrder order) {
    // ColumnCount (or any column out of range) means class order, with no sort indicator.
    const int section = column >= 0 && column < ColumnCount ? int(column) : -1;
    m_view->horizontalHeader()->setSortIndicator(section, order);
    m_sorted->sort(section, order);
}

QString ClassMetricsTable::percentText(double fraction) {
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

}  // namespace studio::widgets
