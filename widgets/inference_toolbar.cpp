#include "widgets/inference_toolbar.h"

#include "widgets/flow_layout.h"
#include "widgets/studio_icons.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>

namespace studio::widgets {
namespace {

QToolButton* makeToolButton(const QString& text, const QString& icon, QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setIcon(studioIcon(icon));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return button;
}

// Fusion draws a checked tool button only a shade darker, which dark palettes all but hide: tint
// it toward Highlight, half way, so the usual button text stays legible on it.
void showCheckedState(QToolButton* button) {
    if (!button->isChecked()) {
        button->setPalette(QPalette());  // inherit everything again
        return;
    }
    const QPalette inherited = button->parentWidget()->palette();
    const QColor a = inherited.color(QPalette::Highlight);
    const QColor b = inherited.color(QPalette::Button);
    QPalette pal;
    pal.setColor(QPalette::Button,
                 QColor((a.red() + b.red()) / 2, (a.green() + b.green()) / 2, (a.blue() + b.blue()) / 2));
    button->setPalette(pal);
}

}  // namespace

InferenceToolbar::InferenceToolbar(QAction* paste, QWidget* parent) : QWidget(parent) {
    m_modelStatus = new QLabel(this);
    m_modelStatus->setTextFormat(Qt::PlainText);  // names the model and its dataset
    m_modelStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_loadModel = new QPushButton(studioIcon(QStringLiteral("open")), tr("Load model…"), this);
    m_loadModel->setToolTip(tr("Open a model file saved by Training Studio"));
    connect(m_loadModel, &QPushButton::clicked, this, &InferenceToolbar::loadModelRequested);

    m_topK = new QSpinBox(this);
    m_topK->setRange(1, 10);
    m_topK->setValue(kDefaultTopK);
    m_topK->setPrefix(tr("Top "));
    m_topK->setToolTip(tr("How many of the most likely classes each card shows"));
    m_topK->setFocusPolicy(Qt::ClickFocus);  // tabbing into it would make Ctrl+V paste digits
    connect(m_topK, &QSpinBox::valueChanged, this, &InferenceToolbar::topKChanged);

    m_why = makeToolButton(tr("Why?"), QStringLiteral("saliency"), this);
    m_why->setCheckable(true);
    m_why->setToolTip(tr("Show which pixels moved the score most (saliency) instead of the pictures"));
    m_saliencyClass = new QComboBox(this);
    m_saliencyClass->setToolTip(tr("The class whose score the saliency explains"));
    m_saliencyClass->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_saliencyClass->addItem(tr("predicted class"), -1);
    m_saliencyClass->setEnabled(false);
    m_saliencyMethod = new QComboBox(this);
    m_saliencyMethod->addItem(tr("occlusion"), QStringLiteral("occlusion"));
    m_saliencyMethod->addItem(tr("gradient"), QStringLiteral("gradient"));
    m_saliencyMethod->setItemData(0, tr("Hide each patch of the image and measure how much the score drops"),
                                  Qt::ToolTipRole);
    m_saliencyMethod->setItemData(1, tr("How strongly each pixel changes the score (input gradient): faster, noisier"),
                                  Qt::ToolTipRole);
    m_saliencyMethod->setToolTip(tr("How the saliency is measured"));
    m_saliencyMethod->setEnabled(false);
    connect(m_why, &QToolButton::toggled, this, [this](bool on) {
        showCheckedState(m_why);
        m_saliencyClass->setEnabled(on);
        m_saliencyMethod->setEnabled(on);
        Q_EMIT saliencyToggled(on);
    });
    connect(m_saliencyClass, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT saliencyClassChanged(saliencyClass()); });
    connect(m_saliencyMethod, &QComboBox::currentIndexChanged, this,
            [this] { Q_EMIT saliencyMethodChanged(saliencyMethod()); });

