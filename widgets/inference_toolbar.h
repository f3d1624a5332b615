#pragma once
// InferenceToolbar: the inference panel's top bar — which model answers (and Load model…), how
// many classes each card lists, Why? (saliency) with the class it explains, Camera, Classify
// folder…, Paste and Clear. Setters never emit; the user's clicks do.

#include <QString>
#include <QStringList>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QToolButton;

namespace studio::widgets {

class InferenceToolbar : public QWidget {
    Q_OBJECT
public:
    static constexpr int kDefaultTopK = 5;

    /// `paste` (owned by the caller) becomes the Paste button.
    explicit InferenceToolbar(QAction* paste, QWidget* parent = nullptr);

    /// e.g. ("Model: lenet, epoch 3 (training)", true). Without a model an empty text shows
    /// "No model yet — train one or load a model file", and Why? and Classify folder… are off.
    void setModelStatus(const QString& text, bool hasModel);
    QString modelStatusText() const;
    bool hasModel() const { return m_hasModel; }
    /// Fills the Why? class chooser (class index = position; the choice is kept when it still
    /// exists) and caps top-k at the class count.
    void setClassNames(const QStringList& names);
    void setTopK(int k);
    int topK() const;
    bool isSaliencyOn() const;
    /// -1 = explain the predicted class, else a class index.
    int saliencyClass() const;
    /// "occlusion" (hide patches, measure the drop) or "gradient" (|d probability / d pixel|).
    QString saliencyMethod() const;
    void setCameraOn(bool on);
    bool isCameraOn() const;

    QPushButton* loadModelButton() const { return m_loadModel; }
    QSpinBox* topKSpinBox() const { return m_topK; }
    QToolButton* whyButton() const { return m_why; }
    QComboBox* saliencyClassCombo() const { return m_saliencyClass; }
    QComboBox* saliencyMethodCombo() const { return m_saliencyMethod; }
    QToolButton* cameraButton() const { return m_camera; }
    QPushButton* classifyFolderButton() const { return m_classifyFolder; }
    QToolButton* clearButton() const { return m_clear; }

Q_SIGNALS:
    void loadModelRequested();
    void topKChanged(int k);
    void saliencyToggled(bool on);
    void saliencyClassChanged(int classIndexOrMinus1);
    void saliencyMethodChanged(const QString& method);
    void cameraToggled(bool on);
    void classifyFolderRequested();
    void clearRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    bool m_hasModel = false;
    QLabel* m_modelStatus = nullptr;
    QPushButton* m_loadModel = nullptr;
    QSpinBox* m_topK = nullptr;
    QToolButton* m_why = nullptr;
    QComboBox* m_saliencyClass = nullptr;
    QComboBox* m_saliencyMethod = nullptr;
    QToolButton* m_camera = nullptr;
    QPushButton* m_classifyFolder = nullptr;
    QToolButton* m_clear = nullptr;
};

}  // namespace studio::widgets
