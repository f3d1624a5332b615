#pragma once
// CameraView: the live camera frame with the model's top-k answer under it, or a message in its
// place ("No camera found …", "Starting camera…"). The app grabs frames and predicts; this only
// shows the latest pair.

#include "widgets/probability_bars.h"

#include <QFrame>
#include <QImage>
#include <QList>
#include <QString>

class QLabel;

namespace studio::widgets {

class CameraView : public QFrame {
    Q_OBJECT
public:
    static constexpr int kWidth = 300;  ///< fixed width; the frame is scaled to it

    explicit CameraView(QWidget* parent = nullptr);

    /// The newest frame and its prediction (`top` may be empty while the first one runs).
    /// Replaces any message. Meant for ~30 calls a second: one scaled copy per call.
    void setFrame(const QImage& frame, const QList<ClassProbability>& top);
    /// Shows `message` instead of a frame (and no bars), e.g. "No camera found: connect one and
    /// switch Camera on again".
    void setMessage(const QString& message);
    /// No frame, no message.
    void clear();

    QImage frame() const { return m_frame; }
    QString messageText() const;
    bool isShowingMessage() const;
    ProbabilityBars* bars() const { return m_bars; }

private:
    QImage m_frame;
    QLabel* m_picture = nullptr;
    QLabel* m_message = nullptr;
    ProbabilityBars* m_bars = nullptr;
};

}  // namespace studio::widgets
