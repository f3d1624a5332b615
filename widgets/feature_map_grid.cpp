#include "widgets/feature_map_grid.h"

#include <QHelpEvent>
#include <QPainter>
#include <QTextDocument>
#include <QToolTip>
#include <algorithm>
#include <cmath>

namespace studio::widgets {

namespace {
constexpr int kMargin = 6;
constexpr int kSpacing = 6;

QString number(double v) {
    QString s = QString::number(v, 'g', 3);
    if (s.startsWith('-')) s.replace(0, 1, QChar(0x2212));
    return s;
}
}  // namespace

FeatureMapGrid::FeatureMapGrid(QWidget* parent) : QWidget(parent) {
    QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

void FeatureMapGrid::setGroups(const QList<FeatureMapGroup>& groups) {
    m_groups = groups;
    updateGeometry();
    update();
}

void FeatureMapGrid::setTileSize(int pixels) {
    m_tileSize = std::clamp(pixels, 16, 256);
    updateGeometry();
    update();
}

QString FeatureMapGrid::rangeText(double lo, double hi) { return number(lo) + QStringLiteral(" … ") + number(hi); }

int FeatureMapGrid::titleHeight() const { return fontMetrics().height() + 8; }
int FeatureMapGrid::cellWidth() const {
    // Wide enough for the range text under a small tile.
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    return std::max(m_tileSize, QFontMetrics(small).horizontalAdvance(rangeText(-0.0888, -0.0888)) + 4);
}
int FeatureMapGrid::cellHeight() const {
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    return m_tileSize + 2 * QFontMetrics(small).height() + 4;
}
int FeatureMapGrid::columnsFor(int width) const {
    return std::max(1, (width - 2 * kMargin + kSpacing) / (cellWidth() + kSpacing));
}
int FeatureMapGrid::columns() const { return columnsFor(width()); }

int FeatureMapGrid::groupTop(int group, int width) const {
    const int cols = columnsFor(width);
    int y = kMargin;
    for (int g = 0; g < group && g < m_groups.size(); ++g) {
        const int rows = (int(m_groups[g].tiles.size()) + cols - 1) / cols;
        y += titleHeight() + rows * (cellHeight() + kSpacing) + kSpacing;
    }
    return y;
}

int FeatureMapGrid::heightForWidth(int width) const { return groupTop(int(m_groups.size()), width) + kMargin; }

QSize FeatureMapGrid::sizeHint() const {
    const int w = 8 * (cellWidth() + kSpacing) + 2 * kMargin;
    return {w, heightForWidth(w)};
}

QRect FeatureMapGrid::tileRect(int group, int tile) const {
    if (group < 0 || group >= m_groups.size() || tile < 0 || tile >= m_groups[group].tiles.size()) return {};
    const int cols = columns();
    const int x = kMargin + (tile % cols) * (cellWidth() + kSpacing) + (cellWidth() - m_tileSize) / 2;
    const int y = groupTop(group, width()) + titleHeight() + (tile / cols) * (cellHeight() + kSpacing);
    return {x, y, m_tileSize, m_tileSize};
}

void FeatureMapGrid::paintEvent(QPaintEvent* event) {
    QPainter p(this);
    p.setClipRect(event->rect());
    const QPalette pal = palette();
    QFont titleFont = font();
    titleFont.setBold(true);
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    const QFontMetrics smallMetrics(small);
    for (int g = 0; g < m_groups.size(); ++g) {
        const FeatureMapGroup& group = m_groups[g];
        const int top = groupTop(g, width());
        if (top > event->rect().bottom()) break;
        p.setFont(titleFont);
        p.setPen(pal.color(QPalette::WindowText));
        p.drawText(QRect(kMargin, top, width() - 2 * kMargin, titleHeight()), Qt::AlignLeft | Qt::AlignVCenter,
                   fontMetrics().elidedText(group.title, Qt::ElideRight, width() - 2 * kMargin));
        p.setFont(small);
        for (int t = 0; t < group.tiles.size(); ++t) {
            const QRect r = tileRect(g, t);
            if (r.top() > event->rect().bottom()) break;
            if (r.bottom() + 2 * smallMetrics.height() < event->rect().top()) continue;
            const FeatureMapTile& tile = group.tiles[t];
            p.setRenderHint(QPainter::SmoothPixmapTransform, false);
            if (!tile.image.isNull()) {
                // Keep the aspect: a 3×3 filter stays square, a 7×4 map is letterboxed.
                QSize s = tile.image.size().scaled(r.size(), Qt::KeepAspectRatio);
                const QRect target(r.center().x() - s.width() / 2 + 1, r.center().y() - s.height() / 2 + 1, s.width(),
                                   s.height());
                p.drawImage(target, tile.image);
            }
            p.setPen(pal.color(QPalette::Mid));
            p.drawRect(r.adjusted(0, 0, -1, -1));
            p.setPen(pal.color(QPalette::WindowText));
            const QRect textRect(r.center().x() - cellWidth() / 2, r.bottom() + 2, cellWidth(), smallMetrics.height());
            p.drawText(textRect, Qt::AlignHCenter | Qt::AlignTop, smallMetrics.elidedText(tile.caption, Qt::ElideRight, cellWidth()));
            p.setPen(pal.color(QPalette::PlaceholderText));
            p.drawText(textRect.translated(0, smallMetrics.height()), Qt::AlignHCenter | Qt::AlignTop,
                       rangeText(tile.minValue, tile.maxValue));
        }
    }
}

bool FeatureMapGrid::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        for (int g = 0; g < m_groups.size(); ++g)
            for (int t = 0; t < m_groups[g].tiles.size(); ++t)
                if (tileRect(g, t).contains(help->pos())) {
                    const FeatureMapTile& tile = m_groups[g].tiles[t];
                    QToolTip::showText(help->globalPos(),
                                       Qt::convertFromPlainText(m_groups[g].title + "\n" + tile.caption + ": " +
                                           rangeText(tile.minValue, tile.maxValue) + "\n" +
                                           QString("%1×%2").arg(tile.image.width()).arg(tile.image.height())),
                                       this);
                    return true;
                }
        QToolTip::hideText();
        e->ignore();
        return true;
    }
    return QWidget::event(e);
}

}  // namespace studio::widgets