    m_camera = makeToolButton(tr("Camera"), QStringLiteral("camera"), this);
    m_camera->setCheckable(true);
    m_camera->setToolTip(tr("Classify what the camera sees, live"));
    connect(m_camera, &QToolButton::toggled, this, [this](bool on) {
        showCheckedState(m_camera);
        Q_EMIT cameraToggled(on);
    });
    m_classifyFolder = new QPushButton(studioIcon(QStringLiteral("open")), tr("Classify folder…"), this);
    connect(m_classifyFolder, &QPushButton::clicked, this, &InferenceToolbar::classifyFolderRequested);
    auto* pasteButton = new QToolButton(this);
    pasteButton->setDefaultAction(paste);
    pasteButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_clear = makeToolButton(tr("Clear"), QStringLiteral("clear"), this);
    m_clear->setToolTip(tr("Remove all cards and folder results"));
    connect(m_clear, &QToolButton::clicked, this, &InferenceToolbar::clearRequested);

    auto* status = new QHBoxLayout;
    status->addWidget(m_modelStatus, 1);
    status->addWidget(m_loadModel);
    // The tools wrap onto a second row when the tab is narrow (about 580 pixels beside the docks
    // at 1024×700), instead of squeezing every button until its text is cut ("Ca…ra").
    auto* tools = new FlowLayout(nullptr, 6);
    for (QWidget* w : std::initializer_list<QWidget*>{m_topK, m_why, m_saliencyClass, m_saliencyMethod, m_camera,
                                                      m_classifyFolder, pasteButton, m_clear})
        tools->addWidget(w);
    for (QWidget* w : std::initializer_list<QWidget*>{m_topK, m_why, m_saliencyClass, m_saliencyMethod, m_camera,
                                                      m_classifyFolder, pasteButton, m_clear, m_loadModel})
        w->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(status);
    layout->addLayout(tools);
    setModelStatus({}, false);
}

void InferenceToolbar::setModelStatus(const QString& text, bool hasModel) {
    m_hasModel = hasModel;
    m_modelStatus->setText(text.isEmpty() && !hasModel ? tr("No model yet — train one or load a model file") : text);
    QFont f = m_modelStatus->font();
    f.setBold(hasModel);
    m_modelStatus->setFont(f);
    m_modelStatus->setForegroundRole(hasModel ? QPalette::WindowText : QPalette::PlaceholderText);
    m_why->setEnabled(hasModel);
    m_classifyFolder->setEnabled(hasModel);
    m_classifyFolder->setToolTip(hasModel ? tr("Classify every image in a folder and list the results in a table")
                                          : tr("Train a model or load a model file first"));
}

QString InferenceToolbar::modelStatusText() const {
    return m_modelStatus->text();
}

void InferenceToolbar::setClassNames(const QStringList& names) {
    {
        const QSignalBlocker block(m_topK);
        m_topK->setMaximum(names.isEmpty() ? 10 : int(names.size()));
    }
    const int chosen = saliencyClass();
    const QSignalBlocker block(m_saliencyClass);
    m_saliencyClass->clear();
    m_saliencyClass->addItem(tr("predicted class"), -1);
    for (int i = 0; i < names.size(); ++i) m_saliencyClass->addItem(names[i], i);
    m_saliencyClass->setCurrentIndex(std::max(0, m_saliencyClass->findData(chosen)));
}

void InferenceToolbar::setTopK(int k) {
    const QSignalBlocker block(m_topK);
    m_topK->setValue(k);
}

int InferenceToolbar::topK() const {
    return m_topK->value();
}
bool InferenceToolbar::isSaliencyOn() const {
    return m_why->isChecked();
}
QString InferenceToolbar::saliencyMethod() const {
    return m_saliencyMethod->currentData().toString();
}

int InferenceToolbar::saliencyClass() const {
    return m_saliencyClass->currentData().toInt();
}

void InferenceToolbar::setCameraOn(bool on) {
    {
        const QSignalBlocker block(m_camera);
        m_camera->setChecked(on);
    }
    showCheckedState(m_camera);
}

void InferenceToolbar::changeEvent(QEvent* event) {
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        showCheckedState(m_why);
        showCheckedState(m_camera);
    }
}

bool InferenceToolbar::isCameraOn() const {
    return m_camera->isChecked();
}

}  // namespace studio::widgets
