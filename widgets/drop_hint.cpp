#include "widgets/drop_hint.h"

#include <QLabel>
#include <QPainter>
#include <QVBoxLayout>

namespace studio::widgets {

DropHint::DropHint(QWidget* parent) : QFrame(parent) {
    m_title = new QLabel(this);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.5);
    m_title->setFont(f);
    m_detail = new QLabel(this);
    for (QLabel* label : {m_title, m_detail}) {
        label->setAlignment(Qt::AlignCenter);
        label->setWordWrap(true);
        label->setForegroundRole(QPalette::PlaceholderText);
    }
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(32, 32, 32, 32);
    layout->addStretch(1);
    layout->addWidget(m_title);
    layout->addWidget(m_detail);
    layout->addStretch(1);
}

void DropHint::setTitle(const QString& text) {
    m_title->setText(text);
}
void DropHint::setDetail(const QString& text) {
    m_detail->setText(text);
}
QString DropHint::title() const {
    return m_title->text();
}
QString DropHint::detail() const {
    return m_detail->text();
}

void DropHint::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1.5, Qt::DashLine));
    painter.drawRoundedRect(QRectF(rect()).adjusted(12.5, 12.5, -12.5, -12.5), 12, 12);
}

}  // namespace studio::widgets
