#include "widgets/hyperparameter_form.h"

#include "widgets/editor_focus.h"
#include "widgets/focused_wheel.h"
#include "widgets/scientific_spin_box.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <limits>

namespace studio::widgets {
namespace {

QString rangeText(const FieldSpec& spec) {
    auto number = [&spec](double v) {
        return spec.type == FieldSpec::Integer ? QString::number(static_cast<qint64>(v)) : QString::number(v, 'g', 6);
    };
    return HyperparameterForm::tr("Range %1 – %2").arg(number(spec.min), number(spec.max));
}

QString fullTooltip(const FieldSpec& spec) {
    QString tip = spec.tooltip.isEmpty() ? spec.label : spec.tooltip;
    if (spec.type == FieldSpec::Integer || spec.type == FieldSpec::Number) tip += QStringLiteral("\n") + rangeText(spec);
    if (spec.defaultValue.isValid())
        tip += QStringLiteral("\n") + HyperparameterForm::tr("Default: %1").arg(spec.defaultValue.toString());
    return tip;
}

}  // namespace

HyperparameterForm::HyperparameterForm(QWidget* parent) : QWidget(parent) {
    m_idle.setSingleShot(true);
    m_idle.setInterval(400);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        if (!m_pendingKey.isEmpty()) commit(m_pendingKey);
    });
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
}

HyperparameterForm::~HyperparameterForm() {
    releaseFocusWithin(this);
}

void HyperparameterForm::setFields(const QList<FieldSpec>& fields) {
    m_idle.stop();
    m_pendingKey.clear();
    m_fields.clear();
    delete m_content;
    m_content = new QWidget(this);
    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->setContentsMargins(0, 0, 0, 0);
    layout()->addWidget(m_content);

    QList<QPair<QString, QFormLayout*>> groups;
    auto formFor = [&](const QString& group) {
        for (const auto& [name, form] : groups)
            if (name == group) return form;
        auto* box = new QGroupBox(group, m_content);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setLabelAlignment(Qt::AlignLeft | Qt::AlignVCenter);
        contentLayout->addWidget(box);
        groups.append({group, form});
        return form;
    };

    m_fields.reserve(fields.size());
    for (const FieldSpec& spec : fields) {
        Field f;
        f.spec = spec;
        f.editor = createEditor(spec);
        const QString tip = fullTooltip(spec);
        f.editor->setToolTip(tip);
        f.editor->setStatusTip(spec.tooltip.isEmpty() ? spec.label : spec.tooltip);
        f.editor->setObjectName(spec.key);
        f.editor->setAccessibleName(spec.label);
        if (spec.type != FieldSpec::Boolean && spec.type != FieldSpec::Path) acceptWheelOnlyWhenFocused(f.editor);
        if (spec.type == FieldSpec::Boolean) {
            static_cast<QCheckBox*>(f.editor)->setText(spec.label);
            formFor(spec.group)->addRow(f.editor);
        } else {
            f.label = new QLabel(spec.label + QLatin1Char(':'));
            f.label->setToolTip(tip);
            f.label->setStatusTip(f.editor->statusTip());
            f.label->setBuddy(f.editor);
            QWidget* field = f.editor;
            if (QAction* action = m_actions.value(spec.key)) {
                field = new QWidget;
                auto* row = new QHBoxLayout(field);
                row->setContentsMargins(0, 0, 0, 0);
                row->addWidget(f.editor, 1);
                auto* button = new QToolButton;
                button->setDefaultAction(action);
                button->setToolButtonStyle(Qt::ToolButtonTextOnly);
                button->setObjectName(spec.key + QStringLiteral("Action"));
                row->addWidget(button);
                f.actionButton = button;
            }
            formFor(spec.group)->addRow(f.label, field);
        }
        m_fields.push_back(f);
        Field& added = m_fields.back();
        showValue(added, spec.defaultValue);
        added.committed = currentValue(added);
    }
    contentLayout->addStretch(1);
}

QList<FieldSpec> HyperparameterForm::fields() const {
    QList<FieldSpec> specs;
    for (const Field& f : m_fields) specs.append(f.spec);
    return specs;
}

