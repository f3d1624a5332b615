#pragma once
// BoundaryPanel: the "See inside" page for 2-D data — the decision-boundary plane, the hidden
// units' fields below it, and the controls a class uses to watch a run learn: the speed (steps
// per second, or full speed), Step (one training step), Show test data, Discretize, Export PNG;
// and, for the built-in 2-D sets, a row of the data's own settings (generator noise, sample
// count, test fraction) built from the option schema's field descriptions, so a class can make
// the problem harder and watch again. It holds no engine state: the controller feeds it values
// and acts on its intents.

#include <QHash>
#include <QVariant>
#include <QWidget>

#include "widgets/hyperparameter_form.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;

namespace studio::widgets {

class DecisionBoundaryView;
class UnitFieldGrid;

class BoundaryPanel : public QWidget {
    Q_OBJECT
public:
    explicit BoundaryPanel(QWidget* parent = nullptr);
    ~BoundaryPanel() override;  // an option editor with the focus finishes its edit first

    DecisionBoundaryView* view() const { return m_view; }
    UnitFieldGrid* units() const { return m_units; }

    /// The speed choices, in steps per second; 0 is full speed (the first entry).
    static QList<double> paceChoices();
    double pace() const;
    /// Selects the choice nearest `stepsPerSecond` (0: full speed) without emitting paceChanged.
    void setPace(double stepsPerSecond);
    /// Step is offered while a run trains (it pauses the run and advances one step).
    void setStepEnabled(bool enabled);
    /// Whether the pace controls apply (a run of 2-D data is possible); the rest stays usable.
    void setPlaneAvailable(bool available);
    /// The data settings offered on the page (Integer and Number fields), in one row; their
    /// values (setDataValues) and whether the row shows (the built-in 2-D sets only).
    void setDataFields(const QList<FieldSpec>& fields);
    void setDataValues(const QVariantMap& values);
    void setDataControlsVisible(bool visible);
    bool dataControlsVisible() const;
    /// The editor of a data field (a QSpinBox or QDoubleSpinBox), null for an unknown key.
    QWidget* dataEditor(const QString& key) const { return m_dataEditors.value(key); }
    /// The status line beside the controls ("Boundary of epoch 12, 48×48 cells in 9 ms").
    void setStatus(const QString& text);
    QString status() const;

    QCheckBox* showTestBox() const { return m_showTest; }
    QCheckBox* discreteBox() const { return m_discrete; }
    QComboBox* paceBox() const { return m_pace; }
    QPushButton* stepButton() const { return m_step; }
    QPushButton* exportButton() const { return m_export; }
    /// The hovered unit, enlarged (empty when none is hovered), and its caption.
    QLabel* magnifier() const { return m_magnifier; }
    QLabel* magnifierCaption() const { return m_magnifierCaption; }

Q_SIGNALS:
    /// Train at most this many steps per second (0: full speed).
    void paceChanged(double stepsPerSecond);
    /// Advance the run by exactly one training step (pausing it).
    void stepRequested();
    /// Save the plane as a PNG (the controller asks where).
    void exportRequested();
    /// The user finished editing a data setting (noise, samples, test fraction).
    void dataSettingEdited(const QString& key, const QVariant& value);

private:
    DecisionBoundaryView* m_view = nullptr;
    UnitFieldGrid* m_units = nullptr;
    QScrollArea* m_unitsScroll = nullptr;
    QCheckBox* m_showTest = nullptr;
    QCheckBox* m_discrete = nullptr;
    QComboBox* m_pace = nullptr;
    QPushButton* m_step = nullptr;
    QPushButton* m_export = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_magnifier = nullptr;
    QLabel* m_magnifierCaption = nullptr;
    QWidget* m_dataRow = nullptr;
    QHash<QString, QWidget*> m_dataEditors;
};

}  // namespace studio::widgets
