#include "widgets/backbone_picker.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QToolButton>
#include <QVBoxLayout>

#include "widgets/editor_focus.h"

namespace studio::widgets {

BackbonePicker::BackbonePicker(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_enabled = new QCheckBox(tr("Start from a pretrained network (frozen ONNX backbone)"), this);
    m_enabled->setToolTip(tr("Transfer learning: a network trained elsewhere turns each image into features, "
                             "and only the layers below learn, from those features. Good with few images "
                             "per class. The model file keeps the network inside."));
    layout->addWidget(m_enabled);

    m_details = new QWidget(this);
    auto* form = new QFormLayout(m_details);
    form->setContentsMargins(18, 0, 0, 0);
    auto* fileRow = new QHBoxLayout;
    m_path = new QLineEdit(m_details);
    m_path->setReadOnly(true);
    m_path->setPlaceholderText(tr("an .onnx file"));
    m_browse = new QToolButton(m_details);
    m_browse->setText(tr("Choose…"));
    fileRow->addWidget(m_path, 1);
    fileRow->addWidget(m_browse);
    form->addRow(tr("Network"), fileRow);
    m_layers = new QComboBox(m_details);
    m_layers->setToolTip(tr("The layer whose output the head learns from. The suggestion is the last "
                            "pooling output: general features, before the network's own classifier."));
    m_layers->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_layers->setMinimumContentsLength(16);
    form->addRow(tr("Feature layer"), m_layers);
    m_mean = new QLineEdit(m_details);
    m_mean->setPlaceholderText(tr("none (e.g. 0.485,0.456,0.406)"));
    m_std = new QLineEdit(m_details);
    m_std->setPlaceholderText(tr("none (e.g. 0.229,0.224,0.225)"));
    const QString normalizationTip = tr("The network's own input normalization of [0, 1] pixels, one number per "
                                        "channel (ImageNet networks: mean 0.485,0.456,0.406 and std "
                                        "0.229,0.224,0.225). Empty for a Training Studio export, which "
                                        "normalizes inside.");
    m_mean->setToolTip(normalizationTip);
    m_std->setToolTip(normalizationTip);
    form->addRow(tr("Input mean"), m_mean);
    form->addRow(tr("Input std"), m_std);
    m_status = new QLabel(m_details);
    m_status->setTextFormat(Qt::PlainText);  // messages quote file and layer names
    m_status->setWordWrap(true);
    form->addRow(m_status);
    layout->addWidget(m_details);
    m_details->setVisible(false);

    connect(m_enabled, &QCheckBox::toggled, this, [this](bool on) {
        if (on) {
            askForFile();
            if (m_path->text().isEmpty()) {  // cancelled: nothing chosen
                const QSignalBlocker block(m_enabled);
                m_enabled->setChecked(false);
            }
        } else {
            Q_EMIT fileChosen({});
        }
    });
    connect(m_browse, &QToolButton::clicked, this, &BackbonePicker::askForFile);
    connect(m_layers, &QComboBox::activated, this, [this](int index) {
        const QString name = m_layers->itemData(index).toString();
        if (!name.isEmpty()) Q_EMIT featureLayerChosen(name);
    });
    for (QLineEdit* edit : {m_mean, m_std})
        connect(edit, &QLineEdit::editingFinished, this,
                [this] { Q_EMIT normalizationEdited(m_mean->text().trimmed(), m_std->text().trimmed()); });
}

BackbonePicker::~BackbonePicker() {
    releaseFocusWithin(this);
}

void BackbonePicker::askForFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose a pretrained network"), m_path->text(),
                                                      tr("ONNX networks (*.onnx)"));
    if (!path.isEmpty()) Q_EMIT fileChosen(path);
}

void BackbonePicker::setChoice(const QString& path, const QString& featureLayer, const QString& mean,
                               const QString& stddev) {
    const QSignalBlocker block(m_enabled);
    m_enabled->setChecked(!path.isEmpty());
    m_details->setVisible(!path.isEmpty());
    m_path->setText(path);
    m_path->setToolTip(path);
    m_featureLayer = featureLayer;
    if (m_mean->text() != mean) m_mean->setText(mean);
    if (m_std->text() != stddev) m_std->setText(stddev);
    for (int i = 0; i < m_layers->count(); ++i)
        if (m_layers->itemData(i).toString() == featureLayer) m_layers->setCurrentIndex(i);
    if (path.isEmpty()) {
        m_layers->clear();
        showStatus({}, false);
    }
}

void BackbonePicker::setLayers(const QList<BackboneLayerRow>& layers, const QString& suggested) {
    const QSignalBlocker block(m_layers);
    m_layers->clear();
    int current = -1;
    for (const BackboneLayerRow& layer : layers) {
        // Short enough for the dock; the type and the feature count are in the item's tooltip.
        QString text = tr("%1 · %2").arg(layer.name, layer.shape);
        if (layer.name == suggested) text += tr(" · suggested");
        m_layers->addItem(text, layer.name);
        m_layers->setItemData(m_layers->count() - 1,
                              tr("%1: %2 output, %3 features per image").arg(layer.type, layer.shape).arg(layer.features),
                              Qt::ToolTipRole);
        const QString wanted = m_featureLayer.isEmpty() ? suggested : m_featureLayer;
        if (layer.name == wanted) current = m_layers->count() - 1;
    }
    if (current >= 0) m_layers->setCurrentIndex(current);
    m_layers->setEnabled(!layers.isEmpty());
}

void BackbonePicker::setLoading() {
    showStatus(tr("Reading the network…"), false);
}

void BackbonePicker::setError(const QString& message) {
    showStatus(message, true);
}

void BackbonePicker::setSummary(const QString& text) {
    showStatus(text, false);
}

void BackbonePicker::showStatus(const QString& text, bool error) {
    m_showingError = error;
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
    QPalette palette = m_status->palette();
    palette.setColor(QPalette::WindowText, error ? QColor(200, 30, 30) : this->palette().color(QPalette::WindowText));
    m_status->setPalette(palette);
}

QString BackbonePicker::statusText() const {
    return m_status->text();
}

}  // namespace studio::widgets
