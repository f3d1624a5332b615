#include "widgets/class_count_chart.h"

#include "widgets/human_units.h"
#include "widgets/run_values.h"

#include <QPainter>
#include <algorithm>

namespace studio::widgets {

ClassCountChart::ClassCountChart(QWidget* parent) : QWidget(parent) {
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void ClassCountChart::setCounts(const QStringList& names, const QList<int>& counts) {
    const qsizetype n = std::min(names.size(), counts.size());
    m_names = names.mid(0, n);
    m_counts = counts.mid(0, n);
    QStringList tip;
    for (qsizetype i = 0; i < n; ++i) tip << QStringLiteral("%1: %2").arg(m_names[i], groupedInteger(m_counts[i]));
    setToolTip(plainToolTip(tip.join(QLatin1Char('\n'))));
    updateGeometry();
    update();
}

ClassCountChart::Geometry ClassCountChart::geometry() const {
    const QFontMetrics fm(font());
    int labelWidth = 0;
    for (const QString& name : m_names) labelWidth = std::max(labelWidth, fm.horizontalAdvance(name));
    int countWidth = 0;
    for (int c : m_counts) countWidth = std::max(countWidth, fm.horizontalAdvance(groupedInteger(c)));
    labelWidth = std::min(labelWidth + 4, std::max(60, width() / 3));
    const int rowHeight = fm.height() + 6;
    const int barSpace = std::max(10, width() - labelWidth - countWidth - 24);
    return {labelWidth, countWidth, rowHeight, barSpace};
}

int ClassCountChart::barLength(int index) const {
    if (index < 0 || index >= m_counts.size()) return 0;
    const int most = *std::max_element(m_counts.begin(), m_counts.end());
    if (most <= 0) return 0;
    return static_cast<int>(double(std::max(0, m_counts[index])) / most * geometry().barSpace + 0.5);
}

QSize ClassCountChart::sizeHint() const {
    const QFontMetrics fm(font());
    return {280, std::max(1, int(m_names.size())) * (fm.height() + 6) + 4};
}

QSize ClassCountChart::minimumSizeHint() const {
    const QFontMetrics fm(font());
    return {160, std::min(4, std::max(1, int(m_names.size()))) * (fm.height() + 6)};
}

void ClassCountChart::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const Geometry g = geometry();
    if (m_names.isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No classes yet"));
        return;
    }
    const QFontMetrics fm(font());
    const QColor bar = palette().color(QPalette::Highlight);
    const QColor text = palette().color(QPalette::WindowText);
    for (int i = 0; i < m_names.size(); ++i) {
        const int top = 2 + i * g.rowHeight;
        const QRect labelRect(0, top, g.labelWidth, g.rowHeight);
        painter.setPen(text);
        painter.drawText(labelRect, Qt::AlignRight | Qt::AlignVCenter,
                         fm.elidedText(m_names[i], Qt::ElideRight, g.labelWidth));
        const int x = g.labelWidth + 8;
        const int length = barLength(i);
        painter.setPen(Qt::NoPen);
        painter.setBrush(bar);
        painter.drawRoundedRect(QRectF(x, top + 3, std::max(length, 1), g.rowHeight - 6), 2, 2);
        painter.setPen(text);
        painter.drawText(QRect(x + length + 6, top, g.countWidth + 8, g.rowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                         groupedInteger(m_counts[i]));
    }
}

}  // namespace studio::widgets
