#include "widgets/layer_health_view.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

namespace studio::widgets {

LayerHealthView::LayerHealthView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* split = new QSplitter(Qt::Horizontal, this);

    m_grid = new LayerHealthGrid;
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_grid);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    split->addWidget(scroll);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(4, 0, 0, 0);
    auto* choiceRow = new QHBoxLayout;
    auto* label = new QLabel(tr("Activations of"));
    m_layerChoice = new QComboBox;
    m_layerChoice->setObjectName("ridgeLayer");
    m_layerChoice->setToolTip(tr("The layer whose activation histograms the ridge plot shows, one per epoch"));
    label->setBuddy(m_layerChoice);
    choiceRow->addWidget(label);
    choiceRow->addWidget(m_layerChoice, 1);
    rightLayout->addLayout(choiceRow);
    m_ridge = new RidgePlot;
    rightLayout->addWidget(m_ridge, 1);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split);

    connect(m_layerChoice, &QComboBox::currentIndexChanged, this, [this] { refreshRidge(); });
}

void LayerHealthView::setLayers(const QStringList& names) {
    m_grid->setLayers(names);
    m_histograms = QList<QList<RidgeHistogram>>(names.size());
    const QSignalBlocker block(m_layerChoice);
    m_layerChoice->clear();
    m_layerChoice->addItems(names);
    // The first layer's spread is the one that tells most about the input and initialization.
    m_layerChoice->setCurrentIndex(names.isEmpty() ? -1 : 0);
    refreshRidge();
}

void LayerHealthView::appendSamples(const QList<LayerHealthSample>& samples) {
    m_grid->appendSamples(samples);
}

void LayerHealthView::addEpochHistograms(int epoch, const QList<RidgeHistogram>& perLayer) {
    for (int l = 0; l < m_histograms.size() && l < perLayer.size(); ++l) {
        RidgeHistogram h = perLayer[l];
        h.epoch = epoch;
        m_histograms[l].append(h);
    }
    refreshRidge();
}

void LayerHealthView::clear() {
    setLayers({});
}

void LayerHealthView::showRidgeOf(int layer) {
    m_layerChoice->setCurrentIndex(layer);
}

int LayerHealthView::ridgeLayer() const {
    return m_layerChoice->currentIndex();
}

void LayerHealthView::refreshRidge() {
    const int l = m_layerChoice->currentIndex();
    if (l < 0 || l >= m_histograms.size()) {
        m_ridge->setTitle({});
        m_ridge->setHistograms({});
        return;
    }
    m_ridge->setTitle(tr("%1: activations per epoch").arg(m_layerChoice->itemText(l)));
    m_ridge->setHistograms(m_histograms[l]);
}

}  // namespace studio::widgets
