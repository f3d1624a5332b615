#pragma once
// ArchitectureEditor: the model's layers as a table (kind, options, output shape, parameters,
// FLOPs, problems). It never edits its own rows: every user action becomes an intent signal and
// the app answers with setLayers() after changing and re-analysing the spec.

#include "widgets/layer_description.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QTableView;
class QToolButton;

namespace studio::widgets {

class LayerTableModel;

class ArchitectureEditor : public QWidget {
    Q_OBJECT
public:
    explicit ArchitectureEditor(QWidget* parent = nullptr);
    ~ArchitectureEditor() override;  // an option editor with the focus finishes its edit first

    void setLayerKinds(const QList<LayerKindDescription>& kinds);
    void setPresets(const QStringList& presets);
    /// Keeps the selection on the row the last intent pointed at (the inserted or moved layer),
    /// otherwise on the same index, clamped to the new row count.
    void setLayers(const QList<LayerRow>& layers);
    void setTotals(qint64 params, qint64 flops, const QString& overallProblem = {});
    /// "Total: unknown until layer 2 is fixed": an invalid layer leaves the sums unknown.
    void setTotalsUnknown(const QString& why, const QString& overallProblem = {});

    int selectedRow() const;  // -1 when nothing is selected
    void selectRow(int row);
    int rowCount() const;

    // For tests and the window's shortcuts.
    QTableView* table() const { return m_table; }
    LayerTableModel* model() const { return m_model; }
    QToolButton* addButton() const { return m_add; }
    QToolButton* removeButton() const { return m_remove; }
    QToolButton* upButton() const { return m_up; }
    QToolButton* downButton() const { return m_down; }
    QToolButton* loadButton() const { return m_load; }
    QToolButton* saveButton() const { return m_save; }
    QComboBox* presetCombo() const { return m_presets; }
    QString totalsText() const;
    QString problemText() const;
    /// The editor of option `key` of the selected layer in the options panel, nullptr if none.
    QWidget* optionEditor(const QString& key) const;

Q_SIGNALS:
    void layerInsertRequested(int index, const QString& kind);
    void layerRemoveRequested(int index);
    void layerMoveRequested(int from, int to);
    void layerOptionEdited(int index, const QString& key, const QVariant& value);
    void presetRequested(const QString& preset);
    void loadSpecRequested();
    void saveSpecRequested();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuildAddMenu();
    void showOverallProblem(const QString& overallProblem);
    /// The splitter gives the options panel only what its layout asks for, and a form
    /// under-estimates a wrapped label: reserve the lines the problem takes at the panel's width.
    void reserveProblemLines();
    void rebuildOptionsPanel();
    void updateButtons();
    QWidget* createOptionEditor(const OptionDescription& option, const QVariant& value, int row);

    LayerTableModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QToolButton* m_add = nullptr;
    QToolButton* m_remove = nullptr;
    QToolButton* m_up = nullptr;
    QToolButton* m_down = nullptr;
    QToolButton* m_load = nullptr;
    QToolButton* m_save = nullptr;
    QComboBox* m_presets = nullptr;
    QGroupBox* m_optionsBox = nullptr;
    QFormLayout* m_optionsForm = nullptr;
    QLabel* m_totals = nullptr;
    QLabel* m_problem = nullptr;
    QPointer<QLabel> m_optionProblem;  // the selected layer's problem in the options panel
    int m_expectedSelection = -1;
};

}  // namespace studio::widgets