QWidget* HyperparameterForm::createEditor(const FieldSpec& spec) {
    const QString key = spec.key;
    switch (spec.type) {
        case FieldSpec::Integer: {
            auto* box = new QSpinBox;
            auto bound = [](double v) {
                return static_cast<int>(std::clamp(v, double(std::numeric_limits<int>::min()),
                                                   double(std::numeric_limits<int>::max())));
            };
            box->setRange(bound(spec.min), bound(spec.max));
            box->setSingleStep(std::max(1, bound(spec.step)));
            box->setKeyboardTracking(false);
            box->setAccelerated(true);
            box->setGroupSeparatorShown(false);
            connect(box, &QSpinBox::valueChanged, this, [this, key] { userChanged(key); });
            connect(box, &QSpinBox::editingFinished, this, [this, key] { commit(key); });
            return box;
        }
        case FieldSpec::Number: {
            auto* box = new ScientificSpinBox;
            box->setRange(spec.min, spec.max);
            box->setSingleStep(spec.step > 0.0 ? spec.step : 0.1);
            box->setDisplayDecimals(spec.decimals);
            box->setLogScale(spec.logScale);
            connect(box, &QDoubleSpinBox::valueChanged, this, [this, key] { userChanged(key); });
            connect(box, &QDoubleSpinBox::editingFinished, this, [this, key] { commit(key); });
            return box;
        }
        case FieldSpec::Choice: {
            auto* combo = new QComboBox;
            combo->addItems(spec.choices);
            connect(combo, &QComboBox::currentIndexChanged, this, [this, key] { commit(key); });
            return combo;
        }
        case FieldSpec::Boolean: {
            auto* check = new QCheckBox;
            connect(check, &QCheckBox::toggled, this, [this, key] { commit(key); });
            return check;
        }
        case FieldSpec::Text: {
            // Typed (committed when editing ends) or picked from the suggestions.
            auto* combo = new QComboBox;
            combo->setEditable(true);
            combo->setInsertPolicy(QComboBox::NoInsert);
            combo->lineEdit()->setPlaceholderText(tr("default"));
            combo->lineEdit()->setClearButtonEnabled(true);
            connect(combo->lineEdit(), &QLineEdit::editingFinished, this, [this, key] { commit(key); });
            connect(combo, &QComboBox::activated, this, [this, key] { commit(key); });
            return combo;
        }
        case FieldSpec::Path: {
            // Typed (committed when editing ends), picked with "…", or cleared with the clear button.
            auto* box = new QWidget;
            auto* row = new QHBoxLayout(box);
            row->setContentsMargins(0, 0, 0, 0);
            auto* edit = new QLineEdit;
            edit->setPlaceholderText(tr("none"));
            edit->setClearButtonEnabled(true);
            edit->setAccessibleName(spec.label);
            auto* browse = new QToolButton;
            browse->setText(QStringLiteral("…"));
            browse->setToolTip(tr("Choose a file"));
            row->addWidget(edit, 1);
            row->addWidget(browse);
            connect(edit, &QLineEdit::editingFinished, this, [this, key] { commit(key); });
            connect(edit, &QLineEdit::textChanged, this, [this, key](const QString& text) {
                if (text.isEmpty()) commit(key);
            });
            connect(browse, &QToolButton::clicked, this, [this, key, edit, label = spec.label, filter = spec.fileFilter] {
                const QString start = edit->text().isEmpty() ? QString() : QFileInfo(edit->text()).absolutePath();
                const QString chosen = QFileDialog::getOpenFileName(this, label, start, filter);
                if (chosen.isEmpty()) return;
                edit->setText(chosen);
                commit(key);
            });
            return box;
        }
    }
    return nullptr;
}

HyperparameterForm::Field* HyperparameterForm::field(const QString& key) {
    for (Field& f : m_fields)
        if (f.spec.key == key) return &f;
    return nullptr;
}

const HyperparameterForm::Field* HyperparameterForm::field(const QString& key) const {
    return const_cast<HyperparameterForm*>(this)->field(key);
}

QVariant HyperparameterForm::currentValue(const Field& f) const {
    switch (f.spec.type) {
        case FieldSpec::Integer: return static_cast<QSpinBox*>(f.editor)->value();
        case FieldSpec::Number: return static_cast<QDoubleSpinBox*>(f.editor)->value();
        case FieldSpec::Choice: return static_cast<QComboBox*>(f.editor)->currentText();
        case FieldSpec::Boolean: return static_cast<QCheckBox*>(f.editor)->isChecked();
        case FieldSpec::Path: return f.editor->findChild<QLineEdit*>()->text();
        case FieldSpec::Text: return static_cast<QComboBox*>(f.editor)->currentText();
    }
    return {};
}

