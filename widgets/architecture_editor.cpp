#include "widgets/architecture_editor.h"

#include "widgets/editor_focus.h"
#include "widgets/focused_wheel.h"
#include "widgets/human_units.h"
#include "widgets/layer_table_model.h"
#include "widgets/scientific_spin_box.h"
#include "widgets/studio_icons.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

namespace studio::widgets {
namespace {

QToolButton* toolButton(const QString& text, const QString& icon, const QString& tip, QWidget* parent) {
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setIcon(studioIcon(icon));
    b->setToolTip(tip);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return b;
}

}  // namespace

ArchitectureEditor::ArchitectureEditor(QWidget* parent) : QWidget(parent), m_model(new LayerTableModel(this)) {
    m_add = toolButton(tr("Add"), QStringLiteral("add"), tr("Insert a layer after the selected one"), this);
    m_add->setPopupMode(QToolButton::InstantPopup);
    m_remove = toolButton(tr("Remove"), QStringLiteral("remove"), tr("Remove the selected layer"), this);
    m_up = toolButton(tr("Up"), QStringLiteral("up"), tr("Move the selected layer one place earlier"), this);
    m_down = toolButton(tr("Down"), QStringLiteral("down"), tr("Move the selected layer one place later"), this);
    m_load = toolButton(tr("Load…"), QStringLiteral("open"), tr("Load an architecture from a JSON spec file"), this);
    m_save = toolButton(tr("Save…"), QStringLiteral("save"), tr("Save this architecture as a JSON spec file"), this);
    m_presets = new QComboBox(this);
    m_presets->setToolTip(tr("Replace the layers with a ready-made architecture"));
    m_presets->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    acceptWheelOnlyWhenFocused(m_presets);  // a passing wheel would replace every layer

    connect(m_remove, &QToolButton::clicked, this, [this] {
        const int row = selectedRow();
        if (row < 0) return;
        m_expectedSelection = std::max(0, row - 1);
        Q_EMIT layerRemoveRequested(row);
    });
    connect(m_up, &QToolButton::clicked, this, [this] {
        const int row = selectedRow();
        if (row <= 0) return;
        m_expectedSelection = row - 1;
        Q_EMIT layerMoveRequested(row, row - 1);
    });
    connect(m_down, &QToolButton::clicked, this, [this] {
        const int row = selectedRow();
        if (row < 0 || row + 1 >= rowCount()) return;
        m_expectedSelection = row + 1;
        Q_EMIT layerMoveRequested(row, row + 1);
    });
    connect(m_load, &QToolButton::clicked, this, &ArchitectureEditor::loadSpecRequested);
    connect(m_save, &QToolButton::clicked, this, &ArchitectureEditor::saveSpecRequested);
    connect(m_presets, &QComboBox::activated, this, [this](int index) {
        if (index <= 0) return;
        const QString preset = m_presets->itemText(index);
        m_presets->setCurrentIndex(0);  // the combo starts a replacement; it does not hold a state
        m_expectedSelection = 0;
        Q_EMIT presetRequested(preset);
    });

    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setDragDropMode(QAbstractItemView::DragDrop);
    m_table->setDefaultDropAction(Qt::MoveAction);
    m_table->setDragEnabled(true);
    m_table->setAcceptDrops(true);
    m_table->setDropIndicatorShown(true);
    m_table->setWordWrap(true);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(LayerTableModel::Options, QHeaderView::Stretch);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setMinimumSectionSize(fontMetrics().height() + 12);
    // The Options cell already shows a layer's problem under its options; a separate column
    // would be squeezed to nothing beside the options panel.
    m_table->setColumnHidden(LayerTableModel::Problem, true);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_model, &LayerTableModel::moveRequested, this, [this](int from, int to) {
        m_expectedSelection = to;
        Q_EMIT layerMoveRequested(from, to);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        rebuildOptionsPanel();
        updateButtons();
    });
    connect(m_table, &QTableView::doubleClicked, this, [this](const QModelIndex&) {
        // The options panel is the editor; double-click jumps into its first field.
        if (m_optionsForm->rowCount() > 0)
            if (QLayoutItem* item = m_optionsForm->itemAt(0, QFormLayout::FieldRole); item && item->widget())
                item->widget()->setFocus(Qt::MouseFocusReason);
    });

    m_optionsBox = new QGroupBox(tr("Layer options"), this);
    m_optionsForm = new QFormLayout(m_optionsBox);
    m_optionsBox->installEventFilter(this);  // its width decides how many lines a problem takes
    m_optionsBox->setMinimumWidth(200);

