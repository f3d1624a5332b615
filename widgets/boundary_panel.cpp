#include "widgets/boundary_panel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSplitter>
#include <QVBoxLayout>
#include <cmath>

#include "widgets/decision_boundary_view.h"
#include "widgets/editor_focus.h"
#include "widgets/unit_field_grid.h"

namespace studio::widgets {

namespace {
constexpr int kMagnified = 150;
}

BoundaryPanel::BoundaryPanel(QWidget* parent) : QWidget(parent) {
    m_view = new DecisionBoundaryView(this);
    m_units = new UnitFieldGrid;
    m_unitsScroll = new QScrollArea(this);
    m_unitsScroll->setWidget(m_units);
    m_unitsScroll->setWidgetResizable(true);
    m_unitsScroll->setFrameShape(QFrame::NoFrame);
    m_unitsScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    m_pace = new QComboBox(this);
    for (double p : paceChoices())
        m_pace->addItem(p == 0 ? tr("Full speed") : tr("%1 steps/s").arg(p), p);
    m_pace->setToolTip(tr("How many training steps a second the run may take, so the boundary can be watched "
                          "forming; the weights are the same at any speed."));
    m_step = new QPushButton(tr("Step"), this);
    m_step->setToolTip(tr("Pause the run and advance it by exactly one training step."));
    m_step->setEnabled(false);
    m_showTest = new QCheckBox(tr("Show test data"), this);
    m_showTest->setChecked(true);
    m_showTest->setToolTip(tr("Draw the held-out points (validation and test) as squares."));
    m_discrete = new QCheckBox(tr("Discretize"), this);
    m_discrete->setToolTip(tr("Paint each region in its class colour only, without the confidence shading."));
    m_export = new QPushButton(tr("Export PNG…"), this);
    m_status = new QLabel(this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Speed"), this));
    controls->addWidget(m_pace);
    controls->addWidget(m_step);
    controls->addSpacing(12);
    controls->addWidget(m_showTest);
    controls->addWidget(m_discrete);
    controls->addStretch(1);
    controls->addWidget(m_export);

    // The hovered unit enlarged beside the thumbnails (a popup inside the scroll area would be clipped).
    m_magnifier = new QLabel(this);
    m_magnifier->setFixedSize(kMagnified + 2, kMagnified + 2);
    m_magnifier->setAlignment(Qt::AlignCenter);
    m_magnifier->setFrameShape(QFrame::StyledPanel);
    m_magnifierCaption = new QLabel(tr("Hover a unit to enlarge it"), this);
    m_magnifierCaption->setTextFormat(Qt::PlainText);
    m_magnifierCaption->setWordWrap(true);
    m_magnifierCaption->setFixedWidth(kMagnified + 2);
    m_magnifierCaption->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
    auto* magnifierColumn = new QVBoxLayout;
    magnifierColumn->addWidget(m_magnifier);
    magnifierColumn->addWidget(m_magnifierCaption);
    magnifierColumn->addStretch(1);
    auto* unitsRow = new QWidget(this);
    auto* unitsLayout = new QHBoxLayout(unitsRow);
    unitsLayout->setContentsMargins(0, 0, 0, 0);
    unitsLayout->addWidget(m_unitsScroll, 1);
    unitsLayout->addLayout(magnifierColumn);

    auto* split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(unitsRow);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);

    m_dataRow = new QWidget(this);
    auto* dataLayout = new QHBoxLayout(m_dataRow);
    dataLayout->setContentsMargins(0, 0, 0, 0);
    dataLayout->addStretch(1);
    m_dataRow->hide();

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_dataRow);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);

    connect(m_pace, &QComboBox::currentIndexChanged, this, [this] { Q_EMIT paceChanged(pace()); });
    connect(m_step, &QPushButton::clicked, this, &BoundaryPanel::stepRequested);
    connect(m_export, &QPushButton::clicked, this, &BoundaryPanel::exportRequested);
    connect(m_showTest, &QCheckBox::toggled, m_view, &DecisionBoundaryView::setShowHeldOut);
    connect(m_discrete, &QCheckBox::toggled, m_view, &DecisionBoundaryView::setDiscrete);
    connect(m_units, &UnitFieldGrid::unitHovered, this, [this](int layer, int unit) {
        const QImage image = m_units->thumbnail(layer, unit);
        if (image.isNull()) return;  // keep the last one in sight while the mouse crosses gaps
        m_magnifier->setPixmap(QPixmap::fromImage(
            image.scaled(kMagnified, kMagnified, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)));
        m_magnifierCaption->setText(m_units->unitCaption(layer, unit));
    });
}

