#include "widgets/confusion_matrix_view.h"

#include "widgets/human_units.h"
#include "widgets/run_values.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QToolTip>
#include <QTransform>
#include <algorithm>
#include <cmath>

namespace studio::widgets {

namespace {

constexpr int kPad = 6;

QColor mix(const QColor& a, const QColor& b, double t) {
    const auto channel = [t](float x, float y) { return float(x + (y - x) * t); };
    return QColor::fromRgbF(channel(a.redF(), b.redF()), channel(a.greenF(), b.greenF()),
                            channel(a.blueF(), b.blueF()));
}

double relativeLuminance(const QColor& c) {
    const auto channel = [](double v) { return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

double contrastRatio(const QColor& a, const QColor& b) {
    const double la = relativeLuminance(a), lb = relativeLuminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Where a column label of width w and height h lies around its anchor when turned `angle`
// degrees counterclockwise; its right end sits on the anchor (centred under the column at 0°).
QRectF labelLocalRect(int angle, qreal w, qreal h) {
    return angle == 0 ? QRectF(-w / 2, 0, w, h) : QRectF(-w, -h / 2, w, h);
}

// Blue for correct, orange for confused: told apart with the common colour-vision deficiencies too.
QColor fullHue(bool correct, bool dark) {
    if (correct) return dark ? QColor(70, 145, 250) : QColor(24, 96, 196);
    return dark ? QColor(255, 128, 48) : QColor(222, 84, 20);
}

QTransform labelTransform(int angle, QPointF anchor) {
    return QTransform::fromTranslate(anchor.x(), anchor.y()).rotate(-angle);
}

}  // namespace

struct ConfusionMatrixView::Layout {
    QRect grid;  // one pixel wider and taller than the cells, for the closing grid line
    int cell = 0;
    QFont labelFont;
    QFont countFont;
    bool abbreviatedCounts = false;
    bool hiddenCounts = false;
    int labelAngle = 0;  // column labels turned 0°, 45° or 90° counterclockwise
    int labelWidth = 0;  // names are elided to this many pixels (not at 0°)
    int labelAnchorY = 0;
    QRect trueTitle;  // drawn turned 90°
    QRect predictedTitle;
    QRect legend;

    QPointF labelAnchor(int column) const { return {grid.left() + (column + 0.5) * cell, qreal(labelAnchorY)}; }
    QRect cellRect(int t, int p) const { return {grid.left() + p * cell, grid.top() + t * cell, cell, cell}; }
    QString countText(int count) const {
        return hiddenCounts ? QString() : abbreviatedCounts ? humanCount(count) : groupedInteger(count);
    }
};

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ConfusionMatrixView::setMatrix(const QStringList& classNames, const QList<QList<int>>& counts) {
    const int n = static_cast<int>(classNames.size());
    m_names = classNames;
    m_counts = QList<QList<int>>(n, QList<int>(n, 0));
    m_rowTotals = QList<int>(n, 0);
    for (int t = 0; t < n && t < counts.size(); ++t)
        for (int p = 0; p < n && p < counts[t].size(); ++p) {
            m_counts[t][p] = std::max(0, counts[t][p]);
            m_rowTotals[t] += m_counts[t][p];
        }
    m_hovered.reset();
    m_selected.reset();
    m_pressed.reset();
    m_keyboardCell = {0, 0};
    update();
}

int ConfusionMatrixView::count(int trueClass, int predictedClass) const {
    const int n = classCount();
    if (trueClass < 0 || trueClass >= n || predictedClass < 0 || predictedClass >= n) return 0;
    return m_counts[trueClass][predictedClass];
}

double ConfusionMatrixView::rowFraction(int trueClass, int predictedClass) const {
    const int c = count(trueClass, predictedClass);
    return c > 0 ? double(c) / m_rowTotals[trueClass] : 0.0;
}

ConfusionMatrixView::Layout ConfusionMatrixView::layout() const {
    Layout l;
    const int n = classCount();
    l.labelFont = l.countFont = font();
    if (n == 0) return l;
    const QFontMetrics base(font());
    const int titleH = base.height();
    const int top = kPad + titleH + kPad;  // the legend line
    // Pass 2 runs only when rows came out lower than a label: with a smaller label font.
    for (int pass = 0; pass < 2; ++pass) {
        const QFontMetrics fm(l.labelFont);
        const int h = fm.height();
        int nameWidth = 0;
        for (const QString& name : m_names) nameWidth = std::max(nameWidth, fm.horizontalAdvance(name));
        // +2: elidedText() measures a little wider than horizontalAdvance() and would cut the longest name.
        nameWidth += 2;
        l.labelWidth = std::min(nameWidth, std::max(fm.averageCharWidth() * 7, std::min(width(), height()) * 3 / 10));
        const int rowLabelsLeft = kPad + titleH + kPad;
        for (int angle : {0, 45, 90}) {
            const QRectF box =
                labelTransform(angle, {}).mapRect(labelLocalRect(angle, angle == 0 ? nameWidth : l.labelWidth, h));
            const int left = std::max(rowLabelsLeft + l.labelWidth + kPad, int(std::ceil(kPad - box.left())));
            const int bottom = kPad + int(std::ceil(box.height())) + kPad + titleH + kPad;
            const int side = std::min(width() - left - kPad, height() - top - bottom);
            l.cell = std::max(4, side / n);
            l.labelAngle = angle;
            // Neighbouring labels are cell·sin(angle) apart across their baselines.
            const bool fits = angle == 0 ? nameWidth + 6 <= l.cell : angle == 45 ? l.cell * 0.7071 >= h : true;
            if (!fits) continue;
            const int usedW = left + n * l.cell + 1 + kPad, usedH = top + n * l.cell + 1 + bottom;
            const int x0 = std::max(0, (width() - usedW) / 2), y0 = std::max(0, (height() - usedH) / 2);
            l.grid = QRect(x0 + left, y0 + top, n * l.cell + 1, n * l.cell + 1);
            l.labelAnchorY = l.grid.bottom() + kPad - int(std::floor(box.top()));
            l.trueTitle = QRect(x0 + kPad, l.grid.top(), titleH, l.grid.height());
            l.predictedTitle = QRect(l.grid.left(), y0 + usedH - kPad - titleH, l.grid.width(), titleH);
            l.legend = QRect(x0 + kPad, y0 + kPad, usedW - 2 * kPad, titleH);
            break;
        }
        if (l.cell >= h || l.labelFont.pointSizeF() <= 6.0) break;
        l.labelFont.setPointSizeF(std::max(6.0, l.labelFont.pointSizeF() * l.cell / h));
    }
    // Counts: the largest font up to the widget's whose widest count fits; then "1.2 k"; then none.
    int widest = 0;
    for (const QList<int>& row : m_counts) widest = std::max(widest, *std::max_element(row.begin(), row.end()));
    const double start = font().pointSizeF() > 0 ? font().pointSizeF() : 9.0;
    for (bool abbreviated : {false, true}) {
        const QString sample = abbreviated ? humanCount(widest) : groupedInteger(widest);
        for (double pt = start; pt >= 6.0; pt -= 0.5) {
            l.countFont.setPointSizeF(pt);
            const QFontMetrics fm(l.countFont);
            if (fm.horizontalAdvance(sample) <= l.cell - 4 && fm.height() <= l.cell) {
                l.abbreviatedCounts = abbreviated;
                return l;
            }
        }
    }
    l.hiddenCounts = true;
    return l;
}

QRect ConfusionMatrixView::cellRect(int trueClass, int predictedClass) const {
    const int n = classCount();
    if (trueClass < 0 || trueClass >= n || predictedClass < 0 || predictedClass >= n) return {};
    return layout().cellRect(trueClass, predictedClass);
}

std::optional<QPoint> ConfusionMatrixView::cellAt(const QPoint& pos) const {
    return cellAt(layout(), pos);
}

std::optional<QPoint> ConfusionMatrixView::cellAt(const Layout& l, const QPoint& pos) const {
    const int n = classCount();
    if (n == 0 || l.cell <= 0) return std::nullopt;
    const int x = pos.x() - l.grid.left(), y = pos.y() - l.grid.top();
    if (x < 0 || y < 0 || x >= n * l.cell || y >= n * l.cell) return std::nullopt;
    return QPoint(x / l.cell, y / l.cell);
}

std::optional<int> ConfusionMatrixView::columnLabelAt(const Layout& l, const QPoint& pos) const {
    const QFontMetrics fm(l.labelFont);
    for (int c = 0; c < classCount(); ++c) {
        const qreal w = l.labelAngle == 0 ? l.cell : l.labelWidth;
        const QPointF local = labelTransform(l.labelAngle, l.labelAnchor(c)).inverted().map(QPointF(pos));
        if (labelLocalRect(l.labelAngle, w, fm.height()).contains(local)) return c;
    }
    return std::nullopt;
}

std::optional<int> ConfusionMatrixView::rowLabelAt(const Layout& l, const QPoint& pos) const {
    if (pos.x() >= l.grid.left() || pos.x() < l.grid.left() - kPad - l.labelWidth) return std::nullopt;
    const int y = pos.y() - l.grid.top();
    if (y < 0 || l.cell <= 0 || y >= classCount() * l.cell) return std::nullopt;
    return y / l.cell;
}

QColor ConfusionMatrixView::cellColor(int trueClass, int predictedClass) const {
    const QColor base = palette().color(QPalette::Base);
    const double fraction = rowFraction(trueClass, predictedClass);
    if (fraction <= 0.0) return base;
    const bool correct = trueClass == predictedClass;
    const double t = correct ? fraction : std::sqrt(fraction);
    return mix(base, fullHue(correct, base.lightness() < 128), 0.08 + 0.92 * t);
}

QColor ConfusionMatrixView::textColor(int trueClass, int predictedClass) const {
    const QColor cell = cellColor(trueClass, predictedClass);
    const QColor dark(24, 24, 24), light(255, 255, 255);
    return contrastRatio(cell, dark) >= contrastRatio(cell, light) ? dark : light;
}

QString ConfusionMatrixView::cellText(int trueClass, int predictedClass) const {
    return layout().countText(count(trueClass, predictedClass));
}

void ConfusionMatrixView::setSelectedCell(std::optional<QPoint> cell) {
    if (cell && (cell->x() < 0 || cell->y() < 0 || cell->x() >= classCount() || cell->y() >= classCount()))
        cell.reset();
    if (cell == m_selected) return;
    m_selected = cell;
    update();
}

bool ConfusionMatrixView::exportPng(const QString& path) {
    const QPixmap picture = grab();
    return !picture.isNull() && picture.save(path, "PNG");
}

QString ConfusionMatrixView::cellToolTip(int t, int p) const {
    const QString share = QString::number(rowFraction(t, p) * 100.0, 'f', 1);
    if (t == p)
        return tr("%1 recognised: %2 of %3 (recall %4%)")
            .arg(m_names[t], groupedInteger(count(t, p)), groupedInteger(m_rowTotals[t]), share);
    return tr("True: %1 → predicted: %2\n%3 samples, %4% of %1\nClick to see them")
        .arg(m_names[t], m_names[p], groupedInteger(count(t, p)), share);
}

bool ConfusionMatrixView::event(QEvent* event) {
    if (event->type() != QEvent::ToolTip) return QWidget::event(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const Layout l = layout();
    QString text;
    if (const auto cell = cellAt(l, help->pos()))
        text = cellToolTip(cell->y(), cell->x());
    else if (const auto row = rowLabelAt(l, help->pos()))
        text = tr("True class: %1 (%2 samples)").arg(m_names[*row], groupedInteger(m_rowTotals[*row]));
    else if (const auto column = columnLabelAt(l, help->pos()))
        text = tr("Predicted class: %1").arg(m_names[*column]);
    QToolTip::showText(help->globalPos(), plainToolTip(text), this);  // an empty text hides the tooltip
    return true;
}

void ConfusionMatrixView::setHovered(std::optional<QPoint> cell) {
    if (cell == m_hovered) return;
    m_hovered = cell;
    cell ? setCursor(Qt::PointingHandCursor) : unsetCursor();
    update();
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent* event) {
    setHovered(cellAt(event->position().toPoint()));
}

void ConfusionMatrixView::leaveEvent(QEvent*) {
    setHovered(std::nullopt);
}

void ConfusionMatrixView::mousePressEvent(QMouseEvent* event) {
    m_pressed = event->button() == Qt::LeftButton ? cellAt(event->position().toPoint()) : std::nullopt;
}

void ConfusionMatrixView::mouseReleaseEvent(QMouseEvent* event) {
    const std::optional<QPoint> cell = cellAt(event->position().toPoint());
    // A click is a press and a release on the same cell; dragging off cancels it.
    if (event->button() == Qt::LeftButton && cell && cell == m_pressed) {
        m_keyboardCell = *cell;
        setSelectedCell(cell);
        Q_EMIT cellActivated(cell->y(), cell->x());
    }
    m_pressed.reset();
}

void ConfusionMatrixView::keyPressEvent(QKeyEvent* event) {
    const int n = classCount();
    if (n == 0) return QWidget::keyPressEvent(event);
    const int key = event->key();
    if (key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_Space) {
        setSelectedCell(m_keyboardCell);
        Q_EMIT cellActivated(m_keyboardCell.y(), m_keyboardCell.x());
        return;
    }
    const QPoint step(int(key == Qt::Key_Right) - int(key == Qt::Key_Left),
                      int(key == Qt::Key_Down) - int(key == Qt::Key_Up));
    if (step.isNull()) return QWidget::keyPressEvent(event);
    const QPoint k = m_keyboardCell + step;
    m_keyboardCell = QPoint(std::clamp(k.x(), 0, n - 1), std::clamp(k.y(), 0, n - 1));
    update();
}

void ConfusionMatrixView::paintLegend(QPainter& painter, const Layout& l) const {
    const QFontMetrics fm(font());
    const QColor base = palette().color(QPalette::Base);
    int x = l.legend.left();
    const QRect swatch(0, l.legend.top() + 2, 36, l.legend.height() - 4);
    for (bool correct : {true, false}) {
        QLinearGradient gradient(x, 0, x + swatch.width(), 0);
        gradient.setColorAt(0, base);
        gradient.setColorAt(1, fullHue(correct, base.lightness() < 128));
        painter.setPen(palette().color(QPalette::Mid));
        painter.setBrush(gradient);
        painter.drawRect(swatch.translated(x, 0));
        x += swatch.width() + 4;
        const QString text = correct ? tr("correct") : tr("confused");
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRect(x, l.legend.top(), fm.horizontalAdvance(text), l.legend.height()), Qt::AlignVCenter,
                         text);
        x += fm.horizontalAdvance(text) + 12;
    }
    // The note is shown whole or not at all.
    const QString note = l.hiddenCounts ? tr("hover a cell for its count") : tr("shade: share of the true class");
    if (fm.horizontalAdvance(note) + 2 > l.legend.right() - x) return;
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(QRect(x, l.legend.top(), l.legend.right() - x, l.legend.height()), Qt::AlignVCenter, note);
}

void ConfusionMatrixView::paintLabels(QPainter& painter, const Layout& l) const {
    const QFontMetrics fm(l.labelFont);
    const QColor text = palette().color(QPalette::Text), accent = palette().color(QPalette::Highlight);
    painter.setFont(l.labelFont);
    for (int i = 0; i < classCount(); ++i) {
        const QRect row(l.grid.left() - kPad - l.labelWidth, l.grid.top() + i * l.cell, l.labelWidth, l.cell);
        painter.setPen(m_hovered && m_hovered->y() == i ? accent : text);
        painter.drawText(row, Qt::AlignRight | Qt::AlignVCenter,
                         fm.elidedText(m_names[i], Qt::ElideRight, row.width()));
        painter.setPen(m_hovered && m_hovered->x() == i ? accent : text);
        painter.save();
        painter.setTransform(labelTransform(l.labelAngle, l.labelAnchor(i)), true);
        if (l.labelAngle == 0)
            painter.drawText(labelLocalRect(0, l.cell, fm.height()), Qt::AlignHCenter | Qt::AlignTop, m_names[i]);
        else
            painter.drawText(labelLocalRect(l.labelAngle, l.labelWidth, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                             fm.elidedText(m_names[i], Qt::ElideRight, l.labelWidth));
        painter.restore();
    }
    painter.setFont(font());
    painter.setPen(text);
    painter.drawText(l.predictedTitle, Qt::AlignCenter, tr("Predicted class"));
    painter.save();
    painter.translate(l.trueTitle.center());
    painter.rotate(-90);
    painter.drawText(
        QRect(-l.trueTitle.height() / 2, -l.trueTitle.width() / 2, l.trueTitle.height(), l.trueTitle.width()),
        Qt::AlignCenter, tr("True class"));
    painter.restore();
}

void ConfusionMatrixView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    if (classCount() == 0) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("No confusion matrix yet"));
        return;
    }
    const Layout l = layout();
    const QColor text = palette().color(QPalette::Text);
    painter.fillRect(l.grid, mix(palette().color(QPalette::Base), text, 0.14));
    painter.setFont(l.countFont);
    for (int t = 0; t < classCount(); ++t)
        for (int p = 0; p < classCount(); ++p) {
            const QRect cell = l.cellRect(t, p).adjusted(1, 1, 0, 0);
            painter.fillRect(cell, cellColor(t, p));
            QColor ink = textColor(t, p);
            if (count(t, p) == 0) ink.setAlphaF(0.4f);  // zeros recede; the errors that exist stand out
            painter.setPen(ink);
            painter.drawText(cell, Qt::AlignCenter, l.countText(count(t, p)));
        }
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    const auto outline = [&](QPoint cell, const QPen& pen) {
        painter.setPen(pen);
        const qreal inset = pen.widthF() / 2 + 0.5;
        painter.drawRect(QRectF(l.cellRect(cell.y(), cell.x())).adjusted(inset, inset, 1 - inset, 1 - inset));
    };
    if (hasFocus()) outline(m_keyboardCell, QPen(text, 1, Qt::DashLine));
    if (m_selected) outline(*m_selected, QPen(text, 3));
    if (m_hovered) outline(*m_hovered, QPen(palette().color(QPalette::Highlight), 2));
    painter.setRenderHint(QPainter::Antialiasing, false);
    paintLabels(painter, l);
    paintLegend(painter, l);
}

}  // namespace studio::widgets
