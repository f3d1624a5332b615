#pragma once
// ArchitectureController: answers the ArchitectureEditor's intents. Each layer edit is applied
// to a copy of the current spec and handed back as one edit (the window makes it undoable);
// shows the analysed layers (shapes, parameters, FLOPs, problems) the window gives it.

#include <QObject>
#include <QString>
#include <functional>

#include "engine/nn/model_spec.h"

namespace studio::widgets {
class ArchitectureEditor;
}

namespace studio::app {

class ArchitectureController : public QObject {
    Q_OBJECT
public:
    /// `currentSpec` returns the architecture as it stands, resolved for the loaded data.
    ArchitectureController(widgets::ArchitectureEditor* editor, std::function<ModelSpec()> currentSpec,
                           QObject* parent = nullptr);

    /// Shows `spec`'s layers and totals; `hasData` false explains that shapes need a dataset.
    void show(const ModelSpec& spec, bool hasData);
    /// Applies `change` to the current spec and emits it as one edit named `description`.
    void edit(const std::function<void(ModelSpec&)>& change, const QString& description);

Q_SIGNALS:
    /// A new architecture (no longer a preset) to make the project's.
    void specEdited(const studio::ModelSpec& spec, const QString& description);
    void presetRequested(const QString& preset);
    void error(const QString& message);
    void info(const QString& message);

private:
    void loadSpec();
    void saveSpec();

    widgets::ArchitectureEditor* m_editor;
    std::function<ModelSpec()> m_currentSpec;
};

}  // namespace studio::app
