#pragma once
// BackbonePicker: "Start from a pretrained network" in the Model dock — an ONNX file the model
// begins with, frozen, the layer whose output the head learns from (the app suggests one), and
// the network's input normalization. It takes values and emits intents; the app loads the file
// on a worker and answers with setLayers() or setError().

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QToolButton;

namespace studio::widgets {

/// One layer of the network, as the picker lists it.
struct BackboneLayerRow {
    QString name;
    QString type;   // e.g. "Pooling"
    QString shape;  // per image, e.g. "64×1×1"
    int features = 0;
};

class BackbonePicker : public QWidget {
    Q_OBJECT
public:
    explicit BackbonePicker(QWidget* parent = nullptr);
    ~BackbonePicker() override;  // an option editor with the focus finishes its edit first

    /// What the project says (path "" = no backbone). Does not emit.
    void setChoice(const QString& path, const QString& featureLayer, const QString& mean, const QString& stddev);
    /// The file's layers; `suggested` is marked and used while the project names no layer.
    void setLayers(const QList<BackboneLayerRow>& layers, const QString& suggested);
    void setLoading();
    /// Why the file cannot be used (plain text).
    void setError(const QString& message);
    /// A line under the layer list: what the head will see (e.g. "64 features per image").
    void setSummary(const QString& text);

    // For tests.
    QCheckBox* enabledBox() const { return m_enabled; }
    QComboBox* layerCombo() const { return m_layers; }
    QLineEdit* meanEdit() const { return m_mean; }
    QLineEdit* stdEdit() const { return m_std; }
    QString statusText() const;
    bool isShowingError() const { return m_showingError; }

Q_SIGNALS:
    /// The user chose a file (or unchecked the box: path "").
    void fileChosen(const QString& path);
    void featureLayerChosen(const QString& name);
    void normalizationEdited(const QString& mean, const QString& stddev);

private:
    void askForFile();
    void showStatus(const QString& text, bool error);

    QCheckBox* m_enabled = nullptr;
    QLineEdit* m_path = nullptr;
    QToolButton* m_browse = nullptr;
    QComboBox* m_layers = nullptr;
    QLineEdit* m_mean = nullptr;
    QLineEdit* m_std = nullptr;
    QLabel* m_status = nullptr;
    QWidget* m_details = nullptr;
    QString m_featureLayer;  // the project's choice ("" = the suggestion)
    bool m_showingError = false;
};

}  // namespace studio::widgets