BoundaryPanel::~BoundaryPanel() {
    releaseFocusWithin(this);
}

QList<double> BoundaryPanel::paceChoices() { return {0, 300, 100, 30, 10, 3, 1}; }

double BoundaryPanel::pace() const { return m_pace->currentData().toDouble(); }

void BoundaryPanel::setPace(double stepsPerSecond) {
    const QList<double> choices = paceChoices();
    int best = 0;
    for (int k = 1; k < choices.size(); ++k)
        if (stepsPerSecond > 0 && std::abs(std::log(choices[k] / stepsPerSecond)) <
                                      (choices[best] == 0 ? INFINITY : std::abs(std::log(choices[best] / stepsPerSecond))))
            best = k;
    const QSignalBlocker block(m_pace);
    m_pace->setCurrentIndex(best);
}

void BoundaryPanel::setDataFields(const QList<FieldSpec>& fields) {
    auto* row = static_cast<QHBoxLayout*>(m_dataRow->layout());
    for (QWidget* editor : std::as_const(m_dataEditors)) editor->parentWidget()->deleteLater();
    m_dataEditors.clear();
    int at = 0;
    for (const FieldSpec& f : fields) {
        if (f.type != FieldSpec::Integer && f.type != FieldSpec::Number) continue;
        auto* cell = new QWidget(m_dataRow);
        auto* cellLayout = new QHBoxLayout(cell);
        cellLayout->setContentsMargins(0, 0, 8, 0);
        auto* label = new QLabel(f.label, cell);
        label->setTextFormat(Qt::PlainText);
        cellLayout->addWidget(label);
        QWidget* editor = nullptr;
        if (f.type == FieldSpec::Integer) {
            auto* spin = new QSpinBox(cell);
            spin->setRange(static_cast<int>(f.min), static_cast<int>(std::min(f.max, 2147483647.0)));
            spin->setSingleStep(std::max(1, static_cast<int>(f.step)));
            if (f.min == 0) spin->setSpecialValueText(tr("default"));
            connect(spin, &QSpinBox::editingFinished, this, [this, key = f.key, spin] {
                Q_EMIT dataSettingEdited(key, spin->value());
            });
            editor = spin;
        } else {
            auto* spin = new QDoubleSpinBox(cell);
            spin->setRange(f.min, f.max);
            spin->setDecimals(f.decimals);
            spin->setSingleStep(f.step > 0 ? f.step : 0.1);
            connect(spin, &QDoubleSpinBox::editingFinished, this, [this, key = f.key, spin] {
                Q_EMIT dataSettingEdited(key, spin->value());
            });
            editor = spin;
        }
        editor->setToolTip(f.tooltip);
        label->setToolTip(f.tooltip);
        cellLayout->addWidget(editor);
        row->insertWidget(at++, cell);
        m_dataEditors.insert(f.key, editor);
    }
}

void BoundaryPanel::setDataValues(const QVariantMap& values) {
    for (auto it = m_dataEditors.cbegin(); it != m_dataEditors.cend(); ++it) {
        if (!values.contains(it.key())) continue;
        const QSignalBlocker block(it.value());
        if (auto* spin = qobject_cast<QSpinBox*>(it.value())) spin->setValue(values.value(it.key()).toInt());
        if (auto* spin = qobject_cast<QDoubleSpinBox*>(it.value())) spin->setValue(values.value(it.key()).toDouble());
    }
}

void BoundaryPanel::setDataControlsVisible(bool visible) { m_dataRow->setVisible(visible); }

bool BoundaryPanel::dataControlsVisible() const { return !m_dataRow->isHidden(); }

void BoundaryPanel::setStepEnabled(bool enabled) { m_step->setEnabled(enabled); }

void BoundaryPanel::setPlaneAvailable(bool available) {
    m_showTest->setEnabled(available);
    m_discrete->setEnabled(available);
    m_export->setEnabled(available);
}

void BoundaryPanel::setStatus(const QString& text) { m_status->setText(text); }

QString BoundaryPanel::status() const { return m_status->text(); }

}  // namespace studio::widgets
