#pragma once
// PredictionCard: one dropped image and what the model made of it — the picture (or, with
// "Why?" on, its saliency overlay), the tensor the model actually saw, the top-k bars and the
// latency; or "Predicting…"; or why it waits (no model yet); or an inline error naming the file. A "Correct…" combo and
// "Add to training data" let the user turn a wrong answer into a labelled example.
//
// The card shows what it is given and emits intents; it never predicts or edits data itself.

#include "widgets/probability_bars.h"

#include <QFrame>
#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QToolButton;

namespace studio::widgets {

class PredictionCard : public QFrame {
    Q_OBJECT
public:
    enum class State { Pending, Waiting, Prediction, Error };
    Q_ENUM(State)

    static constexpr int kWidth = 248;  ///< fixed: three cards a row beside the docks at 1280×800
    static constexpr int kPictureWidth = 236;
    static constexpr int kPictureHeight = 140;
    static constexpr int kModelViewSize = 64;  ///< the model input is shown at most this big

    /// `title` is shown elided (e.g. "cat.png"); `path` (may be empty for pasted data) is the
    /// title's tooltip. `thumbnail` may be null (not decoded yet, or not an image).
    /// A new card is Pending.
    PredictionCard(int cardId, const QString& title, const QString& path, const QImage& thumbnail,
                   QWidget* parent = nullptr);

    int cardId() const { return m_cardId; }
    State state() const { return m_state; }
    QString title() const { return m_title; }
    QString path() const { return m_path; }

    void setThumbnail(const QImage& thumbnail);
    /// Back to "Predicting…" (e.g. the model changed and the image is being re-run).
    void setPending();
    /// Nothing is predicting this image: shows `reason` ("No model yet: …") with no busy bar,
    /// until setPending() or a prediction.
    void setWaiting(const QString& reason);
    /// `modelView`: the preprocessed input exactly as the model saw it (e.g. 28×28 gray); drawn
    /// upscaled by a whole factor with nearest-neighbour so its pixels stay visible.
    /// `caption`: what modelView is ("model input 28×28 gray"). `top`: see ProbabilityBars.
    /// `microseconds`: the predictor's latency for this image.
    void setPrediction(const QImage& modelView, const QString& caption, const QList<ClassProbability>& top,
                       double microseconds);
    /// Shown in red inside the card. A message that does not mention the title gets it prefixed,
    /// so the error always names the file ("notes.png: not an image …").
    void setError(const QString& message);

    /// A saliency picture for the predicted (or chosen) class. With an alpha channel it is drawn
    /// over the thumbnail, stretched to it; without, it replaces the thumbnail. Null clears it.
    void setSaliency(const QImage& overlay);
    /// The panel's "Why?" toggle: show the saliency picture (when there is one) instead of the
    /// thumbnail.
    void setShowSaliency(bool show);
    bool isShowingSaliency() const { return m_showSaliency && !m_saliency.isNull(); }

    /// Names for the correction combo; class index = position in this list.
    void setClassNames(const QStringList& names);
    /// Disabled corrections keep the combo visible with `reason` as tooltip ("Training is
    /// running; add examples after it stops"). Corrections also need a prediction and names.
    void setCorrectionEnabled(bool enabled, const QString& reason = {});

    /// 4.24 → "4.2 µs", 42.3 → "42 µs", 1530 → "1.53 ms", 42000 → "42.0 ms", 2.5e6 → "2.50 s"; <0 → "—".
    static QString latencyText(double microseconds);

    // What is shown, for tests and the panel.
    QString shownTitle() const;
    QString statusText() const;    ///< "Predicting…" while pending, the reason while waiting, else empty
    QString errorText() const;     ///< the error line, empty unless State::Error
    QString headlineText() const;  ///< "seven · 97.3%", empty unless State::Prediction
    QString captionText() const;   ///< the model view's caption
    QString latencyLabelText() const;
    QImage shownPicture() const;  ///< the thumbnail, overlay or composite as drawn (unscaled)
    QImage modelView() const { return m_modelView; }
    int modelViewScale() const;     ///< the whole factor modelView is drawn at
    QImage shownModelView() const;  ///< modelView as drawn (upscaled)
    ProbabilityBars* bars() const { return m_bars; }
    QComboBox* correctionCombo() const { return m_correction; }
    QPushButton* addToTrainingButton() const { return m_addToTraining; }
    QToolButton* closeButton() const { return m_close; }

Q_SIGNALS:
    /// The user says the image shows class `classIndex` and wants it added to the training data.
    void correctionRequested(int cardId, int classIndex);
    void removeRequested(int cardId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void setState(State state);
    void updatePicture();
    void updateCorrection();
    void applyErrorStyle();

    int m_cardId;
    QString m_title;
    QString m_path;
    State m_state = State::Pending;
    QImage m_thumbnail;
    QImage m_saliency;
    QImage m_modelView;
    bool m_showSaliency = false;
    bool m_correctionAllowed = true;
    QString m_correctionReason;

    QLabel* m_titleLabel = nullptr;
    QToolButton* m_close = nullptr;
    QLabel* m_picture = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_error = nullptr;
    QWidget* m_result = nullptr;
    QLabel* m_modelViewLabel = nullptr;
    QLabel* m_headline = nullptr;
    QLabel* m_caption = nullptr;
    QLabel* m_latency = nullptr;
    ProbabilityBars* m_bars = nullptr;
    QComboBox* m_correction = nullptr;
    QPushButton* m_addToTraining = nullptr;
};

}  // namespace studio::widgets