void HyperparameterForm::showValue(Field& f, const QVariant& v) {
    if (!v.isValid()) return;
    const QSignalBlocker blocker(f.editor);
    switch (f.spec.type) {
        case FieldSpec::Integer: static_cast<QSpinBox*>(f.editor)->setValue(v.toInt()); break;
        case FieldSpec::Number: static_cast<QDoubleSpinBox*>(f.editor)->setValue(v.toDouble()); break;
        case FieldSpec::Choice: {
            auto* combo = static_cast<QComboBox*>(f.editor);
            const int index = combo->findText(v.toString());
            if (index >= 0) combo->setCurrentIndex(index);
            break;
        }
        case FieldSpec::Boolean: static_cast<QCheckBox*>(f.editor)->setChecked(v.toBool()); break;
        case FieldSpec::Text: static_cast<QComboBox*>(f.editor)->setEditText(v.toString()); break;
        case FieldSpec::Path: {
            auto* edit = f.editor->findChild<QLineEdit*>();
            const QSignalBlocker editBlocker(edit);  // the clear-to-commit hook must not fire
            edit->setText(v.toString());
            break;
        }
    }
}

void HyperparameterForm::setValues(const QVariantMap& values) {
    for (auto it = values.begin(); it != values.end(); ++it) {
        Field* f = field(it.key());
        if (!f) continue;
        if (m_pendingKey == it.key()) {
            m_idle.stop();
            m_pendingKey.clear();
        }
        showValue(*f, it.value());
        f->committed = currentValue(*f);
    }
}

QVariantMap HyperparameterForm::values() const {
    QVariantMap map;
    for (const Field& f : m_fields) map.insert(f.spec.key, currentValue(f));
    return map;
}

QVariant HyperparameterForm::value(const QString& key) const {
    const Field* f = field(key);
    return f ? currentValue(*f) : QVariant{};
}

void HyperparameterForm::setFieldEnabled(const QString& key, bool enabled) {
    Field* f = field(key);
    if (!f) return;
    f->editor->setEnabled(enabled);
    if (f->label) f->label->setEnabled(enabled);
}

void HyperparameterForm::setFieldAction(const QString& key, QAction* action) {
    if (action)
        m_actions.insert(key, action);
    else
        m_actions.remove(key);
    if (!field(key)) return;  // placed when setFields names the key
    const QVariantMap kept = values();
    QStringList disabled;
    for (const Field& f : m_fields)
        if (!f.editor->isEnabled()) disabled.append(f.spec.key);
    setFields(fields());
    setValues(kept);
    for (const QString& k : disabled) setFieldEnabled(k, false);
}

QWidget* HyperparameterForm::fieldActionButton(const QString& key) const {
    const Field* f = field(key);
    return f ? f->actionButton : nullptr;
}

void HyperparameterForm::setSuggestions(const QString& key, const QStringList& words) {
    Field* f = field(key);
    if (!f || f->spec.type != FieldSpec::Text) return;
    auto* combo = static_cast<QComboBox*>(f->editor);
    const QSignalBlocker blocker(combo);
    const QString text = combo->currentText();
    combo->clear();
    combo->addItems(words);
    combo->setEditText(text);
}

bool HyperparameterForm::isFieldEnabled(const QString& key) const {
    const Field* f = field(key);
    return f && f->editor->isEnabled();
}

QString HyperparameterForm::label(const QString& key) const {
    const Field* f = field(key);
    return f ? f->spec.label : key;
}

QWidget* HyperparameterForm::editor(const QString& key) const {
    const Field* f = field(key);
    return f ? f->editor : nullptr;
}

void HyperparameterForm::commitPendingEdit() {
    if (!m_pendingKey.isEmpty()) commit(m_pendingKey);
}

void HyperparameterForm::userChanged(const QString& key) {
    // A change on another field ends the previous gesture first, so their order is kept.
    if (!m_pendingKey.isEmpty() && m_pendingKey != key) commit(m_pendingKey);
    m_pendingKey = key;
    m_idle.start();
}

void HyperparameterForm::commit(QString key) {
    if (m_pendingKey == key) {
        m_idle.stop();
        m_pendingKey.clear();
    } else if (!m_pendingKey.isEmpty()) {
        commit(m_pendingKey);
    }
    Field* f = field(key);
    if (!f) return;
    const QVariant now = currentValue(*f);
    if (now == f->committed) return;
    const QVariant before = f->committed;
    f->committed = now;
    Q_EMIT valueEdited(key, before, now);
}

}  // namespace studio::widgets