    // Table above its options: the editor lives in a narrow dock beside the charts.
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_optionsBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);

    m_totals = new QLabel(this);
    m_totals->setTextFormat(Qt::PlainText);
    m_totals->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem = new QLabel(this);
    m_problem->setTextFormat(Qt::PlainText);  // may quote names from a spec file
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->hide();

    auto* buttons = new QHBoxLayout;
    for (QWidget* w : {static_cast<QWidget*>(m_add), static_cast<QWidget*>(m_remove), static_cast<QWidget*>(m_up),
                       static_cast<QWidget*>(m_down)})
        buttons->addWidget(w);
    buttons->addStretch(1);
    auto* files = new QHBoxLayout;
    files->addWidget(new QLabel(tr("Preset:"), this));
    files->addWidget(m_presets);
    files->addStretch(1);
    files->addWidget(m_load);
    files->addWidget(m_save);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addLayout(files);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_totals);
    layout->addWidget(m_problem);

    setPresets({});
    setTotals(0, 0);
    rebuildAddMenu();
    rebuildOptionsPanel();
    updateButtons();
}

ArchitectureEditor::~ArchitectureEditor() {
    releaseFocusWithin(this);
}

void ArchitectureEditor::setLayerKinds(const QList<LayerKindDescription>& kinds) {
    m_model->setLayerKinds(kinds);
    rebuildAddMenu();
    rebuildOptionsPanel();
}

void ArchitectureEditor::setPresets(const QStringList& presets) {
    m_presets->clear();
    m_presets->addItem(tr("Choose…"));
    m_presets->addItems(presets);
    m_presets->setEnabled(!presets.isEmpty());
}

void ArchitectureEditor::setLayers(const QList<LayerRow>& layers) {
    const int previous = selectedRow();
    m_model->setLayers(layers);
    int target = m_expectedSelection >= 0 ? m_expectedSelection : previous;
    m_expectedSelection = -1;
    target = std::min(target, rowCount() - 1);
    if (target >= 0) selectRow(target);
    rebuildOptionsPanel();
    updateButtons();
}

void ArchitectureEditor::setTotals(qint64 params, qint64 flops, const QString& overallProblem) {
    m_totals->setText(tr("Total: %1 parameters (%2) · %3 FLOPs per sample")
                          .arg(groupedInteger(params), humanCount(double(params)), humanCount(double(flops))));
    showOverallProblem(overallProblem);
}

void ArchitectureEditor::setTotalsUnknown(const QString& why, const QString& overallProblem) {
    m_totals->setText(tr("Total: parameters and FLOPs %1").arg(why));
    showOverallProblem(overallProblem);
}

void ArchitectureEditor::showOverallProblem(const QString& overallProblem) {
    m_problem->setText(overallProblem);
    m_problem->setVisible(!overallProblem.isEmpty());
    const bool dark = palette().color(QPalette::Window).lightness() < 128;
    QPalette pal = palette();
    pal.setColor(QPalette::WindowText, dark ? QColor(255, 130, 120) : QColor(180, 25, 25));
    m_problem->setPalette(pal);
}

int ArchitectureEditor::selectedRow() const {
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.first().row();
}

void ArchitectureEditor::selectRow(int row) {
    if (row < 0 || row >= rowCount()) {
        m_table->clearSelection();
        return;
    }
    m_table->selectRow(row);
    m_table->setCurrentIndex(m_model->index(row, 0));
}

int ArchitectureEditor::rowCount() const { return m_model->rowCount(); }

QString ArchitectureEditor::totalsText() const { return m_totals->text(); }

QString ArchitectureEditor::problemText() const { return m_problem->text(); }

QWidget* ArchitectureEditor::optionEditor(const QString& key) const {
    return m_optionsBox->findChild<QWidget*>(QStringLiteral("option:") + key);
}

void ArchitectureEditor::rebuildAddMenu() {
    delete m_add->menu();
    auto* menu = new QMenu(m_add);
    menu->setToolTipsVisible(true);
    for (const LayerKindDescription& kind : m_model->kinds()) {
        QAction* action = menu->addAction(kind.label.isEmpty() ? kind.kind : kind.label);
        action->setToolTip(kind.help);
        action->setStatusTip(kind.help);
        action->setData(kind.kind);
        connect(action, &QAction::triggered, this, [this, k = kind.kind] {
            const int row = selectedRow();
            const int index = row >= 0 ? row + 1 : rowCount();
            m_expectedSelection = index;
            Q_EMIT layerInsertRequested(index, k);
        });
    }
    m_add->setMenu(menu);
    m_add->setEnabled(!m_model->kinds().isEmpty());
}

