#pragma once
// HyperparameterForm: the training settings (epochs, batch size, learning rate, optimizer …) as a
// form built from field descriptions. It reports each finished edit once — a drag or a run of
// arrow clicks is one gesture — so an undo stack gets one step per thing the user did.

#include <QHash>
#include <QList>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVariant>
#include <QVariantMap>
#include <QWidget>
#include <vector>

class QAction;
class QLabel;

namespace studio::widgets {

struct FieldSpec {
    // Path: a file name as text, "" = none. Text: a word typed or picked from suggestions
    // (setSuggestions), "" = the default.
    enum Type { Integer, Number, Choice, Boolean, Path, Text };
    QString key;    // the name the app uses, e.g. "learning_rate"
    QString label;  // what the user reads, e.g. "Learning rate"
    QString group;  // section title, e.g. "Optimizer"
    Type type = Number;
    double min = 0.0;
    double max = 1.0;
    double step = 1.0;      // arrow step for Integer/Number (ignored with logScale: arrows walk 1-2-5)
    int decimals = 4;       // shown for linear Numbers; the value itself is never rounded
    bool logScale = false;  // Numbers spanning decades (learning rate, weight decay)
    QVariant defaultValue;
    QStringList choices;  // for Choice; the value is the chosen string
    QString tooltip;
    QString fileFilter;  // for Path: the file dialog's filter, e.g. "Models (*.tsmodel)"
};

class HyperparameterForm : public QWidget {
    Q_OBJECT
public:
    explicit HyperparameterForm(QWidget* parent = nullptr);
    ~HyperparameterForm() override;  // an option editor with the focus finishes its edit first

    /// Rebuilds the form; groups appear in the order they are first named; values = defaults.
    void setFields(const QList<FieldSpec>& fields);
    QList<FieldSpec> fields() const;

    /// Shows `values` (unknown keys ignored, numbers clamped to their range) without emitting
    /// valueEdited; an edit gesture in progress on one of these fields is dropped.
    void setValues(const QVariantMap& values);
    QVariantMap values() const;
    QVariant value(const QString& key) const;

    void setFieldEnabled(const QString& key, bool enabled);
    /// A Text field's list to pick from (e.g. a table's column names); the value is kept.
    void setSuggestions(const QString& key, const QStringList& words);
    bool isFieldEnabled(const QString& key) const;
    /// A small button beside `key`'s editor that triggers `action` (e.g. "Find…" beside the
    /// learning rate); kept when setFields rebuilds the form. The button follows the action's
    /// text, tooltip and enabled state. nullptr removes it.
    void setFieldAction(const QString& key, QAction* action);
    /// The button setFieldAction put beside `key`, nullptr if none.
    QWidget* fieldActionButton(const QString& key) const;
    /// What the user reads for `key` ("Validation" for "val_split"), e.g. in "Change Validation";
    /// `key` itself when unknown.
    QString label(const QString& key) const;
    /// The editor of `key` (QSpinBox, ScientificSpinBox, QComboBox, QCheckBox, for a Path a
    /// QWidget holding a QLineEdit and a browse QToolButton, for a Text an editable QComboBox),
    /// nullptr if unknown.
    QWidget* editor(const QString& key) const;

    /// How long arrow clicks may pause and still count as one gesture (default 400 ms).
    void setGestureIdleMs(int ms) { m_idle.setInterval(ms); }
    int gestureIdleMs() const { return m_idle.interval(); }
    /// Ends a gesture in progress now (e.g. before Start), emitting its valueEdited if any.
    void commitPendingEdit();

Q_SIGNALS:
    /// One per gesture; oldValue is what the field held before the gesture began.
    void valueEdited(const QString& key, const QVariant& oldValue, const QVariant& newValue);

private:
    struct Field {
        FieldSpec spec;
        QWidget* editor = nullptr;
        QLabel* label = nullptr;
        QWidget* actionButton = nullptr;
        QVariant committed;  // the value before the current gesture
    };
    Field* field(const QString& key);
    const Field* field(const QString& key) const;
    QWidget* createEditor(const FieldSpec& spec);
    QVariant currentValue(const Field& f) const;
    void showValue(Field& f, const QVariant& v);
    void userChanged(const QString& key);
    void commit(QString key);  // by value: callers pass m_pendingKey, which commit() clears

    std::vector<Field> m_fields;
    QWidget* m_content = nullptr;
    QTimer m_idle;
    QString m_pendingKey;
    QHash<QString, QPointer<QAction>> m_actions;
};

}  // namespace studio::widgets
