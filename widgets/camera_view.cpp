#include "widgets/camera_view.h"

#include <QLabel>
#include <QVBoxLayout>

namespace studio::widgets {

CameraView::CameraView(QWidget* parent) : QFrame(parent) {
    setFixedWidth(kWidth);
    setFrameShape(QFrame::StyledPanel);
    m_picture = new QLabel(this);
    m_picture->setAlignment(Qt::AlignCenter);
    m_picture->setFixedSize(kWidth - 20, (kWidth - 20) * 3 / 4);  // a 4:3 frame at full width
    m_picture->setBackgroundRole(QPalette::AlternateBase);
    m_picture->setAutoFillBackground(true);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bars = new ProbabilityBars(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(8);
    layout->addWidget(m_picture);
    layout->addWidget(m_message);
    layout->addWidget(m_bars);
    layout->addStretch(1);
    clear();
}

void CameraView::setFrame(const QImage& frame, const QList<ClassProbability>& top) {
    m_frame = frame;
    m_message->clear();
    m_message->hide();
    m_picture->setVisible(!frame.isNull());
    m_picture->setPixmap(frame.isNull()
                             ? QPixmap()
                             : QPixmap::fromImage(frame.scaled(m_picture->width(), m_picture->height(),
                                                               Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    m_bars->setProbabilities(top);
}

void CameraView::setMessage(const QString& message) {
    m_frame = QImage();
    m_picture->setPixmap(QPixmap());
    m_picture->hide();  // the message stands alone, without an empty frame above it
    m_bars->clear();
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void CameraView::clear() {
    setMessage({});
}

QString CameraView::messageText() const {
    return m_message->text();
}
bool CameraView::isShowingMessage() const {
    return !m_message->text().isEmpty();
}

}  // namespace studio::widgets