void ArchitectureEditor::updateButtons() {
    const int row = selectedRow();
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < rowCount());
}

QWidget* ArchitectureEditor::createOptionEditor(const OptionDescription& option, const QVariant& value, int row) {
    const QString key = option.key;
    auto emitEdit = [this, row, key](const QVariant& v) { Q_EMIT layerOptionEdited(row, key, v); };
    const auto clampInt = [](double v) {
        return int(std::clamp(v, double(std::numeric_limits<int>::min()), double(std::numeric_limits<int>::max())));
    };
    switch (option.type) {
        case OptionDescription::Integer: {
            auto* box = new QSpinBox;
            box->setRange(clampInt(option.min), clampInt(option.max));
            box->setValue(value.toInt());
            box->setKeyboardTracking(false);
            connect(box, &QSpinBox::editingFinished, this, [box, emitEdit, value] {
                if (box->value() != value.toInt()) emitEdit(box->value());
            });
            return box;
        }
        case OptionDescription::Number: {
            auto* box = new ScientificSpinBox;
            box->setRange(option.min, option.max);
            box->setSingleStep(0.05);
            box->setValue(value.toDouble());
            connect(box, &QDoubleSpinBox::editingFinished, this, [box, emitEdit, value] {
                if (box->value() != value.toDouble()) emitEdit(box->value());
            });
            return box;
        }
        case OptionDescription::Boolean: {
            auto* check = new QCheckBox;
            check->setChecked(value.toBool());
            connect(check, &QCheckBox::toggled, this, [emitEdit](bool on) { emitEdit(on); });
            return check;
        }
        case OptionDescription::Choice: {
            auto* combo = new QComboBox;
            combo->addItems(option.choices);
            combo->setCurrentIndex(std::max(0, int(option.choices.indexOf(value.toString()))));
            connect(combo, &QComboBox::activated, this, [combo, emitEdit, value] {
                if (combo->currentText() != value.toString()) emitEdit(combo->currentText());
            });
            return combo;
        }
    }
    return nullptr;
}

void ArchitectureEditor::rebuildOptionsPanel() {
    while (m_optionsForm->rowCount() > 0) m_optionsForm->removeRow(0);
    const int row = selectedRow();
    if (row < 0 || row >= rowCount()) {
        m_optionsBox->setTitle(tr("Layer options"));
        m_optionsForm->addRow(new QLabel(tr("Select a layer to edit its options.")));
        return;
    }
    const LayerRow& layer = m_model->layers().at(row);
    const LayerKindDescription* kind = m_model->kind(layer.kind);
    m_optionsBox->setTitle(tr("Layer %1: %2").arg(row + 1).arg(kind ? kind->label : layer.kind));
    if (!kind || kind->options.isEmpty()) {
        m_optionsForm->addRow(new QLabel(tr("This layer has no options.")));
        return;
    }
    for (const OptionDescription& option : kind->options) {
        QWidget* editor = createOptionEditor(option, layer.options.value(option.key, option.defaultValue), row);
        editor->setObjectName(QStringLiteral("option:") + option.key);
        acceptWheelOnlyWhenFocused(editor);
        editor->setToolTip(option.help);
        editor->setStatusTip(option.help);
        auto* label = new QLabel(option.key + QLatin1Char(':'));
        label->setTextFormat(Qt::PlainText);
        label->setToolTip(option.help);
        label->setBuddy(editor);
        m_optionsForm->addRow(label, editor);
    }
    if (!layer.problem.isEmpty()) {
        auto* problem = new QLabel(layer.problem);
        problem->setTextFormat(Qt::PlainText);
        problem->setWordWrap(true);
        problem->setForegroundRole(QPalette::NoRole);
        problem->setStyleSheet(QStringLiteral("color: %1;").arg(
            palette().color(QPalette::Window).lightness() < 128 ? "#ff8278" : "#b41919"));
        m_optionsForm->addRow(problem);
        m_optionProblem = problem;
        reserveProblemLines();
    }
}

void ArchitectureEditor::reserveProblemLines() {
    if (!m_optionProblem) return;
    const QMargins margins = m_optionsForm->contentsMargins();
    const int width = m_optionsBox->contentsRect().width() - margins.left() - margins.right();
    if (width > 0) m_optionProblem->setMinimumHeight(m_optionProblem->heightForWidth(width));
}

bool ArchitectureEditor::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_optionsBox && event->type() == QEvent::Resize) reserveProblemLines();
    return QWidget::eventFilter(watched, event);
}

}  // namespace studio::widgets
